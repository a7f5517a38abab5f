import { basename, dirname, extname, join } from 'node:path';
import { writevFully } from './write-fully';

/** Bytes to write at a position of the file: appended media, or a patch over bytes already written. */
export interface RecordingBlock {
  offset: number;
  chunks: Buffer[];
  /** Sum of the chunks' lengths. */
  length: number;
}

export interface DiskSpace {
  /** Bytes an unprivileged writer may still use (statfs `bavail` × `bsize`). */
  available: number;
  /** Size of the file system. */
  total: number;
}

/**
 * Where a recording goes: one file, written by position. The sink has one call in flight at a
 * time, so an implementation needs no locking.
 */
export interface RecordingTarget {
  /** For stats, logs and the host's records. */
  readonly path: string;
  /** Writes the blocks in order, each at its offset; resolves once the OS took them all. */
  write(blocks: readonly RecordingBlock[]): Promise<void>;
  close(): Promise<void>;
  /** Cuts the file to `length` bytes (drops a tail a failed write may have left). */
  truncate?(length: number): Promise<void>;
  /** Free and total bytes of the file system the file is on; undefined when unknown. */
  space?(): Promise<DiskSpace | undefined>;
  /** Makes what was written durable (fdatasync), before the file is closed at its end. */
  sync?(): Promise<void>;
  /** Closes and deletes the file: nothing worth keeping was recorded. */
  discard?(): Promise<void>;
}

/**
 * The path of part `part` of a broadcast's recording: the host's path itself for part 1, then
 * `name-part2.mp4`, `name-part3.mp4` … beside it (a new part follows a codec change).
 */
export function recordingPartPath(path: string, part: number): string {
  if (part <= 1) return path;
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-part${part}${ext}`);
}

/**
 * A {@link RecordingTarget} over a new file (it must not exist yet: an existing recording is
 * never overwritten). The directory must exist: creating it could put recordings on the root
 * file system when the disk meant for them is not mounted.
 */
export async function openRecordingFile(path: string): Promise<RecordingTarget> {
  const fs = await import('node:fs/promises');
  const handle = await fs.open(path, 'wx', 0o644);
  const dir = dirname(path);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    path,
    write: async (blocks) => {
      for (const block of blocks) await writevFully(handle, block.chunks, block.offset);
    },
    truncate: (length) => handle.truncate(length),
    space: async () => {
      const s = await fs.statfs(dir);
      return { available: s.bavail * s.bsize, total: s.blocks * s.bsize };
    },
    sync: () => handle.datasync(),
    close,
    discard: async () => {
      await close().catch(() => undefined);
      await fs.rm(path, { force: true });
    },
  };
}

/**
 * Writes in file order, merged: a block that starts where the previous one ends joins it, so a
 * batch is one writev per run of appended bytes plus one small write per patch.
 */
export class BlockList {
  readonly blocks: RecordingBlock[] = [];
  bytes = 0;

  add(offset: number, bytes: Buffer): void {
    if (bytes.length === 0) return;
    const last = this.blocks[this.blocks.length - 1];
    if (last !== undefined && last.offset + last.length === offset) {
      last.chunks.push(bytes);
      last.length += bytes.length;
    } else {
      this.blocks.push({ offset, chunks: [bytes], length: bytes.length });
    }
    this.bytes += bytes.length;
  }

  get empty(): boolean {
    return this.blocks.length === 0;
  }
}

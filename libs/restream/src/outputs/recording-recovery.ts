import { type ByteSource, type InitInfo, type ScanResult, isMp4Error, scanFragments } from '@fanout/mp4';

/** What a recording left open by a crash holds once tidied. */
export interface RecoveredRecording {
  /**
   * `finished`: it was finalized after all (an mfra at its end): nothing was changed.
   * `recovered`: it plays up to its last complete fragment (after the `action` below).
   * `empty`: no playable media (the crash came before the first fragment, or before the init
   * was whole): the host may delete it.
   */
  status: 'finished' | 'recovered' | 'empty';
  /** Whole fragments that only lacked their commit (the crash came between the two writes): committed now, so kept. */
  committedFragments: number;
  /** Bytes of a partial or broken tail that were cut off. */
  truncatedBytes: number;
  /** Media duration, ms: latest sample end minus earliest sample start. */
  durationMs: number;
  /** File size after recovery. */
  bytes: number;
  fragments: number;
  /** Sample-entry codecs as @fanout/rtmp names them ('h264', 'hevc', 'av1', 'aac', 'opus'), or the FourCC. */
  videoCodec: string | null;
  audioCodec: string | null;
  /** What was wrong with the tail, when there was one. */
  tail?: { offset: number; reason: 'truncated' | 'malformed' | 'uncommitted'; error?: string };
}

const CODEC_OF_ENTRY: Readonly<Record<string, string>> = { avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc', av01: 'av1', mp4a: 'aac', Opus: 'opus' };

/**
 * Tidies a recording that a crash left open, for the host to call at start-up on every file it
 * had not seen finished: walks its fragments with @fanout/mp4's `scanFragments` (reading only box
 * headers and moofs, so a long recording costs little), and makes the file end on its last
 * complete fragment: a whole fragment that only lacked its commit is committed, anything else
 * after the last complete fragment is truncated. Returns the real duration, for the host to list
 * it as interrupted.
 *
 * Throws the file system's error when the file cannot be opened (ENOENT: it is gone).
 */
export async function recoverRecording(path: string): Promise<RecoveredRecording> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r+');
  try {
    let scan = await scan_(handle);
    if (scan === undefined) {
      const { size } = await handle.stat();
      return { status: 'empty', committedFragments: 0, truncatedBytes: 0, durationMs: 0, bytes: size, fragments: 0, videoCodec: null, audioCodec: null };
    }
    let committedFragments = 0;
    let truncatedBytes = 0;
    const tail = scan.tail;
    // Whole fragments that only lack their commit (a batch of several may have been written
    // before the crash) are committed one by one; the first partial or broken box is cut off.
    for (let round = 0; scan.tail !== undefined && round < 64; round++) {
      const t = scan.tail;
      if (t.reason === 'uncommitted' && t.commit !== undefined) {
        await handle.write(t.commit.bytes, 0, t.commit.bytes.length, t.commit.offset);
        committedFragments += 1;
      } else {
        truncatedBytes += (await handle.stat()).size - t.offset;
        await handle.truncate(t.offset);
      }
      scan = (await scan_(handle)) as ScanResult;
    }
    const changed = committedFragments > 0 || truncatedBytes > 0;
    if (changed) await handle.datasync();
    const { size } = await handle.stat();
    const result: RecoveredRecording = {
      status: scan.mfra !== undefined && !changed ? 'finished' : scan.fragments.length === 0 ? 'empty' : 'recovered',
      committedFragments,
      truncatedBytes,
      durationMs: scan.durationMs,
      bytes: size,
      fragments: scan.fragments.length,
      ...codecsOf(scan.init),
    };
    if (tail !== undefined) result.tail = { offset: tail.offset, reason: tail.reason, ...(tail.error !== undefined ? { error: tail.error.message } : {}) };
    return result;
  } finally {
    await handle.close();
  }
}

/** The scan, or undefined when not even the init segment is whole. */
async function scan_(handle: import('node:fs/promises').FileHandle): Promise<ScanResult | undefined> {
  const { size } = await handle.stat();
  const { readSync } = await import('node:fs');
  const source: ByteSource = {
    size,
    read: (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(n);
      let done = 0;
      while (done < n) {
        const got = readSync(handle.fd, buffer, done, n - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return buffer.subarray(0, done);
    },
  };
  try {
    return scanFragments(source);
  } catch (error) {
    if (isMp4Error(error, 'INIT_TRUNCATED') || isMp4Error(error, 'BOX_TRUNCATED')) return undefined;
    if (size === 0) return undefined;
    throw error;
  }
}

function codecsOf(init: InitInfo): { videoCodec: string | null; audioCodec: string | null } {
  const name = (handler: string): string | null => {
    const entry = init.tracks.find((t) => t.handlerType === handler)?.sampleEntry;
    return entry === undefined ? null : (CODEC_OF_ENTRY[entry.type] ?? entry.type);
  };
  return { videoCodec: name('vide'), audioCodec: name('soun') };
}

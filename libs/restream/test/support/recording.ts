import { type SampleInfo, type ScanResult, readFragment, scanFragments } from '@fanout/mp4';
import type { DiskSpace, RecordingBlock, RecordingTarget } from '../../src';

/**
 * A recording target in memory: positional writes into one Buffer, as a file would take them.
 * `failOn(n)` makes write call n (from 1) and every later one reject with that error code;
 * `stuck()` makes writes never resolve; `space` reports free space as the test decides.
 */
export class MemoryTarget implements RecordingTarget {
  data = Buffer.alloc(0);
  writes = 0;
  closed = false;
  discarded = false;
  synced = 0;
  truncatedTo: number | undefined;
  private failFrom: { n: number; code: string } | undefined;
  private isStuck = false;
  space?: () => Promise<DiskSpace | undefined>;

  constructor(readonly path = 'memory.mp4') {}

  failOn(n: number, code: string): this {
    this.failFrom = { n, code };
    return this;
  }

  stuck(): this {
    this.isStuck = true;
    return this;
  }

  /** Free space: `total` bytes of which this file's bytes and `usedByOthers` are taken. */
  withDisk(total: number, usedByOthers: () => number = () => 0): this {
    this.space = async () => ({ total, available: total - usedByOthers() - this.data.length });
    return this;
  }

  async write(blocks: readonly RecordingBlock[]): Promise<void> {
    this.writes += 1;
    if (this.isStuck) return new Promise<void>(() => undefined);
    if (this.failFrom !== undefined && this.writes >= this.failFrom.n) {
      throw Object.assign(new Error(`${this.failFrom.code}: simulated, write`), { code: this.failFrom.code });
    }
    for (const block of blocks) {
      let at = block.offset;
      for (const chunk of block.chunks) {
        if (at + chunk.length > this.data.length) this.data = Buffer.concat([this.data, Buffer.alloc(at + chunk.length - this.data.length)]);
        chunk.copy(this.data, at);
        at += chunk.length;
      }
    }
  }

  async truncate(length: number): Promise<void> {
    this.truncatedTo = length;
    this.data = Buffer.from(this.data.subarray(0, length));
  }

  async sync(): Promise<void> {
    this.synced += 1;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async discard(): Promise<void> {
    this.discarded = true;
    this.closed = true;
  }
}

export interface ReadTrack {
  trackId: number;
  type: string;
  timescale: number;
  samples: (SampleInfo & { bytes: Buffer })[];
}

/** Every sample of every track of an fMP4 in memory, read back with @fanout/mp4's reader. */
export function readMp4(file: Buffer): { scan: ScanResult; tracks: ReadTrack[] } {
  const scan = scanFragments(file);
  const tracks: ReadTrack[] = scan.init.tracks.map((t) => ({ trackId: t.trackId, type: t.sampleEntry?.type ?? '?', timescale: t.timescale, samples: [] }));
  for (const f of scan.fragments) {
    for (const traf of readFragment(file, f.offset, scan.init).trafs) {
      const track = tracks.find((t) => t.trackId === traf.trackId)!;
      for (const s of traf.samples) track.samples.push({ ...s, bytes: file.subarray(s.offset, s.offset + s.size) });
    }
  }
  return { scan, tracks };
}


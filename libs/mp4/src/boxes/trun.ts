import { ByteReader, ByteWriter, fullBox } from '../bytes';
import { Mp4Error } from '../errors';

/** Track fragment run (14496-12 8.8.8). Per-sample fields are present exactly when `flags` say so. */
export interface Trun {
  /** 1 when composition offsets are signed. */
  version: 0 | 1;
  flags: number;
  dataOffset?: number;
  firstSampleFlags?: number;
  samples: TrunSample[];
}

export interface TrunSample {
  duration?: number;
  size?: number;
  flags?: number;
  compositionOffset?: number;
}

export const TRUN_DATA_OFFSET = 0x000001;
export const TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
export const TRUN_SAMPLE_DURATION = 0x000100;
export const TRUN_SAMPLE_SIZE = 0x000200;
export const TRUN_SAMPLE_FLAGS = 0x000400;
export const TRUN_SAMPLE_COMPOSITION_OFFSET = 0x000800;

/** Bytes each sample takes in a trun with these flags. */
export function trunSampleBytes(flags: number): number {
  return [TRUN_SAMPLE_DURATION, TRUN_SAMPLE_SIZE, TRUN_SAMPLE_FLAGS, TRUN_SAMPLE_COMPOSITION_OFFSET].filter((f) => flags & f).length * 4;
}

export function encodeTrun(t: Trun): Buffer {
  const has = (f: number) => (t.flags & f) !== 0;
  const w = new ByteWriter(12 + t.samples.length * trunSampleBytes(t.flags)).u32(t.samples.length);
  if (has(TRUN_DATA_OFFSET)) w.i32(t.dataOffset ?? 0);
  if (has(TRUN_FIRST_SAMPLE_FLAGS)) w.u32(t.firstSampleFlags ?? 0);
  for (const s of t.samples) {
    if (has(TRUN_SAMPLE_DURATION)) w.u32(required(s.duration, 'duration'));
    if (has(TRUN_SAMPLE_SIZE)) w.u32(required(s.size, 'size'));
    if (has(TRUN_SAMPLE_FLAGS)) w.u32(required(s.flags, 'flags'));
    if (has(TRUN_SAMPLE_COMPOSITION_OFFSET)) {
      const cts = required(s.compositionOffset, 'compositionOffset');
      if (t.version === 1) w.i32(cts);
      else w.u32(cts);
    }
  }
  return fullBox('trun', t.version, t.flags, w.done());
}

function required(v: number | undefined, what: string): number {
  if (v === undefined) throw new Mp4Error('INVALID_SAMPLE', `trun: the flags ask for a sample ${what} that is missing`);
  return v;
}

export function decodeTrun(r: ByteReader, maxSamples: number): Trun {
  const { version, flags } = r.fullHeader('trun');
  if (version > 1) throw new Mp4Error(r.code, `trun version ${version}`, r.base + r.pos - 4);
  const count = r.u32('trun sample_count');
  if (count > maxSamples) throw new Mp4Error('LIMIT_EXCEEDED', `trun has ${count} samples, limit ${maxSamples}`, r.base + r.pos - 4);
  const t: Trun = { version: version as 0 | 1, flags, samples: [] };
  if (flags & TRUN_DATA_OFFSET) t.dataOffset = r.i32('trun data_offset');
  if (flags & TRUN_FIRST_SAMPLE_FLAGS) t.firstSampleFlags = r.u32('trun first_sample_flags');
  r.need(count * trunSampleBytes(flags), 'trun samples');
  for (let i = 0; i < count; i++) {
    const s: TrunSample = {};
    if (flags & TRUN_SAMPLE_DURATION) s.duration = r.u32();
    if (flags & TRUN_SAMPLE_SIZE) s.size = r.u32();
    if (flags & TRUN_SAMPLE_FLAGS) s.flags = r.u32();
    if (flags & TRUN_SAMPLE_COMPOSITION_OFFSET) s.compositionOffset = version === 1 ? r.i32() : r.u32();
    t.samples.push(s);
  }
  return t;
}

import { ByteReader, ByteWriter, box, fullBox } from '../bytes';

/**
 * Movie fragment random access (14496-12 8.8.9-8.8.11): one tfra per track listing its random
 * access points, then an mfro giving the mfra's size, so a reader finds it from the file's end.
 */
export interface TfraEntry {
  /** Presentation time of the random access sample, in the track's timescale. */
  time: number;
  /** File offset of the moof holding it. */
  moofOffset: number;
  /** 1-based numbers of its traf, trun and sample. */
  trafNumber: number;
  trunNumber: number;
  sampleNumber: number;
}

export interface Tfra {
  trackId: number;
  entries: TfraEntry[];
}

// traf and trun numbers in 1 byte, the sample number in 4.
const LENGTH_SIZES = (0 << 4) | (0 << 2) | 3;

export function encodeTfra(t: Tfra): Buffer {
  const w = new ByteWriter(12 + t.entries.length * 22).u32(t.trackId).u32(LENGTH_SIZES).u32(t.entries.length);
  for (const e of t.entries) w.u64(e.time).u64(e.moofOffset).u8(e.trafNumber).u8(e.trunNumber).u32(e.sampleNumber);
  return fullBox('tfra', 1, 0, w.done());
}

export function decodeTfra(r: ByteReader): Tfra {
  const { version } = r.fullHeader('tfra');
  const trackId = r.u32('tfra track_ID');
  const sizes = r.u32('tfra length sizes');
  const count = r.u32('tfra number_of_entry');
  const field = (bytes: number) => (bytes === 1 ? r.u8() : bytes === 2 ? r.u16() : bytes === 3 ? r.u24() : r.u32());
  const trafBytes = ((sizes >> 4) & 3) + 1;
  const trunBytes = ((sizes >> 2) & 3) + 1;
  const sampleBytes = (sizes & 3) + 1;
  r.need(count * ((version === 1 ? 16 : 8) + trafBytes + trunBytes + sampleBytes), 'tfra entries');
  const entries: TfraEntry[] = [];
  for (let i = 0; i < count; i++) {
    const time = r.versioned(version, 'tfra time');
    const moofOffset = r.versioned(version, 'tfra moof_offset');
    entries.push({ time, moofOffset, trafNumber: field(trafBytes), trunNumber: field(trunBytes), sampleNumber: field(sampleBytes) });
  }
  return { trackId, entries };
}

export function encodeMfra(tfras: Tfra[]): Buffer {
  const body = tfras.map(encodeTfra);
  const size = 8 + body.reduce((n, b) => n + b.length, 0) + 16;
  return box('mfra', ...body, fullBox('mfro', 0, 0, new ByteWriter(4).u32(size).done()));
}

export function decodeMfro(r: ByteReader): number {
  r.fullHeader('mfro');
  return r.u32('mfro size');
}

import { ByteReader, ByteWriter, fullBox } from '../bytes';
import { Mp4Error } from '../errors';

/**
 * Segment index (14496-12 8.16.3), version 1 (64-bit times and offsets). Each reference covers
 * one or more whole moof + mdat pairs; offsets count from the first byte after the sidx.
 */
export interface SidxReference {
  /** Bytes of the referenced fragments. */
  size: number;
  /** Their duration in the reference track's timescale. */
  duration: number;
  /** The first sample of the reference track in them is a sync sample. */
  startsWithSap: boolean;
}

export interface Sidx {
  referenceId: number;
  timescale: number;
  earliestPresentationTime: number;
  firstOffset: number;
  references: SidxReference[];
}

/** Bytes of a version-1 sidx with `count` references. */
export function sidxSize(count: number): number {
  return 8 + 4 + 28 + 12 * count;
}

export const MAX_SIDX_REFERENCE_SIZE = 0x7fffffff;

export function encodeSidx(s: Sidx): Buffer {
  if (s.references.length > 0xffff) throw new Mp4Error('INVALID_SAMPLE', `sidx with ${s.references.length} references`);
  const w = new ByteWriter(28 + 12 * s.references.length)
    .u32(s.referenceId)
    .u32(s.timescale)
    .u64(s.earliestPresentationTime)
    .u64(s.firstOffset)
    .u16(0)
    .u16(s.references.length);
  for (const r of s.references) {
    if (r.size > MAX_SIDX_REFERENCE_SIZE) throw new Mp4Error('INVALID_SAMPLE', `sidx reference of ${r.size} bytes`);
    w.u32(r.size) // reference_type 0: media
      .u32(r.duration)
      .u32(r.startsWithSap ? 0x90000000 : 0); // starts_with_SAP, SAP_type 1, SAP_delta_time 0
  }
  return fullBox('sidx', 1, 0, w.done());
}

export function decodeSidx(r: ByteReader): Sidx {
  const { version } = r.fullHeader('sidx');
  const referenceId = r.u32('sidx reference_ID');
  const timescale = r.u32('sidx timescale');
  const earliestPresentationTime = r.versioned(version, 'sidx earliest_presentation_time');
  const firstOffset = r.versioned(version, 'sidx first_offset');
  r.skip(2, 'sidx reserved');
  const count = r.u16('sidx reference_count');
  r.need(count * 12, 'sidx references');
  const references: SidxReference[] = [];
  for (let i = 0; i < count; i++) {
    const size = r.u32() & 0x7fffffff;
    const duration = r.u32();
    const sap = r.u32();
    references.push({ size, duration, startsWithSap: (sap & 0x80000000) !== 0 });
  }
  return { referenceId, timescale, earliestPresentationTime, firstOffset, references };
}

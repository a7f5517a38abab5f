import { ByteReader, ByteWriter, fullBox } from '../bytes';

/** Track fragment header (14496-12 8.8.7). Optional fields are present exactly when set. */
export interface Tfhd {
  trackId: number;
  baseDataOffset?: number;
  sampleDescriptionIndex?: number;
  defaultSampleDuration?: number;
  defaultSampleSize?: number;
  defaultSampleFlags?: number;
  durationIsEmpty: boolean;
  /** Data offsets count from the start of the enclosing moof. */
  defaultBaseIsMoof: boolean;
}

export const TFHD_BASE_DATA_OFFSET = 0x000001;
export const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
export const TFHD_DEFAULT_SAMPLE_DURATION = 0x000008;
export const TFHD_DEFAULT_SAMPLE_SIZE = 0x000010;
export const TFHD_DEFAULT_SAMPLE_FLAGS = 0x000020;
export const TFHD_DURATION_IS_EMPTY = 0x010000;
export const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

export function encodeTfhd(t: Tfhd): Buffer {
  let flags = 0;
  const w = new ByteWriter(32).u32(t.trackId);
  if (t.baseDataOffset !== undefined) {
    flags |= TFHD_BASE_DATA_OFFSET;
    w.u64(t.baseDataOffset);
  }
  if (t.sampleDescriptionIndex !== undefined) {
    flags |= TFHD_SAMPLE_DESCRIPTION_INDEX;
    w.u32(t.sampleDescriptionIndex);
  }
  if (t.defaultSampleDuration !== undefined) {
    flags |= TFHD_DEFAULT_SAMPLE_DURATION;
    w.u32(t.defaultSampleDuration);
  }
  if (t.defaultSampleSize !== undefined) {
    flags |= TFHD_DEFAULT_SAMPLE_SIZE;
    w.u32(t.defaultSampleSize);
  }
  if (t.defaultSampleFlags !== undefined) {
    flags |= TFHD_DEFAULT_SAMPLE_FLAGS;
    w.u32(t.defaultSampleFlags);
  }
  if (t.durationIsEmpty) flags |= TFHD_DURATION_IS_EMPTY;
  if (t.defaultBaseIsMoof) flags |= TFHD_DEFAULT_BASE_IS_MOOF;
  return fullBox('tfhd', 0, flags, w.done());
}

export function decodeTfhd(r: ByteReader): Tfhd {
  const { flags } = r.fullHeader('tfhd');
  const t: Tfhd = {
    trackId: r.u32('tfhd track_ID'),
    durationIsEmpty: (flags & TFHD_DURATION_IS_EMPTY) !== 0,
    defaultBaseIsMoof: (flags & TFHD_DEFAULT_BASE_IS_MOOF) !== 0,
  };
  if (flags & TFHD_BASE_DATA_OFFSET) t.baseDataOffset = r.u64('tfhd base_data_offset');
  if (flags & TFHD_SAMPLE_DESCRIPTION_INDEX) t.sampleDescriptionIndex = r.u32('tfhd sample_description_index');
  if (flags & TFHD_DEFAULT_SAMPLE_DURATION) t.defaultSampleDuration = r.u32('tfhd default_sample_duration');
  if (flags & TFHD_DEFAULT_SAMPLE_SIZE) t.defaultSampleSize = r.u32('tfhd default_sample_size');
  if (flags & TFHD_DEFAULT_SAMPLE_FLAGS) t.defaultSampleFlags = r.u32('tfhd default_sample_flags');
  return t;
}

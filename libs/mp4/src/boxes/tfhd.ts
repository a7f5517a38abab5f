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

type OptionalField = 'baseDataOffset' | 'sampleDescriptionIndex' | 'defaultSampleDuration' | 'defaultSampleSize' | 'defaultSampleFlags';

/** The optional fields in the order they follow track_ID, each with its flag and width. */
const OPTIONAL: readonly { flag: number; field: OptionalField; bytes: 4 | 8 }[] = [
  { flag: TFHD_BASE_DATA_OFFSET, field: 'baseDataOffset', bytes: 8 },
  { flag: TFHD_SAMPLE_DESCRIPTION_INDEX, field: 'sampleDescriptionIndex', bytes: 4 },
  { flag: TFHD_DEFAULT_SAMPLE_DURATION, field: 'defaultSampleDuration', bytes: 4 },
  { flag: TFHD_DEFAULT_SAMPLE_SIZE, field: 'defaultSampleSize', bytes: 4 },
  { flag: TFHD_DEFAULT_SAMPLE_FLAGS, field: 'defaultSampleFlags', bytes: 4 },
];

export function encodeTfhd(t: Tfhd): Buffer {
  let flags = (t.durationIsEmpty ? TFHD_DURATION_IS_EMPTY : 0) | (t.defaultBaseIsMoof ? TFHD_DEFAULT_BASE_IS_MOOF : 0);
  const w = new ByteWriter(32).u32(t.trackId);
  for (const { flag, field, bytes } of OPTIONAL) {
    const value = t[field];
    if (value === undefined) continue;
    flags |= flag;
    if (bytes === 8) w.u64(value);
    else w.u32(value);
  }
  return fullBox('tfhd', 0, flags, w.done());
}

export function decodeTfhd(r: ByteReader): Tfhd {
  const { flags } = r.fullHeader('tfhd');
  const t: Tfhd = {
    trackId: r.u32('tfhd track_ID'),
    durationIsEmpty: (flags & TFHD_DURATION_IS_EMPTY) !== 0,
    defaultBaseIsMoof: (flags & TFHD_DEFAULT_BASE_IS_MOOF) !== 0,
  };
  for (const { flag, field, bytes } of OPTIONAL) {
    if (flags & flag) t[field] = bytes === 8 ? r.u64(`tfhd ${field}`) : r.u32(`tfhd ${field}`);
  }
  return t;
}

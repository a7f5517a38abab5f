import { ByteReader, ByteWriter, fullBox } from '../bytes';

/** Movie extends header (14496-12 8.8.2), version 1: the whole fragmented movie's duration. */
export function encodeMehd(fragmentDuration: number): Buffer {
  return fullBox('mehd', 1, 0, new ByteWriter(8).u64(fragmentDuration).done());
}

/** Byte offset of the 64-bit fragment_duration inside a version-1 mehd box (header included). */
export const MEHD_DURATION_OFFSET = 8 + 4;

export function decodeMehd(r: ByteReader): number {
  const { version } = r.fullHeader('mehd');
  return r.versioned(version, 'mehd fragment_duration');
}

/** Track extends box (14496-12 8.8.3): per-track defaults that truns may leave out. */
export interface Trex {
  trackId: number;
  defaultSampleDescriptionIndex: number;
  defaultSampleDuration: number;
  defaultSampleSize: number;
  defaultSampleFlags: number;
}

export function encodeTrex(trex: Trex): Buffer {
  const w = new ByteWriter(20)
    .u32(trex.trackId)
    .u32(trex.defaultSampleDescriptionIndex)
    .u32(trex.defaultSampleDuration)
    .u32(trex.defaultSampleSize)
    .u32(trex.defaultSampleFlags);
  return fullBox('trex', 0, 0, w.done());
}

export function decodeTrex(r: ByteReader): Trex {
  r.fullHeader('trex');
  return {
    trackId: r.u32('trex track_ID'),
    defaultSampleDescriptionIndex: r.u32('trex default_sample_description_index'),
    defaultSampleDuration: r.u32('trex default_sample_duration'),
    defaultSampleSize: r.u32('trex default_sample_size'),
    defaultSampleFlags: r.u32('trex default_sample_flags'),
  };
}

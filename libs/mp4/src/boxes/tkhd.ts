import { ByteReader, ByteWriter, fullBox } from '../bytes';
import { writeUnityMatrix } from './matrix';

/** Track header box (14496-12 8.3.2). Written as version 0, enabled and in movie. */
export interface Tkhd {
  trackId: number;
  /** In the movie timescale; 0 while a fragmented file is being written. */
  duration: number;
  /** Pixels (integer part of the 16.16 fields); 0 for audio. */
  width: number;
  height: number;
  /** True for audio tracks (volume 1.0), false for video (volume 0). */
  audio: boolean;
}

export const TKHD_FLAGS = 0x000003; // track_enabled | track_in_movie
/** Byte offset of the 32-bit duration inside a version-0 tkhd box (header included). */
export const TKHD_DURATION_OFFSET = 8 + 4 + 4 + 4 + 4 + 4;

export function encodeTkhd(tkhd: Tkhd): Buffer {
  const w = new ByteWriter(96)
    .u32(0) // creation_time
    .u32(0) // modification_time
    .u32(tkhd.trackId)
    .u32(0) // reserved
    .u32(tkhd.duration)
    .zeros(8) // reserved
    .u16(0) // layer
    .u16(tkhd.audio ? 1 : 0) // alternate_group
    .u16(tkhd.audio ? 0x0100 : 0) // volume
    .u16(0); // reserved
  writeUnityMatrix(w)
    .u32(tkhd.width * 0x10000)
    .u32(tkhd.height * 0x10000);
  return fullBox('tkhd', 0, TKHD_FLAGS, w.done());
}

export function decodeTkhd(r: ByteReader): Tkhd {
  const { version } = r.fullHeader('tkhd');
  r.versioned(version, 'tkhd creation_time');
  r.versioned(version, 'tkhd modification_time');
  const trackId = r.u32('tkhd track_ID');
  r.skip(4, 'tkhd reserved');
  const duration = r.versioned(version, 'tkhd duration');
  r.skip(8 + 2 + 2, 'tkhd reserved, layer, alternate_group');
  const volume = r.u16('tkhd volume');
  r.skip(2 + 36, 'tkhd reserved, matrix');
  const width = Math.floor(r.u32('tkhd width') / 0x10000);
  const height = Math.floor(r.u32('tkhd height') / 0x10000);
  return { trackId, duration, width, height, audio: volume !== 0 };
}

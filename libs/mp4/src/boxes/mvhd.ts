import { ByteReader, ByteWriter, fullBox } from '../bytes';
import { writeUnityMatrix } from './matrix';
import { decodeMediaTimes } from './media-times';

/** Movie header box (14496-12 8.2.2). Written as version 0; both versions decode. */
export interface Mvhd {
  timescale: number;
  /** In `timescale` units; 0 while a fragmented file is being written. */
  duration: number;
  nextTrackId: number;
}

/** Byte offset of the 32-bit duration inside a version-0 mvhd box (header included). */
export const MVHD_DURATION_OFFSET = 8 + 4 + 4 + 4 + 4;

export function encodeMvhd(mvhd: Mvhd): Buffer {
  const w = new ByteWriter(96)
    .u32(0) // creation_time
    .u32(0) // modification_time
    .u32(mvhd.timescale)
    .u32(mvhd.duration)
    .u32(0x00010000) // rate 1.0
    .u16(0x0100) // volume 1.0
    .zeros(2 + 8); // reserved
  writeUnityMatrix(w).zeros(24).u32(mvhd.nextTrackId); // pre_defined[6]
  return fullBox('mvhd', 0, 0, w.done());
}

export function decodeMvhd(r: ByteReader): Mvhd {
  const { version } = r.fullHeader('mvhd');
  const { timescale, duration } = decodeMediaTimes(r, version, 'mvhd');
  r.skip(4 + 2 + 10 + 36 + 24, 'mvhd body');
  const nextTrackId = r.u32('mvhd next_track_ID');
  return { timescale, duration, nextTrackId };
}

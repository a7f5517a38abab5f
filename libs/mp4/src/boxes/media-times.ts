import type { ByteReader } from '../bytes';

/**
 * The fields mvhd and mdhd both begin with (14496-12 8.2.2, 8.4.2): creation and modification
 * time, timescale, duration; times and duration are 64-bit in version 1.
 */
export function decodeMediaTimes(r: ByteReader, version: number, box: string): { timescale: number; duration: number } {
  r.versioned(version, `${box} creation_time`);
  r.versioned(version, `${box} modification_time`);
  const timescale = r.u32(`${box} timescale`);
  return { timescale, duration: r.versioned(version, `${box} duration`) };
}

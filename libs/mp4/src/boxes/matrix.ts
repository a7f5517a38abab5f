import type { ByteWriter } from '../bytes';

/** The identity transformation matrix of mvhd and tkhd (16.16 and 2.30 fixed point). */
export function writeUnityMatrix(w: ByteWriter): ByteWriter {
  return w.u32(0x00010000).u32(0).u32(0).u32(0).u32(0x00010000).u32(0).u32(0).u32(0).u32(0x40000000);
}

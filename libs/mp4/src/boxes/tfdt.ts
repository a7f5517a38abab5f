import { ByteReader, ByteWriter, fullBox } from '../bytes';

/** Track fragment decode time (14496-12 8.8.12), always written as version 1 (64-bit). */
export function encodeTfdt(baseMediaDecodeTime: number): Buffer {
  return fullBox('tfdt', 1, 0, new ByteWriter(8).u64(baseMediaDecodeTime).done());
}

export function decodeTfdt(r: ByteReader): number {
  const { version } = r.fullHeader('tfdt');
  return r.versioned(version, 'tfdt baseMediaDecodeTime');
}

import { ByteReader, ByteWriter, fullBox } from '../bytes';

/** Movie fragment header (14496-12 8.8.5): the fragment's sequence number, from 1. */
export function encodeMfhd(sequenceNumber: number): Buffer {
  return fullBox('mfhd', 0, 0, new ByteWriter(4).u32(sequenceNumber).done());
}

export function decodeMfhd(r: ByteReader): number {
  r.fullHeader('mfhd');
  return r.u32('mfhd sequence_number');
}

import { ByteWriter, box, fullBox } from '../bytes';

/**
 * The fixed parts of a track's media information in a fragmented file: the media header
 * (vmhd / smhd), a self-contained data reference, and a sample table whose only content is the
 * sample description (all samples live in fragments, so stts/stsc/stsz/stco are empty).
 */

export function encodeVmhd(): Buffer {
  return fullBox('vmhd', 0, 1, new ByteWriter(8).u16(0).zeros(6).done()); // graphicsmode copy, opcolor 0
}

export function encodeSmhd(): Buffer {
  return fullBox('smhd', 0, 0, new ByteWriter(4).i16(0).u16(0).done()); // balance centre
}

export function encodeDinf(): Buffer {
  const url = fullBox('url ', 0, 1); // flag 1: media data is in this file
  return box('dinf', fullBox('dref', 0, 0, new ByteWriter(4).u32(1).done(), url));
}

export function encodeEmptyStbl(sampleEntry: Buffer): Buffer {
  const zero = new ByteWriter(4).u32(0).done();
  return box(
    'stbl',
    fullBox('stsd', 0, 0, new ByteWriter(4).u32(1).done(), sampleEntry),
    fullBox('stts', 0, 0, zero),
    fullBox('stsc', 0, 0, zero),
    fullBox('stsz', 0, 0, new ByteWriter(8).u32(0).u32(0).done()),
    fullBox('stco', 0, 0, zero),
  );
}

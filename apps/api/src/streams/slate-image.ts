/** What a slate image upload is, from its first bytes; never trust the Content-Type alone. */
export interface ImageInfo {
  type: 'image/png' | 'image/jpeg';
  extension: 'png' | 'jpg';
  width: number;
  height: number;
}

/** Sizes a slate image may have (the renderer scales and pads it to the ingest's frame). */
export const SLATE_IMAGE_MIN_SIDE = 16;
export const SLATE_IMAGE_MAX_SIDE = 8192;

/**
 * Reads a PNG's IHDR or a JPEG's first SOF marker: the format and the size, or a sentence
 * saying what is wrong, for a 400 that names the problem.
 */
export function inspectImage(bytes: Buffer): ImageInfo | string {
  let info: ImageInfo | undefined;
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    info = { type: 'image/png', extension: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  } else if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const size = jpegSize(bytes);
    if (size === undefined) return 'The JPEG has no frame header: it may be cut short.';
    info = { type: 'image/jpeg', extension: 'jpg', ...size };
  }
  if (!info) return 'Upload a PNG or JPEG image.';
  if (info.width < SLATE_IMAGE_MIN_SIDE || info.height < SLATE_IMAGE_MIN_SIDE) return `The image is ${info.width}×${info.height}: use at least ${SLATE_IMAGE_MIN_SIDE}×${SLATE_IMAGE_MIN_SIDE}.`;
  if (info.width > SLATE_IMAGE_MAX_SIDE || info.height > SLATE_IMAGE_MAX_SIDE) return `The image is ${info.width}×${info.height}: use at most ${SLATE_IMAGE_MAX_SIDE} pixels a side.`;
  return info;
}

/** Walks JPEG markers to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC). */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  for (let guard = 0; guard < 10_000 && at + 4 <= bytes.length; guard++) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return undefined;
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

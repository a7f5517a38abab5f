import { describe, expect, it } from 'vitest';
import { inspectImage } from './slate-image';

function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

function jpeg(width: number, height: number): Buffer {
  // SOI, an APP0 segment, then SOF0 with the size.
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.alloc(19);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(17, 2);
  sof[4] = 8;
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
}

describe('inspectImage', () => {
  it('reads the size of a PNG and of a JPEG from their headers', () => {
    expect(inspectImage(png(1920, 1080))).toEqual({ type: 'image/png', extension: 'png', width: 1920, height: 1080 });
    expect(inspectImage(jpeg(1280, 720))).toEqual({ type: 'image/jpeg', extension: 'jpg', width: 1280, height: 720 });
  });

  it('refuses other formats, cut-short JPEGs and sizes out of bounds, saying why', () => {
    expect(inspectImage(Buffer.from('GIF89a……'))).toBe('Upload a PNG or JPEG image.');
    expect(inspectImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]))).toMatch(/no frame header/);
    expect(inspectImage(png(8, 8))).toMatch(/at least 16×16/);
    expect(inspectImage(png(10_000, 100))).toMatch(/at most 8192/);
    expect(inspectImage(Buffer.alloc(0))).toBe('Upload a PNG or JPEG image.');
  });
});

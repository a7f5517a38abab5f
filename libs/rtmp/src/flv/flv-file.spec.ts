import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLV_TAG_AUDIO, FLV_TAG_SCRIPT, FLV_TAG_VIDEO, encodeFlvHeader, encodeFlvTag, iterateFlvTags, readFlv, readFlvHeader, writeFlv } from '.';
import { expectMediaError, hex, onlyTypedErrors, withGarbage } from '../../test/flv/helpers';

/** An FLV with one video and one audio tag, written by hand from the FLV spec. */
const TWO_TAG_FILE = hex(
  [
    '464c5601 05 00000009', // 'FLV' v1, audio + video, header size 9
    '00000000', // PreviousTagSize0
    '09 000005 000021 00 000000 | 1702000000', // video tag, 5 bytes, ts 33
    '00000010', // 11 + 5
    '08 000002 01e240 01 000000 | af01', // audio tag, 2 bytes, ts 0x01_01e240 (extended byte)
    '0000000d',
  ].join(''),
);

describe('FLV reader', () => {
  it('reads the header flags', () => {
    expect(readFlvHeader(TWO_TAG_FILE)).toEqual({ version: 1, hasAudio: true, hasVideo: true, dataOffset: 9 });
  });

  it('reads every tag with its 32-bit timestamp and a view of its body', () => {
    const { tags } = readFlv(withGarbage(TWO_TAG_FILE));
    expect(tags.map((t) => [t.kind, t.timestamp, t.data.toString('hex'), t.offset])).toEqual([
      ['video', 33, '1702000000', 13],
      ['audio', 0x0101e240, 'af01', 13 + 11 + 5 + 4],
    ]);
  });

  it('accepts a file cut right after the last tag body (recorder killed before PreviousTagSize)', () => {
    expect(readFlv(TWO_TAG_FILE.subarray(0, TWO_TAG_FILE.length - 4)).tags).toHaveLength(2);
  });

  it('rejects a PreviousTagSize that does not match its tag', () => {
    const bad = Buffer.from(TWO_TAG_FILE);
    bad.writeUInt32BE(17, 13 + 11 + 5);
    expectMediaError(() => readFlv(bad), 'FLV_PREVIOUS_TAG_SIZE_MISMATCH');
  });

  it('rejects a nonzero PreviousTagSize0', () => {
    const bad = Buffer.from(TWO_TAG_FILE);
    bad[12] = 1;
    expectMediaError(() => readFlv(bad), 'FLV_PREVIOUS_TAG_SIZE_MISMATCH');
  });

  it('rejects a missing signature and unknown versions', () => {
    expectMediaError(() => readFlvHeader(hex('464c5801050000000900000000')), 'FLV_BAD_SIGNATURE');
    expectMediaError(() => readFlvHeader(hex('464c5602050000000900000000')), 'FLV_BAD_SIGNATURE');
  });

  it('rejects a DataOffset smaller than the header', () => {
    expectMediaError(() => readFlvHeader(hex('464c5601050000000800000000')), 'MALFORMED');
  });

  it('rejects a tag body that runs past the end of the file', () => {
    expectMediaError(() => readFlv(TWO_TAG_FILE.subarray(0, 13 + 11 + 3)), 'TRUNCATED');
  });

  it('fails only with typed errors at every truncation point', () => {
    for (let cut = 0; cut < TWO_TAG_FILE.length; cut++) onlyTypedErrors(() => readFlv(TWO_TAG_FILE.subarray(0, cut)));
  });

  it('iterates lazily, so a damaged tail still yields the tags before it', () => {
    const bad = Buffer.concat([TWO_TAG_FILE, hex('09ffffff')]);
    const seen: string[] = [];
    expectMediaError(() => {
      for (const tag of iterateFlvTags(bad)) seen.push(tag.kind);
    }, 'TRUNCATED');
    expect(seen).toEqual(['video', 'audio']);
  });
});

describe('FLV writer', () => {
  it('writes the same bytes as the hand-made file', () => {
    const written = writeFlv({ hasAudio: true, hasVideo: true }, [
      { type: FLV_TAG_VIDEO, timestamp: 33, data: hex('1702000000') },
      { type: FLV_TAG_AUDIO, timestamp: 0x0101e240, data: hex('af01') },
    ]);
    expect(written.toString('hex')).toBe(TWO_TAG_FILE.toString('hex'));
  });

  it('writes header flags for audio-only and video-only files', () => {
    expect(encodeFlvHeader({ hasAudio: true, hasVideo: false })[4]).toBe(0x04);
    expect(encodeFlvHeader({ hasAudio: false, hasVideo: true })[4]).toBe(0x01);
  });

  it('writes the filter bit', () => {
    expect(encodeFlvTag({ type: FLV_TAG_SCRIPT, timestamp: 0, data: hex('05'), filtered: true })[0]).toBe(0x32);
  });

  it('rejects timestamps that do not fit 32 bits, bodies over 16 MiB and bad tag types', () => {
    expectMediaError(() => encodeFlvTag({ type: FLV_TAG_VIDEO, timestamp: -1, data: hex('') }), 'INVALID_ARGUMENT');
    expectMediaError(() => encodeFlvTag({ type: FLV_TAG_VIDEO, timestamp: 2 ** 32, data: hex('') }), 'INVALID_ARGUMENT');
    expectMediaError(() => encodeFlvTag({ type: FLV_TAG_VIDEO, timestamp: 1.5, data: hex('') }), 'INVALID_ARGUMENT');
    expectMediaError(() => encodeFlvTag({ type: 32, timestamp: 0, data: hex('') }), 'INVALID_ARGUMENT');
    expectMediaError(() => encodeFlvTag({ type: FLV_TAG_VIDEO, timestamp: 0, data: new Uint8Array(0x1000000) }), 'INVALID_ARGUMENT');
  });

  it('round-trips random tag lists through the reader', () => {
    const tagArb = fc.record({
      type: fc.constantFrom(FLV_TAG_AUDIO, FLV_TAG_VIDEO, FLV_TAG_SCRIPT, 3),
      timestamp: fc.integer({ min: 0, max: 0xffffffff }),
      data: fc.uint8Array({ maxLength: 64 }),
      filtered: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.array(tagArb, { maxLength: 20 }), (hasAudio, hasVideo, tags) => {
        const { header, tags: read } = readFlv(writeFlv({ hasAudio, hasVideo }, tags));
        expect(header).toMatchObject({ hasAudio, hasVideo });
        expect(read.map((t) => ({ type: t.type, timestamp: t.timestamp, data: new Uint8Array(t.data), filtered: t.filtered }))).toEqual(tags);
      }),
      { numRuns: 300 },
    );
  });
});

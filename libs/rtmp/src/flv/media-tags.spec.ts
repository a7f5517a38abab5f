import { describe, expect, it } from 'vitest';
import { MediaTagError, parseAudioTag, parseVideoTag } from '.';
import { RtmpError } from '../errors';
import { expectMediaError, hex, onlyTypedErrors, withGarbage } from '../../test/flv/helpers';
import { AUDIO_TAG_FIXTURES, type TagFixture, VIDEO_TAG_FIXTURES } from '../../test/flv/tag-fixtures';

interface ParsedTag {
  payloadOffset: number;
  payloadLength: number;
  payload: Buffer;
  tracks: { payloadOffset: number; payloadLength: number; payload: Buffer }[];
}

function suite<T extends ParsedTag>(kind: string, fixtures: TagFixture<T>[], parse: (b: Buffer) => T): void {
  describe(`${kind} tag fixtures`, () => {
    it.each(fixtures)('parses $name', ({ bytes, value }) => {
      const info = parse(bytes);
      expect(info).toMatchObject(value);
      expect(info.payload.equals(bytes.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength))).toBe(true);
    });

    it.each(fixtures)('parses $name from a view with garbage around it', ({ bytes, value }) => {
      const view = withGarbage(bytes);
      const info = parse(view);
      expect(info).toMatchObject(value);
      for (const track of info.tracks) {
        expect(track.payload.equals(bytes.subarray(track.payloadOffset, track.payloadOffset + track.payloadLength))).toBe(true);
      }
    });

    it.each(fixtures)('returns views, not copies, for $name', ({ bytes }) => {
      const info = parse(bytes);
      for (const track of info.tracks) {
        expect(track.payload.buffer).toBe(bytes.buffer);
        expect(track.payload.byteOffset).toBe(bytes.byteOffset + track.payloadOffset);
      }
    });

    it.each(fixtures)('fails only with typed errors on every truncation of $name', ({ bytes }) => {
      for (let cut = 0; cut < bytes.length; cut++) onlyTypedErrors(() => parse(bytes.subarray(0, cut)));
      expectMediaError(() => parse(bytes.subarray(0, 0)), 'TRUNCATED');
    });
  });
}

suite('video', VIDEO_TAG_FIXTURES, parseVideoTag);
suite('audio', AUDIO_TAG_FIXTURES, parseAudioTag);

describe('parseVideoTag on hostile input', () => {
  it('rejects an AVC tag shorter than its five-byte header', () => {
    expectMediaError(() => parseVideoTag(hex('17000000')), 'TRUNCATED');
  });

  it('rejects an AVC packet type above 2', () => {
    expectMediaError(() => parseVideoTag(hex('1703000000')), 'MALFORMED');
  });

  it('rejects reserved enhanced packet types', () => {
    expectMediaError(() => parseVideoTag(Buffer.concat([hex('98'), Buffer.from('hvc1')])), 'UNSUPPORTED');
  });

  it('rejects a reserved multitrack type', () => {
    expectMediaError(() => parseVideoTag(Buffer.concat([hex('9631'), Buffer.from('hvc1'), hex('00000001aa')])), 'UNSUPPORTED');
  });

  it('rejects multitrack nested inside multitrack', () => {
    expectMediaError(() => parseVideoTag(Buffer.concat([hex('9606'), Buffer.from('hvc1')])), 'MALFORMED');
  });

  it('rejects a track size that runs past the tag', () => {
    expectMediaError(() => parseVideoTag(Buffer.concat([hex('9613'), Buffer.from('hvc1'), hex('00000009aabb')])), 'TRUNCATED');
  });

  it('rejects a composition time that does not fit inside its track', () => {
    expectMediaError(() => parseVideoTag(Buffer.concat([hex('9611'), Buffer.from('avc1'), hex('00000002aabb')])), 'TRUNCATED');
  });

  it('rejects a ModEx chain that ends before its packet type', () => {
    expectMediaError(() => parseVideoTag(hex('97020102')), 'TRUNCATED');
  });

  it('raises errors that are RtmpErrors with a library-wide code', () => {
    const error = expectMediaError(() => parseVideoTag(hex('17')), 'TRUNCATED');
    expect(error).toBeInstanceOf(RtmpError);
    expect(error.code).toBe('MESSAGE_TRUNCATED');
  });
});

describe('parseAudioTag on hostile input', () => {
  it('rejects an AAC tag without its packet type', () => {
    expectMediaError(() => parseAudioTag(hex('af')), 'TRUNCATED');
  });

  it('rejects an AAC packet type above 1', () => {
    expectMediaError(() => parseAudioTag(hex('af02')), 'MALFORMED');
  });

  it('rejects reserved ExAudio packet types 3 and 6', () => {
    expectMediaError(() => parseAudioTag(Buffer.concat([hex('93'), Buffer.from('Opus')])), 'UNSUPPORTED');
    expectMediaError(() => parseAudioTag(Buffer.concat([hex('96'), Buffer.from('Opus')])), 'UNSUPPORTED');
  });

  it('rejects an invalid channel order in MultichannelConfig', () => {
    const error = expectMediaError(() => parseAudioTag(Buffer.concat([hex('94'), Buffer.from('Opus'), hex('0302')])), 'MALFORMED');
    expect(error).toBeInstanceOf(MediaTagError);
  });

  it('rejects a custom channel mapping shorter than its channel count', () => {
    expectMediaError(() => parseAudioTag(Buffer.concat([hex('94'), Buffer.from('Opus'), hex('020300')])), 'TRUNCATED');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAmf0Sequence } from '../amf';
import { fourCcToNumber, parseOnMetaData } from '.';
import { hex } from '../../test/flv/helpers';

/** The onMetaData script tag body ffmpeg 5.1 wrote for 320x180 H.264 + 48 kHz stereo AAC. */
const FFMPEG_ON_METADATA = hex(
  '02000a6f6e4d65746144617461080000000d00086475726174696f6e003fd116872b020c4a000577696474680040740000000000000006686569676874004066800000000000000d766964656f646174617261746500000000000000000000096672616d657261746500403e000000000000000c766964656f636f646563696400401c000000000000000d617564696f646174617261746500405f400000000000000f617564696f73616d706c65726174650040e7700000000000000f617564696f73616d706c6573697a65004030000000000000000673746572656f0101000c617564696f636f64656369640040240000000000000007656e636f64657202000d4c61766635392e32372e313030000866696c6573697a650040cdcd8000000000000009',
);

const OBS_METADATA = {
  duration: 0,
  fileSize: 0,
  width: 1920,
  height: 1080,
  videocodecid: 7,
  videodatarate: 6000,
  framerate: 60,
  audiocodecid: 10,
  audiodatarate: 160,
  audiosamplerate: 48000,
  audiosamplesize: 16,
  audiochannels: 2,
  stereo: true,
  '2.1': false,
  '3.1': false,
  encoder: 'obs-output module (libobs version 30.1.2)',
};

describe('parseOnMetaData', () => {
  it('reads the onMetaData ffmpeg writes, decoded by the AMF0 decoder', () => {
    const [name, value] = decodeAmf0Sequence(FFMPEG_ON_METADATA);
    expect(name).toBe('onMetaData');
    expect(parseOnMetaData(value)).toMatchObject({
      width: 320,
      height: 180,
      framerate: 30,
      videocodecid: 7,
      videoCodec: 'h264',
      audiocodecid: 10,
      audioCodec: 'aac',
      audiosamplerate: 48000,
      audiosamplesize: 16,
      stereo: true,
      audiochannels: 2,
      encoder: 'Lavf59.27.100',
      videodatarate: 0,
      audiodatarate: 125,
    });
  });

  it('reads an OBS-style object and keeps unknown keys in extra', () => {
    const meta = parseOnMetaData(OBS_METADATA);
    expect(meta).toMatchObject({ width: 1920, height: 1080, framerate: 60, videoCodec: 'h264', audioCodec: 'aac', audiochannels: 2, duration: 0 });
    expect(meta.extra).toEqual({ fileSize: 0, '2.1': false, '3.1': false });
  });

  it('accepts fps when framerate is absent', () => {
    expect(parseOnMetaData({ fps: 29.97 }).framerate).toBe(29.97);
  });

  it('prefers framerate over fps', () => {
    expect(parseOnMetaData({ fps: 25, framerate: 50 }).framerate).toBe(50);
  });

  it('maps E-RTMP FourCC codec ids sent as UI32 numbers', () => {
    const meta = parseOnMetaData({ videocodecid: fourCcToNumber('hvc1'), audiocodecid: 1332770163 });
    expect(meta).toMatchObject({ videoCodec: 'hevc', audioCodec: 'opus' });
    expect(parseOnMetaData({ videocodecid: 1635135537 }).videoCodec).toBe('av1');
  });

  it('maps FourCC codec ids sent as strings', () => {
    expect(parseOnMetaData({ videocodecid: 'vp09', audiocodecid: 'fLaC' })).toMatchObject({ videocodecid: 'vp09', videoCodec: 'vp9', audioCodec: 'flac' });
  });

  it('reports unknown codec ids as unknown', () => {
    expect(parseOnMetaData({ videocodecid: 13, audiocodecid: fourCcToNumber('zzzz') })).toMatchObject({ videoCodec: 'unknown', audioCodec: 'unknown' });
  });

  it('derives the channel count from stereo when audiochannels is absent', () => {
    expect(parseOnMetaData({ stereo: false }).audiochannels).toBe(1);
    expect(parseOnMetaData({ stereo: true }).audiochannels).toBe(2);
  });

  it('ignores wrongly typed values and keeps them in extra', () => {
    const meta = parseOnMetaData({ width: '1920', height: -1, framerate: Number.NaN, encoder: 42, stereo: 'yes', videocodecid: { id: 7 }, duration: Infinity });
    expect(meta.width).toBeUndefined();
    expect(meta.height).toBeUndefined();
    expect(meta.framerate).toBeUndefined();
    expect(meta.encoder).toBeUndefined();
    expect(meta.stereo).toBeUndefined();
    expect(meta.videoCodec).toBeUndefined();
    expect(meta.duration).toBeUndefined();
    expect(Object.keys(meta.extra).sort()).toEqual(['duration', 'encoder', 'framerate', 'height', 'stereo', 'videocodecid', 'width']);
  });

  it('finds the object in @setDataFrame and onMetaData argument lists', () => {
    expect(parseOnMetaData(['@setDataFrame', 'onMetaData', { width: 640 }]).width).toBe(640);
    expect(parseOnMetaData(['onMetaData', { height: 360 }]).height).toBe(360);
    expect(parseOnMetaData([{ framerate: 24 }]).framerate).toBe(24);
  });

  it('accepts a Map as the decoded ECMA array', () => {
    expect(parseOnMetaData(new Map<unknown, unknown>([['width', 1280], [1, 'ignored']])).width).toBe(1280);
  });

  it('keeps a __proto__ key as plain data without touching prototypes', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "width": 10}') as unknown;
    const meta = parseOnMetaData(value);
    expect(meta.width).toBe(10);
    expect(meta.extra['__proto__']).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns an empty result for values that are not objects', () => {
    for (const value of [null, undefined, 3, 'onMetaData', true, new Date(0), new Uint8Array(2), [], ['onMetaData']]) {
      expect(parseOnMetaData(value)).toEqual({ extra: {} });
    }
  });

  it('never throws on arbitrary JSON-like values', () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withDate: true, withTypedArray: true, withNullPrototype: true }), (value) => {
        const meta = parseOnMetaData(value);
        expect(typeof meta.extra).toBe('object');
        if (meta.width !== undefined) expect(meta.width).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

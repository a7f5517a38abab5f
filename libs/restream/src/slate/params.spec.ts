import { describe, expect, it } from 'vitest';
import type { IngestFacts } from '../ingest';
import { describeSlateParams, frameRateOf, pixelFormatOf, slateKey, slateParamsFrom } from './params';

const facts = (over: Partial<IngestFacts> = {}): IngestFacts => ({
  video: { codec: 'h264', width: 1280, height: 720 },
  audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
  audioPresent: true,
  encoder: 'obs',
  ...over,
});

describe('slate parameters', () => {
  it('takes a frame rate as a standard rational when it is one, else the nearest whole number', () => {
    expect(frameRateOf(29.97)).toEqual({ num: 30000, den: 1001 });
    expect(frameRateOf(59.94)).toEqual({ num: 60000, den: 1001 });
    expect(frameRateOf(23.976)).toEqual({ num: 24000, den: 1001 });
    expect(frameRateOf(30)).toEqual({ num: 30, den: 1 });
    expect(frameRateOf(29.99)).toEqual({ num: 30, den: 1 }); // a measured 30
    expect(frameRateOf(47.3)).toEqual({ num: 47, den: 1 });
    for (const bad of [null, undefined, 0, 0.5, 500, Number.NaN]) expect(frameRateOf(bad)).toBeNull();
  });

  it('makes parameters from the ingest facts, or says why there can be none', () => {
    expect(slateParamsFrom(facts(), 30, 'High')).toEqual({
      video: { codec: 'h264', width: 1280, height: 720, fps: { num: 30, den: 1 }, profile: 'High' },
      audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
    });
    expect(slateParamsFrom(facts({ video: { codec: 'hevc', width: 1920, height: 1080 } }), 59.94, undefined, true, 'yuv420p10le')).toMatchObject({
      video: { codec: 'hevc', fps: { num: 60000, den: 1001 }, pixelFormat: 'yuv420p10le' },
    });
    expect(slateParamsFrom(facts({ video: { codec: 'av1', width: 1280, height: 720 } }), 30)).toEqual({ unsupported: 'video codec av1' });
    expect(slateParamsFrom(facts({ audio: { codec: 'opus', sampleRate: 48_000, channels: 2 } }), 30)).toEqual({ unsupported: 'audio codec opus' });
    expect(slateParamsFrom(facts({ video: { codec: 'h264', width: null, height: null } }), 30)).toEqual({ unsupported: 'unknown resolution' });
    expect(slateParamsFrom(facts(), null)).toEqual({ unsupported: 'unknown frame rate' });
    expect(slateParamsFrom(facts(), 30, undefined, true, null)).toEqual({ unsupported: 'pixel format (chroma subsampling or bit depth)' });
    expect(slateParamsFrom(facts({ video: null }), 30)).toEqual({ unsupported: 'no video yet' });
    // No audio yet: wait until the ingest had time to show it; then a video-only slate.
    const silent = facts({ audio: null, audioPresent: false });
    expect(slateParamsFrom(silent, 30, undefined, false)).toEqual({ unsupported: 'audio not known yet' });
    expect(slateParamsFrom(silent, 30, undefined, true)).toMatchObject({ audio: null });
  });

  it('names pixel formats by chroma format and bit depth', () => {
    expect(pixelFormatOf(1, 8)).toBe('yuv420p');
    expect(pixelFormatOf(3, 10)).toBe('yuv444p10le');
    expect(pixelFormatOf(2, 10)).toBe('yuv422p10le');
    expect(pixelFormatOf(0, 8)).toBeUndefined();
    expect(pixelFormatOf(1, 12)).toBeUndefined();
  });

  it('keys equal parameters alike and any difference apart', () => {
    const a = slateParamsFrom(facts(), 30, 'High');
    const b = slateParamsFrom(facts(), 30, 'High');
    const c = slateParamsFrom(facts({ audio: { codec: 'aac', sampleRate: 44_100, channels: 2 } }), 30, 'High');
    if ('unsupported' in a || 'unsupported' in b || 'unsupported' in c) throw new Error('unsupported');
    expect(slateKey(a)).toBe(slateKey(b));
    expect(slateKey(a)).not.toBe(slateKey(c));
    expect(slateKey(a, 'image-1')).not.toBe(slateKey(a));
    expect(describeSlateParams(a)).toBe('1280x720@30 h264 High/aac 48000Hz 2ch');
  });
});

import { describe, expect, it } from 'vitest';
import { liveStatus } from '../test/fixtures';
import { describeReceived, levelLabel, peakLevel, previewPlan } from './preview';

const AT = '2026-11-21T22:01:00.000Z';
const everything = () => true;

describe('previewPlan', () => {
  it('plays H.264 + AAC with audio, and nothing while idle', () => {
    expect(previewPlan(liveStatus(AT).ingest, everything)).toEqual({ kind: 'play', audio: true, note: null });
    expect(previewPlan(liveStatus(AT, [], { state: 'idle', video: null }).ingest, everything)).toEqual({ kind: 'idle' });
    expect(previewPlan(null, everything)).toEqual({ kind: 'idle' });
  });

  it('says so when the browser cannot decode the video codec, instead of a black box', () => {
    const noHevc = (type: string) => !type.includes('hvc1');
    const plan = previewPlan(liveStatus(AT, [], { video: { codec: 'hevc', width: 1920, height: 1080 } }).ingest, noHevc);
    expect(plan).toMatchObject({ kind: 'unsupported' });
    expect(plan.kind === 'unsupported' && plan.message).toMatch(/cannot decode HEVC video/);
    expect(previewPlan(liveStatus(AT, [], { video: { codec: 'vp9', width: 1920, height: 1080 } }).ingest, everything)).toMatchObject({ kind: 'unsupported' });
    expect(previewPlan(liveStatus(AT).ingest, null)).toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/Media Source Extensions/) });
  });

  it('plays video only when the audio is absent or undecodable, and says why', () => {
    expect(previewPlan(liveStatus(AT, [], { audioPresent: false, audio: null }).ingest, everything)).toEqual({ kind: 'play', audio: false, note: null });
    expect(previewPlan(liveStatus(AT, [], { audio: { codec: 'flac', sampleRate: 48000, channels: 2 } }).ingest, everything)).toEqual({ kind: 'play', audio: false, note: 'Video only: this browser cannot decode FLAC audio.' });
  });
});

describe('describeReceived', () => {
  it('names what the player gets in the dashboard vocabulary', () => {
    expect(describeReceived({ videoCodec: 'avc1.64001f', audioCodec: 'mp4a.40.2', width: 1280, height: 720 })).toBe('H.264 · 1280×720 · AAC');
    expect(describeReceived({ videoCodec: 'hvc1.1.6.L120.90', width: 1920, height: 1080 })).toBe('HEVC · 1920×1080');
    expect(describeReceived({ videoCodec: 'av01.0.08M.08', audioCodec: 'opus' })).toBe('AV1 · Opus');
    expect(describeReceived(null)).toBeNull();
  });
});

describe('the level meter', () => {
  it('reads the peak of 8-bit samples and labels it in dBFS', () => {
    expect(peakLevel(new Uint8Array(64).fill(128))).toBe(0);
    expect(peakLevel(Uint8Array.from([128, 192, 64, 128]))).toBe(0.5);
    expect(peakLevel(Uint8Array.from([0, 255]))).toBe(1);
    expect(levelLabel(0)).toBe('silent');
    expect(levelLabel(0.5)).toBe('-6 dB');
    expect(levelLabel(1)).toBe('0 dB');
  });
});

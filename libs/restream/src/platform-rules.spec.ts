import { describe, expect, it } from 'vitest';
import type { IngestStats } from './ingest';
import { type PlatformRules, checkPlatformRules } from './platform-rules';

const TWITCH: PlatformRules = { maxKeyframeIntervalS: 2, maxVideoBitrateKbps: 6_000, videoCodecs: ['h264'] };
const FACEBOOK: PlatformRules = { maxKeyframeIntervalS: 4, maxVideoBitrateKbps: 8_000, videoCodecs: ['h264'], audioRequired: true };
const YOUTUBE: PlatformRules = { maxKeyframeIntervalS: 4, videoCodecs: ['h264', 'hevc', 'av1'], audioRequired: true };

function ingest(overrides: Partial<IngestStats> = {}): IngestStats {
  return {
    state: 'live',
    startedAt: '2026-01-01T00:00:00.000Z',
    graceEndsAt: null,
    video: { codec: 'h264', width: 1920, height: 1080 },
    audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
    audioPresent: true,
    encoder: 'obs-output module (libobs version 30.0.0)',
    bitrateKbps: 4_660,
    videoBitrateKbps: 4_500,
    audioBitrateKbps: 160,
    fps: 30,
    keyframeIntervalS: 2,
    declaredFps: 30,
    uptimeS: 60,
    ...overrides,
  };
}

const table: Array<{ name: string; label: string; rules: PlatformRules | undefined; stats: IngestStats; expected: string[] }> = [
  { name: 'a clean 2 s GOP H.264 stream passes Twitch', label: 'Twitch', rules: TWITCH, stats: ingest(), expected: [] },
  {
    name: 'keyframes every 4 s are too far apart for Twitch',
    label: 'Twitch',
    rules: TWITCH,
    stats: ingest({ keyframeIntervalS: 4 }),
    expected: ['Twitch expects keyframes every 2 s or less; you send 4 s.'],
  },
  { name: 'keyframes every 4 s are fine for Facebook', label: 'Facebook', rules: FACEBOOK, stats: ingest({ keyframeIntervalS: 4 }), expected: [] },
  {
    name: 'keyframes every 6 s are too far apart for Facebook',
    label: 'Facebook',
    rules: FACEBOOK,
    stats: ingest({ keyframeIntervalS: 6 }),
    expected: ['Facebook expects keyframes every 4 s or less; you send 6 s.'],
  },
  { name: 'a keyframe interval a hair over the limit is tolerated (no flicker)', label: 'Twitch', rules: TWITCH, stats: ingest({ keyframeIntervalS: 2.05 }), expected: [] },
  { name: 'an unknown keyframe interval is not judged', label: 'Twitch', rules: TWITCH, stats: ingest({ keyframeIntervalS: null }), expected: [] },
  {
    name: 'no audio for YouTube',
    label: 'YouTube',
    rules: YOUTUBE,
    stats: ingest({ audio: null, audioPresent: false }),
    expected: ['YouTube requires an audio track; your stream has none.'],
  },
  {
    name: 'no audio for Facebook',
    label: 'Facebook',
    rules: FACEBOOK,
    stats: ingest({ audio: null, audioPresent: false }),
    expected: ['Facebook requires an audio track; your stream has none.'],
  },
  { name: 'no audio is fine for Twitch', label: 'Twitch', rules: TWITCH, stats: ingest({ audio: null, audioPresent: false }), expected: [] },
  {
    name: 'HEVC to an H.264-only platform is passed through with a warning',
    label: 'Twitch',
    rules: TWITCH,
    stats: ingest({ video: { codec: 'hevc', width: 1920, height: 1080 } }),
    expected: ['Twitch accepts H.264 video; you send HEVC. It is passed through unchanged (Fanout does not transcode), so the platform may refuse it.'],
  },
  { name: 'HEVC to YouTube, which takes it, passes', label: 'YouTube', rules: YOUTUBE, stats: ingest({ video: { codec: 'hevc', width: 3840, height: 2160 } }), expected: [] },
  {
    name: 'AV1 to a two-codec list names both',
    label: 'Kick',
    rules: { videoCodecs: ['h264', 'hevc'] },
    stats: ingest({ video: { codec: 'av1', width: 1280, height: 720 } }),
    expected: ['Kick accepts H.264 or HEVC video; you send AV1. It is passed through unchanged (Fanout does not transcode), so the platform may refuse it.'],
  },
  {
    name: 'video bitrate over the ceiling',
    label: 'Twitch',
    rules: TWITCH,
    stats: ingest({ videoBitrateKbps: 9_000 }),
    expected: ['Twitch accepts video up to 6000 kbps; you send 9000 kbps.'],
  },
  { name: 'video bitrate within 5 % of the ceiling is tolerated', label: 'Twitch', rules: TWITCH, stats: ingest({ videoBitrateKbps: 6_200 }), expected: [] },
  {
    name: 'several problems at once, in a stable order',
    label: 'Facebook',
    rules: FACEBOOK,
    stats: ingest({ keyframeIntervalS: 10, audio: null, audioPresent: false, video: { codec: 'hevc', width: 1920, height: 1080 } }),
    expected: [
      'Facebook expects keyframes every 4 s or less; you send 10 s.',
      'Facebook accepts H.264 video; you send HEVC. It is passed through unchanged (Fanout does not transcode), so the platform may refuse it.',
      'Facebook requires an audio track; your stream has none.',
    ],
  },
  { name: 'no rules, no warnings', label: 'Custom', rules: undefined, stats: ingest({ keyframeIntervalS: 10, audioPresent: false }), expected: [] },
  { name: 'nothing is judged while no ingest is live', label: 'Twitch', rules: TWITCH, stats: ingest({ state: 'idle', keyframeIntervalS: 10 }), expected: [] },
  {
    name: 'a fractional interval is shown with one decimal',
    label: 'Twitch',
    rules: TWITCH,
    stats: ingest({ keyframeIntervalS: 2.5 }),
    expected: ['Twitch expects keyframes every 2 s or less; you send 2.5 s.'],
  },
];

describe('checkPlatformRules', () => {
  for (const row of table) {
    it(row.name, () => {
      expect(checkPlatformRules(row.stats, row.rules, row.label)).toEqual(row.expected);
    });
  }

  it('names "This destination" when no label is given', () => {
    expect(checkPlatformRules(ingest({ keyframeIntervalS: 4 }), TWITCH)).toEqual(['This destination expects keyframes every 2 s or less; you send 4 s.']);
  });
});

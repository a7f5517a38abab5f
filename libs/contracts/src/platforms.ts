import { z } from 'zod';

export const platformIdSchema = z.enum(['youtube', 'facebook', 'twitch', 'kick', 'x', 'linkedin', 'custom']);
export type PlatformId = z.infer<typeof platformIdSchema>;

/** What a platform accepts; the engine warns on a destination when the ingest breaks these. */
export const platformRulesSchema = z.object({
  maxVideoBitrateKbps: z.number().int().positive().optional(),
  maxKeyframeIntervalS: z.number().positive().optional(),
  /** Video codecs the platform ingests (FLV/Enhanced RTMP names: h264, hevc, av1, vp9). */
  videoCodecs: z.array(z.string()).optional(),
  audioRequired: z.boolean().optional(),
});
export type PlatformRules = z.infer<typeof platformRulesSchema>;

export const platformPresetSchema = z.object({
  id: platformIdSchema,
  label: z.string(),
  /** rtmps when the platform offers it: keys then never cross the network in clear. */
  defaultScheme: z.enum(['rtmp', 'rtmps']),
  /** The server URL the form fills in (the stream key is entered separately). */
  urlTemplate: z.string(),
  /** Named alternatives, e.g. YouTube's backup ingest or Twitch's regional ingests. */
  servers: z.array(z.object({ label: z.string(), url: z.string() })),
  /** Where the user finds the URL and key on the platform. */
  help: z.string(),
  /** What a connection test (publish, then unpublish at once, no media) may look like at the platform. */
  testNote: z.string(),
  rules: platformRulesSchema,
});
export type PlatformPreset = z.infer<typeof platformPresetSchema>;

/** `GET /api/platforms`. */
export const platformPresetListSchema = z.array(platformPresetSchema);

/**
 * The platforms Fanout knows. URLs are the platforms' published ingest endpoints; rules are
 * their documented limits for live ingest (keyframe interval, codecs, bitrate, audio).
 */
export const PLATFORM_PRESETS: readonly PlatformPreset[] = [
  {
    id: 'youtube',
    label: 'YouTube',
    defaultScheme: 'rtmps',
    urlTemplate: 'rtmps://a.rtmps.youtube.com/live2',
    servers: [
      { label: 'Primary (RTMPS)', url: 'rtmps://a.rtmps.youtube.com/live2' },
      { label: 'Backup (RTMPS)', url: 'rtmps://b.rtmps.youtube.com/live2?backup=1' },
      { label: 'Primary (RTMP)', url: 'rtmp://a.rtmp.youtube.com/live2' },
      { label: 'Backup (RTMP)', url: 'rtmp://b.rtmp.youtube.com/live2?backup=1' },
    ],
    help: 'YouTube Studio → Go live → Stream: copy the stream key.',
    testNote: "YouTube Studio may show a brief 'stream starting' event, then 'stream ended'; no video is sent, so viewers see nothing.",
    rules: { maxVideoBitrateKbps: 51_000, maxKeyframeIntervalS: 4, videoCodecs: ['h264', 'hevc', 'av1'], audioRequired: true },
  },
  {
    id: 'facebook',
    label: 'Facebook',
    defaultScheme: 'rtmps',
    urlTemplate: 'rtmps://live-api-s.facebook.com:443/rtmp',
    servers: [{ label: 'Facebook Live (RTMPS)', url: 'rtmps://live-api-s.facebook.com:443/rtmp' }],
    help: 'Facebook Live Producer → Streaming software: copy the stream key.',
    testNote: 'Facebook Live Producer may show the stream connecting for a moment; no video is sent, so nothing is posted.',
    rules: { maxVideoBitrateKbps: 9_000, maxKeyframeIntervalS: 4, videoCodecs: ['h264'], audioRequired: true },
  },
  {
    id: 'twitch',
    label: 'Twitch',
    defaultScheme: 'rtmp',
    urlTemplate: 'rtmp://live.twitch.tv/app',
    servers: [
      { label: 'Automatic (recommended)', url: 'rtmp://live.twitch.tv/app' },
      { label: 'Automatic (RTMPS)', url: 'rtmps://live.twitch.tv:443/app' },
      { label: 'Global contribute', url: 'rtmp://ingest.global-contribute.live-video.net/app' },
    ],
    help: 'Twitch Creator Dashboard → Settings → Stream: copy the primary stream key.',
    testNote: 'Twitch may show your stream connecting for a moment in the Creator Dashboard; no video is sent, so you do not go live.',
    rules: { maxVideoBitrateKbps: 6_000, maxKeyframeIntervalS: 2, videoCodecs: ['h264'], audioRequired: false },
  },
  {
    id: 'kick',
    label: 'Kick',
    defaultScheme: 'rtmps',
    urlTemplate: 'rtmps://fa723fc1b171.global-contribute.live-video.net:443/app',
    servers: [{ label: 'Kick (RTMPS)', url: 'rtmps://fa723fc1b171.global-contribute.live-video.net:443/app' }],
    help: 'Kick → Creator Dashboard → Settings → Stream URL & Key: paste both (the URL ends in /app).',
    testNote: 'Kick may show the stream connecting for a moment; no video is sent, so you do not go live.',
    rules: { maxVideoBitrateKbps: 8_000, maxKeyframeIntervalS: 2, videoCodecs: ['h264'], audioRequired: false },
  },
  {
    id: 'x',
    label: 'X',
    defaultScheme: 'rtmps',
    urlTemplate: 'rtmps://va.pscp.tv:443/x',
    servers: [
      { label: 'US East (RTMPS)', url: 'rtmps://va.pscp.tv:443/x' },
      { label: 'US East (RTMP)', url: 'rtmp://va.pscp.tv:80/x' },
    ],
    help: 'X Media Studio → Producer → Sources: create a source and copy its URL and key.',
    testNote: 'Media Studio may show the source connected for a moment; no video is sent, so nothing is broadcast.',
    rules: { maxVideoBitrateKbps: 12_000, maxKeyframeIntervalS: 3, videoCodecs: ['h264'], audioRequired: true },
  },
  {
    id: 'linkedin',
    label: 'LinkedIn',
    defaultScheme: 'rtmps',
    urlTemplate: 'rtmps://',
    servers: [],
    help: 'LinkedIn → Create a live event → Streaming software: each event has its own RTMPS URL and key.',
    testNote: "The live event's preview may show a connection for a moment; no video is sent, so the event does not start.",
    rules: { maxVideoBitrateKbps: 6_000, maxKeyframeIntervalS: 2, videoCodecs: ['h264'], audioRequired: true },
  },
  {
    id: 'custom',
    label: 'Custom RTMP',
    defaultScheme: 'rtmp',
    urlTemplate: 'rtmp://',
    servers: [],
    help: 'Any rtmp:// or rtmps:// server URL; the stream key is sent as the last path segment.',
    testNote: 'The server sees a publish that stops at once, with no audio or video.',
    rules: {},
  },
];

export function platformPreset(id: string): PlatformPreset {
  return PLATFORM_PRESETS.find((p) => p.id === id) ?? (PLATFORM_PRESETS.find((p) => p.id === 'custom') as PlatformPreset);
}

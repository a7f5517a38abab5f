import type { DestinationStats, StreamStats } from '@fanout/restream';

/** Engine stats for service tests: a live 720p ingest and the given destinations. */
export function engineStats(overrides: { streamId?: string; at?: string; ingest?: Partial<StreamStats['ingest']>; destinations?: Partial<DestinationStats>[] } = {}): StreamStats {
  return {
    streamId: overrides.streamId ?? '00000000-0000-4000-8000-000000000001',
    at: overrides.at ?? '2026-11-21T12:00:00.400Z',
    ingest: {
      video: { codec: 'h264', width: 1280, height: 720 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
      audioPresent: true,
      encoder: 'obs-output module (libobs version 30.0.0)',
      state: 'live',
      startedAt: '2026-11-21T11:59:00.000Z',
      graceEndsAt: null,
      bitrateKbps: 2600.4,
      videoBitrateKbps: 2470,
      audioBitrateKbps: 130,
      fps: 29.9,
      keyframeIntervalS: 2,
      declaredFps: 30,
      uptimeS: 60.4,
      ...overrides.ingest,
    },
    destinations: (overrides.destinations ?? []).map((d, i) => ({
      id: `00000000-0000-4000-8000-00000000010${i}`,
      name: `Destination ${i}`,
      state: 'live',
      bitrateKbps: 2590,
      bytesSent: 1_000_000,
      queueBytes: 0,
      socketBytes: 1234,
      droppedFrames: 0,
      droppedAudioFrames: 0,
      reconnects: 0,
      lastError: null,
      nextRetryAt: null,
      liveSince: '2026-11-21T11:59:01.000Z',
      warnings: [],
      ...d,
      kind: 'rtmp' as const,
    })),
    sinks: [],
  };
}

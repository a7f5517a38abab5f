import type { Destination, DestinationStateEvent, InputStatus, InputSwitchEvent, Recording, StreamDetail, StreamStatus } from '@fanout/contracts';

type StatusDestination = StreamStatus['destinations'][number];

/** A destination as `status` reports it; live and healthy unless told otherwise. */
export function statusDestination(overrides: Partial<StatusDestination> = {}): StatusDestination {
  return {
    id: 'd1',
    name: 'YouTube',
    state: 'live',
    bitrateKbps: 2500,
    bytesSent: 1_000_000,
    queueBytes: 0,
    droppedFrames: 0,
    reconnects: 0,
    lastError: null,
    nextRetryAt: null,
    liveSince: '2026-11-21T22:00:00.000Z',
    warnings: [],
    ...overrides,
  };
}

/** A live stream's status at `at`, with the given destinations. */
export function liveStatus(at: string, destinations: StatusDestination[] = [statusDestination()], ingest: Partial<StreamStatus['ingest']> = {}): StreamStatus {
  return {
    streamId: 's1',
    at,
    ingest: {
      state: 'live',
      reconnectGrace: false,
      graceEndsAt: null,
      startedAt: '2026-11-21T22:00:00.000Z',
      uptimeS: 60,
      bitrateKbps: 2600,
      fps: 30,
      keyframeIntervalS: 2,
      audioPresent: true,
      video: { codec: 'h264', width: 1280, height: 720 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
      ...ingest,
    },
    inputs: null,
    destinations,
  };
}

export function idleStatus(at: string, destinations: StatusDestination[] = []): StreamStatus {
  return liveStatus(at, destinations, {
    state: 'idle',
    startedAt: null,
    uptimeS: 0,
    bitrateKbps: 0,
    fps: 0,
    keyframeIntervalS: null,
    audioPresent: false,
    video: null,
    audio: null,
  });
}

export function stateEvent(overrides: Partial<DestinationStateEvent> & Pick<DestinationStateEvent, 'to' | 'at'>): DestinationStateEvent {
  return { destinationId: 'd1', from: 'live', ...overrides };
}

export function destination(overrides: Partial<Destination> = {}): Destination {
  return {
    id: 'd1',
    streamId: 's1',
    name: 'YouTube',
    platform: 'youtube',
    url: 'rtmps://a.rtmps.youtube.com/live2',
    streamKeyMasked: '••••••••1a2b',
    enabled: true,
    warnings: [],
    createdAt: '2026-11-21T20:00:00.000Z',
    updatedAt: '2026-11-21T20:00:00.000Z',
    ...overrides,
  };
}

export function streamDetail(overrides: Partial<StreamDetail> = {}): StreamDetail {
  return {
    id: 's1',
    ownerId: 'u1',
    name: 'Sunday service',
    ingestUrl: 'rtmp://fanout.local:1935/live',
    settings: {},
    record: false,
    graceSeconds: null,
    effectiveGraceSeconds: 10,
    slate: true,
    slateImage: false,
    slateUnavailable: null,
    createdAt: '2026-11-21T20:00:00.000Z',
    updatedAt: '2026-11-21T20:00:00.000Z',
    oldKeyInUse: null,
    backupStreamKey: 'live_backupabcdefghij',
    streamKey: 'live_abcdefghijklmnop',
    ...overrides,
  };
}

export function jsonResponse(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** One encoder as `status.inputs` reports it; live on air unless told otherwise. */
export function inputStatus(overrides: Partial<InputStatus> = {}): InputStatus {
  return {
    state: 'live',
    since: '2026-11-21T22:00:00.000Z',
    lastMediaAgoMs: 20,
    bitrateKbps: 2600,
    fps: 30,
    video: { codec: 'h264', width: 1280, height: 720 },
    audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
    ...overrides,
  };
}

/** `status.inputs` of a broadcast: the primary on air and no backup, unless told otherwise. */
export function inputs(overrides: Partial<NonNullable<StreamStatus['inputs']>> = {}): NonNullable<StreamStatus['inputs']> {
  return {
    onAir: 'primary',
    pinned: null,
    primary: inputStatus(),
    backup: inputStatus({ state: 'gone', since: null, lastMediaAgoMs: null, bitrateKbps: 0, fps: 0, video: null, audio: null }),
    slateReady: true,
    ...overrides,
  };
}

export function inputSwitch(overrides: Partial<InputSwitchEvent> = {}): InputSwitchEvent {
  return { at: '2026-11-21T22:01:03.000Z', onAir: 'backup', previous: 'primary', reason: 'primary-lost', gapMs: 33, wallGapMs: 40, ...overrides };
}

export function recording(overrides: Partial<Recording> = {}): Recording {
  return {
    id: 'r1',
    streamId: 's1',
    sessionId: 'sess1',
    part: 1,
    state: 'complete',
    startedAt: '2026-11-21T20:00:00.000Z',
    endedAt: '2026-11-21T21:05:00.000Z',
    durationMs: 3_900_000,
    bytes: 2_500_000_000,
    videoCodec: 'h264',
    audioCodec: 'aac',
    failure: null,
    fileUrl: '/api/recordings/r1/file',
    ...overrides,
  };
}

import { IDLE_INGEST, type DestinationStateEvent as ContractStateEvent, type IngestEvent as ContractIngestEvent, type InputStatus, type InputSwitchEvent as ContractInputSwitchEvent, type StreamStatus } from '@fanout/contracts';
import { boundedFailureText, type DestinationStateEvent, type IngestEvent, type InputStats, type InputSwitchEvent, type StreamStats } from '@fanout/restream';
import type { User } from '../auth/auth.types';

/**
 * How much of a destination failure a viewer sees. Owners and admins get the engine's reason
 * and text (bounded and sanitised); members get `unreachable` and one fixed sentence for every
 * connection failure, so their destinations cannot probe the network: refused, timed out,
 * closed during the handshake and "answered RTMP version 72" all read the same.
 */
export type FailureDetail = 'full' | 'coarse';

export function failureDetailFor(user: Pick<User, 'role'>): FailureDetail {
  return user.role === 'member' ? 'coarse' : 'full';
}

/** Reasons that say nothing about the network, only about a server the member could reach anyway. */
const MEMBER_VISIBLE = new Set(['rejected-key', 'stalled']);
export const COARSE_FAILURE_MESSAGE = 'Could not connect to the destination server.';

/** A failure as `detail` lets the viewer see it. */
export function shownFailure<R extends string>(reason: R, message: string, detail: FailureDetail): { reason: R | 'unreachable'; message: string } {
  if (detail === 'full' || MEMBER_VISIBLE.has(reason)) return { reason, message: boundedFailureText(message) };
  return { reason: 'unreachable', message: COARSE_FAILURE_MESSAGE };
}

/** A configured destination as the database knows it, for the status of a stream nobody publishes to. */
export interface ConfiguredDestination {
  id: string;
  name: string;
  enabled: boolean;
}

/**
 * The engine's statistics in the HTTP contract's shape. The contract knows two ingest states:
 * the engine's `grace` (publisher gone, destinations held open for its return) is `live`
 * with `reconnectGrace: true`, because destinations are still connected and the stream is
 * still on air for viewers; `idle` is idle. Fields the contract does not carry (socket
 * bytes, dropped audio frames, encoder name) are left out, never passed through.
 */
export function statusFromStats(stats: StreamStats, detail: FailureDetail = 'full'): StreamStatus {
  const ingest = stats.ingest;
  const live = ingest.state !== 'idle';
  return {
    streamId: stats.streamId,
    at: stats.at,
    ingest: {
      state: live ? 'live' : 'idle',
      reconnectGrace: ingest.state === 'grace',
      graceEndsAt: ingest.state === 'grace' ? ingest.graceEndsAt : null,
      startedAt: ingest.startedAt,
      uptimeS: ingest.uptimeS,
      bitrateKbps: ingest.bitrateKbps,
      fps: ingest.fps,
      keyframeIntervalS: ingest.keyframeIntervalS,
      audioPresent: ingest.audioPresent,
      video: ingest.video === null ? null : { codec: ingest.video.codec, width: ingest.video.width, height: ingest.video.height },
      audio: ingest.audio === null ? null : { codec: ingest.audio.codec, sampleRate: ingest.audio.sampleRate, channels: ingest.audio.channels },
    },
    inputs:
      !live || stats.inputs === undefined
        ? null
        : { onAir: stats.onAir ?? 'none', pinned: stats.pinned ?? null, primary: inputStatus(stats.inputs.primary), backup: inputStatus(stats.inputs.backup), slateReady: stats.slateReady ?? false },
    destinations: stats.destinations.map((d) => ({
      id: d.id,
      name: d.name,
      state: d.state,
      bitrateKbps: d.bitrateKbps,
      bytesSent: d.bytesSent,
      queueBytes: d.queueBytes,
      droppedFrames: d.droppedFrames,
      reconnects: d.reconnects,
      lastError: d.lastError === null ? null : { ...shownFailure(d.lastError.reason, d.lastError.message, detail), at: d.lastError.at },
      nextRetryAt: d.nextRetryAt,
      liveSince: d.liveSince,
      warnings: [...d.warnings],
    })),
  };
}

/** Nothing publishing: the ingest idle with zeros and nulls, each destination `disabled` or `idle`. */
export function idleStatus(streamId: string, destinations: readonly ConfiguredDestination[], at: Date): StreamStatus {
  return {
    streamId,
    at: at.toISOString(),
    ingest: { ...IDLE_INGEST },
    inputs: null,
    destinations: destinations.map((d) => ({
      id: d.id,
      name: d.name,
      state: d.enabled ? 'idle' : 'disabled',
      bitrateKbps: 0,
      bytesSent: 0,
      queueBytes: 0,
      droppedFrames: 0,
      reconnects: 0,
      lastError: null,
      nextRetryAt: null,
      liveSince: null,
      warnings: [],
    })),
  };
}

/** An engine state change as a `state` event: the contract adds the wall time it was seen. */
export function stateEventFromChange(change: DestinationStateEvent, at: Date, detail: FailureDetail = 'full'): ContractStateEvent {
  const failure = change.reason === undefined ? undefined : shownFailure(change.reason, change.message ?? '', detail);
  const message = failure !== undefined && (change.message !== undefined || failure.reason === 'unreachable') ? failure.message : change.message === undefined ? undefined : boundedFailureText(change.message);
  return {
    destinationId: change.destinationId,
    from: change.from,
    to: change.to,
    ...(failure !== undefined ? { reason: failure.reason } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(change.nextRetryAt !== undefined ? { nextRetryAt: change.nextRetryAt } : {}),
    at: at.toISOString(),
  };
}

/** An engine ingest event as an `ingest` event (facts without the encoder string). */
export function ingestEventFromEngine(event: IngestEvent, at: Date): ContractIngestEvent {
  const { video, audio } = event.facts;
  return {
    state: event.state,
    reason: event.reason ?? null,
    at: at.toISOString(),
    graceEndsAt: event.state === 'grace' ? (event.graceEndsAt ?? null) : null,
    video: video === null ? null : { codec: video.codec, width: video.width, height: video.height },
    audio: audio === null ? null : { codec: audio.codec, sampleRate: audio.sampleRate, channels: audio.channels },
    audioPresent: event.facts.audioPresent,
  };
}

function inputStatus(input: InputStats): InputStatus {
  const { video, audio } = input.facts;
  return {
    state: input.state,
    since: input.since,
    lastMediaAgoMs: input.lastMediaAgoMs,
    bitrateKbps: input.bitrateKbps,
    fps: input.fps,
    video: video === null ? null : { codec: video.codec, width: video.width, height: video.height },
    audio: audio === null ? null : { codec: audio.codec, sampleRate: audio.sampleRate, channels: audio.channels },
  };
}

/** An engine input switch as an `input` event (and a history row). */
export function inputEventFromEngine(event: InputSwitchEvent): ContractInputSwitchEvent {
  return { at: event.at, onAir: event.onAir, previous: event.previous, reason: event.reason, gapMs: event.gapMs === null ? null : Math.round(event.gapMs), wallGapMs: event.wallGapMs === null ? null : Math.round(event.wallGapMs) };
}

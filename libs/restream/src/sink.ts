import type { BoundedQueue } from './bounded-queue';
import type { Clock } from './clock';
import type { IngestStats } from './ingest';
import type { EngineItem, SerialisationKey } from './item';
import type { EngineLogger, RateLimitedWarner } from './logger';
import type { QueueItem } from './media';
import type { RateMeter } from './rate-meter';
import type { DestinationStatus, FailureReason } from './state';

/**
 * What every output of the engine reports: an RTMP destination, a recording, a preview viewer.
 * Kind-specific sinks extend it (see `DestinationStats` for RTMP destinations).
 */
export interface SinkStats {
  id: string;
  /** 'rtmp' for destinations; other sinks name their own kind ('flv-file', 'recording', 'preview'). */
  kind: string;
  name: string;
  state: DestinationStatus;
  /** Bytes the sink wrote per second over the last few seconds, kbit/s. */
  bitrateKbps: number;
  bytesSent: number;
  /** Bytes waiting in the sink's own queue (bounded by its queue policy). */
  queueBytes: number;
  /** Video frames the sink dropped (whole GOP tails, never mid-GOP), and audio frames. */
  droppedFrames: number;
  droppedAudioFrames: number;
  /** `reason`: a destination's FailureReason, or a sink's own ('io', 'stalled'). */
  lastError: { reason: string; message: string; at: string } | null;
  warnings: string[];
}

/** The delivery figures every sink reports alike: its write rate, bytes written and queue. */
export function deliveryFigures(rate: RateMeter, bytesSent: number, queue: BoundedQueue<QueueItem>): Pick<SinkStats, 'bitrateKbps' | 'bytesSent' | 'queueBytes' | 'droppedFrames' | 'droppedAudioFrames'> {
  return {
    bitrateKbps: Math.round((rate.bitsPerSecond() / 1_000) * 10) / 10,
    bytesSent,
    queueBytes: queue.bytes,
    droppedFrames: queue.droppedFrames,
    droppedAudioFrames: queue.droppedAudio,
  };
}

/** A sink changed state: the engine re-emits it ('destinationState' for RTMP destinations). */
export interface StateChange {
  destinationId: string;
  from: DestinationStatus;
  to: DestinationStatus;
  reason?: FailureReason;
  message?: string;
  /** ISO wall time of the next attempt (reconnecting only). */
  nextRetryAt?: string;
}

/**
 * One output of the engine. The engine pushes every item of the output timeline to every sink;
 * a sink must never block or throw (it queues, within its own bound, and drops what it cannot
 * take), so one slow sink never holds up the ingest or another sink.
 */
export interface Sink {
  readonly id: string;
  readonly kind: string;
  readonly status: DestinationStatus;
  /**
   * The sink reads item payloads (`payloadOf`), not RTMP chunks: while one is attached, the
   * engine keeps each frame's payload beside its serialisation instead of recovering it later.
   */
  readonly wantsPayloads?: boolean;
  /** One item of the output timeline, in order. Never blocks, never throws. */
  push(item: EngineItem): void;
  /** The ingest is live (its first headers arrived). */
  ingestStarted(): void;
  /** The ingest is over. */
  ingestEnded(): void;
  stats(ingest: IngestStats): SinkStats;
  /** Stops and forgets everything; resolves once closed. */
  close(): Promise<void>;
  /** Resolves once everything the sink closed has finished closing. */
  settled(): Promise<void>;

  // RTMP capabilities, optional for other sinks:
  /** Chunk size and message stream id of the live connection: the engine serialises on arrival for the most common one. */
  readonly serialisationKey?: SerialisationKey | undefined;
  /** Samples delivery progress (the engine's one stall timer); returns false when there is nothing to watch. */
  checkStall?(): boolean;
}

/** What a sink gets from the engine that owns it. */
export interface SinkContext {
  readonly streamId: string;
  readonly clock: Clock;
  readonly wallClock: () => number;
  readonly logger: EngineLogger;
  readonly warner: RateLimitedWarner;
  /**
   * What a (re)starting sink must get before live items, in order: the broadcast from its start
   * while the start log lasts, else metadata, sequence headers and the current GOP. Take it and
   * accept live items in the same tick, so nothing falls between.
   */
  snapshot(): EngineItem[];
  /**
   * Where a viewer joining late starts, for the lowest delay: metadata, sequence headers and
   * the current GOP from its keyframe (never the start log). Same same-tick rule as `snapshot`.
   */
  liveSnapshot(): EngineItem[];
  stateChanged(change: StateChange): void;
  /** The sink went live and has stall checks: the engine's one stall timer samples it. */
  watchStalls(): void;
}

import type { BackoffOptions } from './backoff';
import { type BoundedQueueOptions, DEFAULT_QUEUE_OPTIONS } from './bounded-queue';
import type { Clock } from './clock';
import { DEFAULT_GOP_CACHE_OPTIONS, type GopCacheOptions } from './gop-cache';
import type { EngineItem } from './item';
import type { EngineLogger } from './logger';

/** Everything the engine of one stream can be tuned with, each with its default in {@link DEFAULT_ENGINE_OPTIONS}. */
export interface EngineOptions {
  /**
   * How long destinations stay connected after the publisher (and any backup) left, waiting for
   * it to return; the slate is on air meanwhile when there is one (the host may then allow up to
   * an hour).
   */
  graceMs: number;
  /** An encoder input that sends no media for this long is stalled: the backup (or the slate) takes over. */
  inputStallMs: number;
  /** The preferred input goes back on air after it has been healthy this long. */
  failbackStableMs: number;
  /** Period of 'stats' events. */
  statsIntervalMs: number;
  /** A destination that delivers nothing for this long is reconnected as `stalled`. */
  stallTimeoutMs: number;
  /** TCP/TLS + handshake, and connect through Publish.Start, each. */
  connectTimeoutMs: number;
  /** Longest wait for metadata or a video sequence header before destinations connect anyway. */
  connectDelayMs: number;
  /** Unsent bytes a destination's socket may hold before its writer waits (not below {@link MIN_SOCKET_BYTES}). */
  maxSocketBytes: number;
  /** Attempts a rejected stream key gets (with backoff) before `failed: rejected-key`. */
  rejectedKeyAttempts: number;
  /** Each destination's queue; the start log uses the same bounds. */
  queue: BoundedQueueOptions;
  backoff: Partial<BackoffOptions>;
  gopCache: Omit<GopCacheOptions<EngineItem>, 'isSameHeader'>;
}

/**
 * Below the socket's own high-water mark (64 KiB) no 'drain' would ever come to wake a writer
 * that waits for the socket to go under its budget.
 */
export const MIN_SOCKET_BYTES = 64 * 1024;

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  graceMs: 10_000,
  inputStallMs: 1_500,
  failbackStableMs: 10_000,
  statsIntervalMs: 1_000,
  stallTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  connectDelayMs: 1_000,
  maxSocketBytes: 256 * 1024,
  rejectedKeyAttempts: 3,
  queue: DEFAULT_QUEUE_OPTIONS,
  backoff: {},
  gopCache: { maxBytes: DEFAULT_GOP_CACHE_OPTIONS.maxBytes, maxDurationMs: DEFAULT_GOP_CACHE_OPTIONS.maxDurationMs },
});

/** Overrides as a host gives them: any subset, nested bounds partial too. */
export type EngineOptionsInput = Partial<Omit<EngineOptions, 'queue' | 'gopCache'>> & {
  queue?: Partial<BoundedQueueOptions>;
  gopCache?: Partial<EngineOptions['gopCache']>;
};

/** The defaults with `overrides` on top, nested bounds merged, the socket budget floored. */
export function resolveEngineOptions(overrides: EngineOptionsInput = {}): EngineOptions {
  const d = DEFAULT_ENGINE_OPTIONS;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as EngineOptionsInput;
  return {
    ...d,
    ...defined,
    queue: { ...d.queue, ...overrides.queue },
    backoff: { ...d.backoff, ...overrides.backoff },
    gopCache: { ...d.gopCache, ...overrides.gopCache },
    maxSocketBytes: Math.max(MIN_SOCKET_BYTES, overrides.maxSocketBytes ?? d.maxSocketBytes),
  };
}

/** The injectable side of the engine: clocks and logging (tests pass their own). */
export interface EngineEnvironment {
  /** Monotonic ms for durations and deadlines (default performance.now). */
  clock?: Clock;
  /** Wall ms for the ISO times in events and stats (default Date.now). */
  wallClock?: () => number;
  logger?: EngineLogger;
}

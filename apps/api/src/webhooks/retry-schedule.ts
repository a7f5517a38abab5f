/**
 * When a failed webhook delivery is tried again. Pure: the attempt count lives in the database
 * (a delivery outlives the process), so this is a function of it, not a stateful `Backoff`.
 *
 * Exponential: the n-th retry waits `firstMs * 5^(n-1)`, at most 10 h, with ±20% jitter, for
 * 8 attempts in all. With the default 15 s: 15 s, 75 s, 6 min, 31 min, 2.6 h, 10 h, 10 h, about
 * 23 h from the first attempt to the last (the spec's example schedule spans a day or more too).
 *
 * Why ±20% and not the engine's equal jitter (half to all of the envelope): destinations are
 * one client hammering one platform, where the floor matters; webhooks are many events to a
 * receiver that just came back, where what matters is spreading them without making the
 * schedule we document ("about a day") a range from 12 to 24 h.
 */
export interface RetrySchedule {
  /** Delay before the first retry. */
  readonly firstMs: number;
  /** Growth per retry. */
  readonly factor: number;
  /** Longest single wait. */
  readonly maxMs: number;
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** ±jitter as a fraction of the delay. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = Object.freeze({ firstMs: 15_000, factor: 5, maxMs: 10 * 3_600_000, maxAttempts: 8, jitter: 0.2 });

/** Longest wait a receiver's `Retry-After` may ask for (it can only lengthen ours). */
const RETRY_AFTER_MAX_MS = 3_600_000;

/**
 * The wait after attempt number `attempts` failed, or null when that was the last one.
 * `random` is a draw in [0, 1); `retryAfterS`, from a 429 or 503, lengthens the wait (never
 * shortens it) up to an hour.
 */
export function retryDelayMs(schedule: RetrySchedule, attempts: number, random: number, retryAfterS?: number): number | null {
  if (attempts >= schedule.maxAttempts) return null;
  const envelope = Math.min(schedule.maxMs, schedule.firstMs * schedule.factor ** Math.max(0, attempts - 1));
  const r = Math.min(1, Math.max(0, Number.isFinite(random) ? random : 0.5));
  const delay = envelope * (1 - schedule.jitter + 2 * schedule.jitter * r);
  const asked = retryAfterS !== undefined && Number.isFinite(retryAfterS) && retryAfterS > 0 ? Math.min(RETRY_AFTER_MAX_MS, retryAfterS * 1000) : 0;
  return Math.round(Math.max(delay, asked));
}

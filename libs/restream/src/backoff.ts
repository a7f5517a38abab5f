import { type Clock, type RandomSource, monotonicClock, mathRandom } from './clock';

export interface BackoffOptions {
  /** Envelope of the first retry. */
  readonly initialMs: number;
  /** Growth of the envelope per failed attempt (>= 1). */
  readonly factor: number;
  /** Largest delay ever returned, and the ceiling of the envelope. */
  readonly maxMs: number;
  /** Smallest delay ever returned, whatever the jitter draws: no tight reconnect loops. */
  readonly floorMs: number;
  /** A connection must stay up this long before the attempt count goes back to zero. */
  readonly stableMs: number;
  readonly random: RandomSource;
  readonly clock: Clock;
}

export const DEFAULT_BACKOFF: Readonly<Omit<BackoffOptions, 'random' | 'clock'>> = Object.freeze({
  initialMs: 1_000,
  factor: 2,
  maxMs: 60_000,
  floorMs: 250,
  stableMs: 60_000,
});

/**
 * Reconnect delays for one destination: exponential envelope with **equal jitter**,
 * `delay = envelope/2 + random * envelope/2`, clamped to `[floorMs, maxMs]`.
 *
 * Why equal jitter rather than full jitter (`random * envelope`): full jitter is optimal when many
 * clients contend for one server, because it spreads them widest. Here each destination is a
 * single client of a remote platform, and what hurts is hammering that platform (ingest servers
 * rate-limit and sometimes lock stream keys). Full jitter can return a near-zero delay on the
 * tenth attempt; equal jitter guarantees the delay grows with the envelope (at least half of it)
 * while still de-synchronising destinations that failed together, e.g. when our uplink blinked.
 *
 * Attempts reset only after the connection has been stable for `stableMs`: `succeeded()` when
 * the destination goes live, then either `maybeReset()` on a timer or simply `next()` at the next
 * failure, which looks at how long the connection lasted. A destination that flaps every 5 s
 * therefore keeps backing off instead of reconnecting every second forever.
 */
export class Backoff {
  private readonly options: BackoffOptions;
  private attempt = 0;
  private connectedAt: number | undefined;

  constructor(options: Partial<BackoffOptions> = {}) {
    const resolved: BackoffOptions = { ...DEFAULT_BACKOFF, random: mathRandom, clock: monotonicClock, ...options };
    const { initialMs, factor, maxMs, floorMs, stableMs } = resolved;
    if (!(initialMs > 0) || !Number.isFinite(initialMs)) throw new RangeError(`initialMs must be > 0: ${initialMs}`);
    if (!(factor >= 1) || !Number.isFinite(factor)) throw new RangeError(`factor must be >= 1: ${factor}`);
    if (!(floorMs >= 0) || !Number.isFinite(floorMs)) throw new RangeError(`floorMs must be >= 0: ${floorMs}`);
    if (!(maxMs >= floorMs) || !Number.isFinite(maxMs)) throw new RangeError(`maxMs must be >= floorMs: ${maxMs}`);
    if (!(stableMs >= 0)) throw new RangeError(`stableMs must be >= 0: ${stableMs}`);
    this.options = Object.freeze(resolved);
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** When the current connection went live (clock ms), or `undefined` when not connected. */
  get connectedSince(): number | undefined {
    return this.connectedAt;
  }

  /** The un-jittered ceiling the next `next()` draws under: `min(maxMs, initialMs * factor^attempts)`. */
  get envelopeMs(): number {
    const { initialMs, factor, maxMs } = this.options;
    // factor^attempt may overflow to Infinity; min() turns that into the cap (initialMs > 0, so no NaN).
    return Math.min(maxMs, initialMs * factor ** this.attempt);
  }

  /**
   * Call when a connection attempt failed or a live connection dropped: returns the delay before the
   * next attempt and counts the attempt. If the connection that just ended had been up for at least
   * `stableMs`, the count is reset first, so the retry is quick.
   */
  next(now: number = this.options.clock()): number {
    this.maybeReset(now);
    this.connectedAt = undefined;
    const { floorMs, maxMs, random } = this.options;
    const envelope = this.envelopeMs;
    // Clamp the draw too: a misbehaving source returning 1 or NaN must not escape the bounds.
    const r = Math.min(1, Math.max(0, random() || 0));
    const delay = envelope / 2 + (r * envelope) / 2;
    this.attempt += 1;
    return Math.min(maxMs, Math.max(floorMs, delay));
  }

  /** The destination is live. Attempts are kept until it has stayed up for `stableMs`. */
  succeeded(now: number = this.options.clock()): void {
    this.connectedAt = now;
  }

  /** Resets the attempt count if the current connection has been up for `stableMs`. Returns whether it did. */
  maybeReset(now: number = this.options.clock()): boolean {
    if (this.connectedAt === undefined || now - this.connectedAt < this.options.stableMs) return false;
    this.attempt = 0;
    return true;
  }

  /** Forget everything: next delay is drawn from `initialMs` again (e.g. the user pressed "retry now"). */
  reset(): void {
    this.attempt = 0;
    this.connectedAt = undefined;
  }
}

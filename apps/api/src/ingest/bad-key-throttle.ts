/** What the throttle allows, from RTMP_BAD_KEY_FREE and RTMP_BAD_KEY_MAX_DELAY_S. */
export interface BadKeyPolicy {
  /** Attempts per address per window answered at once. */
  free: number;
  windowMs: number;
  /** The first delay past `free`; each further attempt doubles it, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BAD_KEY_POLICY: BadKeyPolicy = { free: 5, windowMs: 60_000, firstDelayMs: 250, maxDelayMs: 4_000 };

/**
 * Bad stream keys per client address, in this process's memory (a per-node counter: behind a
 * balancer each node throttles what reaches it, which is the intent).
 *
 * Every publish attempt is counted **before** its key is looked up, so concurrent guesses cannot
 * slip past the count; an attempt whose key turns out valid is forgiven. Past `free` attempts in
 * the window, an attempt waits (a doubling delay, capped) before its lookup: a tarpit, not a
 * lock. A valid key is still looked up and still publishes, so a neighbour behind the same NAT,
 * or an encoder retrying a rotated key, can slow the address but never keep a streamer off the
 * air. Bounded to `maxAddresses` entries (oldest evicted).
 */
export class BadKeyThrottle {
  private readonly attempts = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly policy: BadKeyPolicy = DEFAULT_BAD_KEY_POLICY,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Counts an attempt from `address` now; returns how long to wait before looking its key up (0 under the limit). */
  admit(address: string, now: number): number {
    let entry = this.attempts.get(address);
    if (entry === undefined || now - entry.since >= this.policy.windowMs) entry = { count: 0, since: now };
    entry.count += 1;
    this.attempts.delete(address); // re-insert: Map order is least recently seen first
    if (this.attempts.size >= this.maxAddresses) this.evict();
    this.attempts.set(address, entry);
    const over = entry.count - this.policy.free;
    return over <= 0 ? 0 : Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** (over - 1));
  }

  /** The attempt's key was valid (or a replaced key of a real stream): it does not count against the address. */
  forgive(address: string): void {
    const entry = this.attempts.get(address);
    if (entry === undefined) return;
    entry.count -= 1;
    if (entry.count <= 0) this.attempts.delete(address);
  }

  /** Attempts counted for `address` in its current window. */
  count(address: string): number {
    return this.attempts.get(address)?.count ?? 0;
  }

  get size(): number {
    return this.attempts.size;
  }

  private evict(): void {
    const oldest = this.attempts.keys().next();
    if (!oldest.done) this.attempts.delete(oldest.value);
  }
}

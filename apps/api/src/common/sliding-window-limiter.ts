export interface RateLimit {
  /** Failed attempts allowed within the window; the next one is refused. */
  max: number;
  windowMs: number;
}

/**
 * A sliding-window log per key, in memory: each key keeps the times of its last `max`
 * attempts, so memory is O(keys × max). The table holds at most `maxKeys` keys: when full,
 * expired keys are swept, then the least recently hit are evicted. Expired keys are also
 * swept at most once per window, so idle keys do not linger. No timers to clean up.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.hits.size;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string, now: number): number {
    const times = this.live(key, now);
    if (times.length < this.limit.max) return 0;
    return times[times.length - this.limit.max]! + this.limit.windowMs - now;
  }

  hit(key: string, now: number): void {
    if (now - this.lastSweep >= this.limit.windowMs) this.sweep(now);
    const times = this.live(key, now);
    times.push(now);
    if (times.length > this.limit.max) times.splice(0, times.length - this.limit.max);
    this.hits.delete(key); // re-insert: Map order is then least recently hit first
    if (this.hits.size >= this.maxKeys) this.makeRoom(now);
    this.hits.set(key, times);
  }

  /** Undo the most recent hit (an attempt counted up front that turned out fine). */
  forgiveOne(key: string): void {
    const times = this.hits.get(key);
    times?.pop();
    if (times?.length === 0) this.hits.delete(key);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  /** Drop every key whose attempts have all left the window. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, times] of this.hits) {
      if (times.length === 0 || times[times.length - 1]! <= now - this.limit.windowMs) this.hits.delete(key);
    }
  }

  private makeRoom(now: number): void {
    this.sweep(now);
    for (const key of this.hits.keys()) {
      if (this.hits.size < this.maxKeys) break;
      this.hits.delete(key);
    }
  }

  private live(key: string, now: number): number[] {
    const times = this.hits.get(key) ?? [];
    const cutoff = now - this.limit.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired]! <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    return times;
  }
}

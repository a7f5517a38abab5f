import { type Clock, monotonicClock } from './clock';

export interface RateMeterOptions {
  /** Span the rate is averaged over. A whole number of buckets. */
  readonly windowMs: number;
  /** Resolution: amounts are summed per bucket. */
  readonly bucketMs: number;
  readonly clock: Clock;
}

export const DEFAULT_RATE_METER: Readonly<Omit<RateMeterOptions, 'clock'>> = Object.freeze({
  windowMs: 5_000,
  bucketMs: 1_000,
});

/**
 * Sum of amounts over the sliding window `(now - windowMs, now]`, in fixed buckets.
 *
 * Bucket `k` holds amounts recorded in `(k * bucketMs, (k + 1) * bucketMs]`. The window covers
 * the current bucket up to now, the whole buckets before it, and a fraction of the oldest bucket,
 * which is pro-rated assuming the amounts were spread evenly inside it. When `now` falls on a bucket
 * boundary (integer seconds with the defaults) that fraction is zero and the result is exact.
 * Memory is `windowMs / bucketMs + 1` numbers whatever the traffic.
 */
class SlidingWindow {
  private readonly sums: Float64Array;
  private readonly ids: Float64Array;
  private readonly buckets: number;
  private startedAt: number;

  constructor(
    private readonly windowMs: number,
    private readonly bucketMs: number,
    now: number,
  ) {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be > 0: ${bucketMs}`);
    const buckets = windowMs / bucketMs;
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`windowMs must be a whole, positive number of buckets: ${windowMs} / ${bucketMs}`);
    }
    this.buckets = buckets;
    this.sums = new Float64Array(buckets + 1);
    this.ids = new Float64Array(buckets + 1).fill(Number.NEGATIVE_INFINITY);
    this.startedAt = now;
  }

  add(amount: number, now: number): void {
    const id = this.bucketOf(now);
    const slot = this.slotOf(id);
    const current = this.ids[slot] as number;
    if (current > id) return; // recorded for a time already out of the window
    if (current !== id) {
      this.ids[slot] = id;
      this.sums[slot] = 0;
    }
    this.sums[slot] = (this.sums[slot] as number) + amount;
  }

  /** Sum over the window ending at `now`, and the span it covers (shorter until a window has elapsed). */
  sum(now: number): { total: number; spanMs: number } {
    const current = this.bucketOf(now);
    const elapsed = now - this.startedAt;
    // Everything recorded since start is inside the window until a whole window has elapsed.
    const oldestWeight = elapsed < this.windowMs ? 1 : 1 - (now - current * this.bucketMs) / this.bucketMs;
    let total = 0;
    for (let age = 0; age <= this.buckets; age++) {
      const id = current - age;
      const slot = this.slotOf(id);
      if (this.ids[slot] !== id) continue;
      total += (this.sums[slot] as number) * (age === this.buckets ? oldestWeight : 1);
    }
    return { total, spanMs: Math.min(this.windowMs, Math.max(0, elapsed)) };
  }

  perSecond(now: number): number {
    const { total, spanMs } = this.sum(now);
    return spanMs > 0 ? (total * 1_000) / spanMs : 0;
  }

  reset(now: number): void {
    this.sums.fill(0);
    this.ids.fill(Number.NEGATIVE_INFINITY);
    this.startedAt = now;
  }

  private bucketOf(now: number): number {
    return Math.ceil(now / this.bucketMs) - 1;
  }

  private slotOf(id: number): number {
    const n = this.buckets + 1;
    return ((id % n) + n) % n;
  }
}

/**
 * Bitrate over a sliding window (5 s in 1 s buckets by default), for the once-a-second stats.
 * During the first window the rate is averaged over the time since creation or `reset()`, so
 * it does not ramp up from zero.
 */
export class RateMeter {
  private readonly clock: Clock;
  private readonly window: SlidingWindow;

  constructor(options: Partial<RateMeterOptions> = {}) {
    const { windowMs, bucketMs, clock } = { ...DEFAULT_RATE_METER, clock: monotonicClock, ...options };
    this.clock = clock;
    this.window = new SlidingWindow(windowMs, bucketMs, clock());
  }

  record(bytes: number, now: number = this.clock()): void {
    this.window.add(bytes, now);
  }

  bytesPerSecond(now: number = this.clock()): number {
    return this.window.perSecond(now);
  }

  bitsPerSecond(now: number = this.clock()): number {
    return this.window.perSecond(now) * 8;
  }

  reset(now: number = this.clock()): void {
    this.window.reset(now);
  }
}

/**
 * Frames per second by **media time**: the slope of the frames' timestamps over the last
 * `windowMs` of them (a least-squares fit of timestamp against frame number). That is the
 * encoder's frame rate whatever its timing on the wire: an encoder that flushes a second of
 * queued frames in one write (OBS at the start) or pipelines them still reads 30, where counting
 * arrivals would read 60 and then 0; and the fit is not thrown by jittery timestamps (GStreamer's
 * flvmux stamps frames on a 21 ms audio grid under load), which the first and last frame of a
 * window alone would be. Dropped frames leave gaps in the timestamps and lower the figure. It
 * falls to 0 once no frame arrived for `windowMs` of wall time. A timestamp that goes backwards
 * starts the window over.
 */
export class MediaFrameRateMeter {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly times: number[] = [];
  private head = 0;
  private lastArrival = -Infinity;

  constructor(options: Partial<Pick<RateMeterOptions, 'windowMs' | 'clock'>> = {}) {
    this.clock = options.clock ?? monotonicClock;
    this.windowMs = options.windowMs ?? 2_000;
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be > 0: ${this.windowMs}`);
  }

  /** Call with the media timestamp of each coded video frame, in decode order. */
  record(timestampMs: number, now: number = this.clock()): void {
    this.lastArrival = now;
    const times = this.times;
    if (this.head < times.length && timestampMs < (times[times.length - 1] as number)) this.reset();
    times.push(timestampMs);
    while (timestampMs - (times[this.head] as number) > this.windowMs) this.head++;
    if (this.head > 256 && this.head * 2 > times.length) {
      times.splice(0, this.head);
      this.head = 0;
    }
  }

  fps(now: number = this.clock()): number {
    const n = this.times.length - this.head;
    if (n < 2 || now - this.lastArrival > this.windowMs) return 0;
    // Least squares of t_i against i: slope = Σ(i - ī)(t_i - t̄) / Σ(i - ī)², in ms per frame.
    const meanI = (n - 1) / 2;
    let meanT = 0;
    for (let i = 0; i < n; i++) meanT += this.times[this.head + i] as number;
    meanT /= n;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const di = i - meanI;
      num += di * ((this.times[this.head + i] as number) - meanT);
      den += di * di;
    }
    const msPerFrame = num / den;
    return msPerFrame > 0 ? 1_000 / msPerFrame : 0;
  }

  reset(): void {
    this.times.length = 0;
    this.head = 0;
  }
}

export interface KeyframeIntervalOptions {
  /** Intervals the median is taken over. */
  readonly samples: number;
}

/**
 * Keyframe interval: the median of the last `samples` intervals between video keyframes, so one
 * late or early keyframe (scene cut, encoder hiccup) does not swing the figure. Kept two ways:
 * by media timestamp, and by frames (how encoders are configured: "a keyframe every 60 frames",
 * which OBS shows as 2 s at 30 fps). The frame count is immune to timestamp jitter, so the host
 * divides it by the frame rate when it knows one. Platforms want 2 s; the dashboard warns when
 * it is off. A timestamp that goes backwards (publisher restarted its clock) starts the history
 * over; a repeated timestamp is ignored.
 */
export class KeyframeIntervalMeter {
  readonly samples: number;
  private readonly intervals: number[] = [];
  private readonly frameIntervals: number[] = [];
  private last: number | undefined;
  private lastFrame: number | undefined;

  constructor(options: Partial<KeyframeIntervalOptions> = {}) {
    this.samples = options.samples ?? 5;
    if (!Number.isInteger(this.samples) || this.samples < 1) {
      throw new RangeError(`samples must be a positive integer: ${this.samples}`);
    }
  }

  /** Call with the media timestamp of each video keyframe, in order, and its frame number (coded frames before it). */
  record(timestampMs: number, frameNumber?: number): void {
    const last = this.last;
    const lastFrame = this.lastFrame;
    this.last = timestampMs;
    this.lastFrame = frameNumber;
    if (last === undefined) return;
    const interval = timestampMs - last;
    if (interval < 0) {
      this.intervals.length = 0;
      this.frameIntervals.length = 0;
      return;
    }
    if (interval === 0) return;
    push(this.intervals, interval, this.samples);
    if (frameNumber !== undefined && lastFrame !== undefined && frameNumber > lastFrame) push(this.frameIntervals, frameNumber - lastFrame, this.samples);
  }

  /** Median interval in milliseconds, or `undefined` before two keyframes. */
  get intervalMs(): number | undefined {
    return median(this.intervals);
  }

  /** Median interval in frames, or `undefined` before two numbered keyframes. */
  get intervalFrames(): number | undefined {
    return median(this.frameIntervals);
  }

  /** Median interval in seconds, or `undefined` before two keyframes. */
  get intervalSeconds(): number | undefined {
    const ms = this.intervalMs;
    return ms === undefined ? undefined : ms / 1_000;
  }

  reset(): void {
    this.intervals.length = 0;
    this.frameIntervals.length = 0;
    this.last = undefined;
    this.lastFrame = undefined;
  }
}

/** Appends to a tiny fixed-size window. */
function push(window: number[], value: number, size: number): void {
  window.push(value);
  if (window.length > size) window.shift();
}

function median(values: readonly number[]): number | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

import { type QueueItem, isVideoKeyframe } from './media';

export interface GopCacheOptions<T extends QueueItem = QueueItem> {
  /** Bound on the cached GOP. A GOP that outgrows it is abandoned until the next keyframe. */
  readonly maxBytes: number;
  /**
   * Bound on the cached GOP's media span (last minus keyframe timestamp). Catches a stream whose
   * video stopped while audio goes on, which would otherwise pile audio onto a stale keyframe.
   */
  readonly maxDurationMs: number;
  /**
   * Whether a sequence header repeats the current one. Some encoders resend the same header before
   * every keyframe; that is not a codec change and must not reset the GOP. The default treats every
   * replacement as a change (the cache cannot see payloads); the engine passes a byte comparison.
   */
  readonly isSameHeader: (current: T, next: T) => boolean;
}

export const DEFAULT_GOP_CACHE_OPTIONS: GopCacheOptions = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDurationMs: 30_000,
  isSameHeader: () => false,
});

/**
 * What a destination that joins mid-stream must be sent first so that it starts cleanly: the
 * latest metadata, the latest video and audio sequence headers, and the current GOP (everything
 * since the last video keyframe, audio interleaved, in arrival order).
 *
 * - `push` takes video and audio frames and their sequence headers. Metadata is given with
 *   `setMetadata`, because only `@setDataFrame onMetaData` belongs here, not every data message
 *   (cue points, captions); control items are not cached.
 * - A GOP that grows past `maxBytes` or `maxDurationMs` is dropped, and nothing is cached until
 *   the next keyframe: a joiner then waits for that keyframe rather than the cache growing.
 * - A sequence header that differs from the current one (codec or resolution change) resets the
 *   GOP: frames encoded with the old configuration must not follow the new header.
 * - **Audio-only streams cache no frames**, only metadata and headers. Every AAC/Opus/MP3 frame
 *   is a starting point, so a joiner decodes from the next live frame; replaying a window of old
 *   audio would only add latency and a burst at the start. For the same reason, audio that arrives
 *   before the first video keyframe of an A/V stream is not cached.
 *
 * Items are kept by reference; `snapshot()` returns a new array each time.
 */
export class GopCache<T extends QueueItem> {
  readonly options: GopCacheOptions<T>;

  private meta: T | undefined;
  private video: T | undefined;
  private audio: T | undefined;
  private gop: T[] = [];
  private gopBytes = 0;

  constructor(options: Partial<GopCacheOptions<T>> = {}) {
    const resolved: GopCacheOptions<T> = { ...DEFAULT_GOP_CACHE_OPTIONS, ...options };
    if (!(resolved.maxBytes > 0)) throw new RangeError(`maxBytes must be > 0: ${resolved.maxBytes}`);
    if (!(resolved.maxDurationMs > 0)) throw new RangeError(`maxDurationMs must be > 0: ${resolved.maxDurationMs}`);
    this.options = Object.freeze(resolved);
  }

  get metadata(): T | undefined {
    return this.meta;
  }

  get videoHeader(): T | undefined {
    return this.video;
  }

  get audioHeader(): T | undefined {
    return this.audio;
  }

  /** Frames in the cached GOP (0 while waiting for a keyframe). */
  get size(): number {
    return this.gop.length;
  }

  /** Bytes of the cached GOP. */
  get bytes(): number {
    return this.gopBytes;
  }

  /** No GOP is cached: the stream has not had a keyframe since start, a codec change or an overflow. */
  get awaitingKeyframe(): boolean {
    return this.gop.length === 0;
  }

  /** The latest `onMetaData` (or `undefined` to forget it). */
  setMetadata(item: T | undefined): void {
    this.meta = item;
  }

  /** Offer every video and audio message of the ingest, in order. Other kinds are ignored. */
  push(item: T): void {
    if (item.kind !== 'video' && item.kind !== 'audio') return;
    if (item.sequenceHeader === true) {
      this.setHeader(item);
      return;
    }
    if (isVideoKeyframe(item)) {
      this.gop = [];
      this.gopBytes = 0;
    } else if (this.gop.length === 0) {
      return; // no keyframe to hang this frame on
    }
    this.gop.push(item);
    this.gopBytes += item.bytes;
    const keyframe = this.gop[0] as T;
    if (this.gopBytes > this.options.maxBytes || item.timestampMs - keyframe.timestampMs > this.options.maxDurationMs) {
      this.reset();
    }
  }

  /**
   * What a joining destination gets before live frames, in order: metadata, video sequence header,
   * audio sequence header, then the GOP from its keyframe. Take it and subscribe to live frames in
   * the same tick, so that nothing falls between the two.
   */
  snapshot(): T[] {
    const out: T[] = [];
    if (this.meta) out.push(this.meta);
    if (this.video) out.push(this.video);
    if (this.audio) out.push(this.audio);
    for (const item of this.gop) out.push(item);
    return out;
  }

  /** Forget everything (the publisher went away). */
  clear(): void {
    this.meta = undefined;
    this.video = undefined;
    this.audio = undefined;
    this.reset();
  }

  private setHeader(item: T): void {
    const current = item.kind === 'video' ? this.video : this.audio;
    if (item.kind === 'video') this.video = item;
    else this.audio = item;
    // The first header of a track is not a change; a different one is.
    if (current !== undefined && !this.options.isSameHeader(current, item)) this.reset();
  }

  private reset(): void {
    this.gop = [];
    this.gopBytes = 0;
  }
}

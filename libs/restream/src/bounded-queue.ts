import { type QueueItem, isDroppableMedia, isVideoKeyframe } from './media';

export interface BoundedQueueOptions {
  /** Bound on queued video + audio bytes (one oversized resume frame may exceed it alone). */
  readonly maxBytes: number;
  /** Bound on the media span queued: newest minus oldest queued video/audio timestamp. */
  readonly maxDurationMs: number;
  /** Bound on queued items that are never dropped: control, data, sequence headers. */
  readonly maxControlItems: number;
}

export const DEFAULT_QUEUE_OPTIONS: BoundedQueueOptions = Object.freeze({
  maxBytes: 8 * 1024 * 1024,
  maxDurationMs: 4_000,
  maxControlItems: 1_024,
});

/**
 * `queued`: the consumer will get it. `dropped`: a video/audio frame was discarded (counted).
 * `overflow`: a never-dropped item (control, data, sequence header) did not fit in
 * `maxControlItems`; it was refused and {@link BoundedQueue.overflowed} is set.
 */
export type PushResult = 'queued' | 'dropped' | 'overflow';

/** Shift compaction kicks in past this many consumed slots. */
const COMPACT_AFTER = 1_024;

/**
 * The outgoing queue of one destination. The publisher pushes and never waits; the destination's
 * writer shifts when its socket drains. Bounded in media bytes and media duration, so a stalled
 * destination costs a fixed amount of memory, and it never hands out an inter frame whose
 * reference frames it dropped.
 *
 * Policy when a push would exceed a bound:
 * - **Stale media goes first.** Queued media is discarded from the oldest end, only in units that
 *   keep every remaining GOP whole: audio frames singly, video from the head up to the next queued
 *   keyframe (taking the audio interleaved with it). Cutting at a keyframe boundary is always safe:
 *   frames arrive in decode order, so a GOP never references a later one.
 * - An incoming **video keyframe always gets in**: everything queued is older than it, so the
 *   queue discards as much of that as it needs (all of it at worst) and resumes there.
 * - An incoming **inter frame or audio** frame never evicts the GOP it belongs to (the last queued
 *   keyframe and after). If the older GOPs are not enough, it is dropped and the queue enters the
 *   **dropping** state: every incoming video and audio frame is dropped until the next video
 *   keyframe, which resumes as above. Audio is dropped too, so the gap is the same on both tracks.
 * - **Control, data and sequence headers are never dropped** and do not count towards the media
 *   bounds; they are bounded by count instead. A destination that leaves `maxControlItems` of them
 *   unsent is dead: the push is refused, `overflowed` is set, and the engine must close it.
 * - **Audio-only streams** have no keyframes: an audio frame is a resume point when no video has
 *   been pushed, or none for longer than `maxDurationMs` of media time.
 * - A new or cleared queue waits for a video keyframe before it passes video (audio flows).
 *
 * `drops` counts episodes: a run of pushes that discarded frames (including the dropping state),
 * ended by the first frame that gets in without discarding anything.
 *
 * Push and shift are O(1) amortised: a head index over an array, compacted in bulk; discarded
 * frames become holes that are skipped and compacted, never spliced out one at a time.
 * Items are kept by reference, never copied.
 */
export class BoundedQueue<T extends QueueItem> {
  readonly options: BoundedQueueOptions;

  /** Items by sequence number: `slots[seq - base]`; `undefined` is a discarded item or a consumed slot. */
  private slots: (T | undefined)[] = [];
  private base = 0;
  private headIndex = 0;
  /** Discarded items (holes) in `[head, tail)`. They all lie before `mediaHead`. */
  private holes = 0;

  private count = 0;
  private totalBytes = 0;
  private mediaCount = 0;
  private mediaByteCount = 0;
  private controlCount = 0;
  /** No droppable media queued before this sequence number (a lower bound, advanced lazily). */
  private mediaHead = 0;
  /** Sequence number of the last queued video keyframe, or -1. */
  private lastKeyframe = -1;
  private lastMediaTs = 0;

  private isDropping = false;
  private inEpisode = false;
  private needKeyframe = true;
  private isOverflowed = false;
  private sawVideo = false;
  private lastVideoTs = 0;

  private counters = { droppedFrames: 0, droppedAudio: 0, droppedBytes: 0, drops: 0 };

  constructor(options: Partial<BoundedQueueOptions> = {}) {
    const resolved = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    for (const key of ['maxBytes', 'maxDurationMs', 'maxControlItems'] as const) {
      if (!(resolved[key] > 0)) throw new RangeError(`${key} must be > 0: ${resolved[key]}`);
    }
    this.options = Object.freeze(resolved);
  }

  /** Items queued (all kinds). */
  get size(): number {
    return this.count;
  }

  /** Bytes queued (all kinds). */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Video and audio bytes queued: what `maxBytes` bounds. */
  get mediaBytes(): number {
    return this.mediaByteCount;
  }

  /** Control, data and sequence-header items queued: what `maxControlItems` bounds. */
  get controlItems(): number {
    return this.controlCount;
  }

  /** Span of queued media: last queued minus first queued video/audio timestamp (0 when none). */
  get durationMs(): number {
    if (this.mediaCount === 0) return 0;
    const first = this.slots[this.firstMedia() - this.base];
    return first === undefined ? 0 : Math.max(0, this.lastMediaTs - first.timestampMs);
  }

  /** Dropping every incoming video and audio frame until the next video keyframe. */
  get dropping(): boolean {
    return this.isDropping;
  }

  /** Video inter frames are refused until a video keyframe is queued (new, cleared, or after a drop). */
  get awaitingKeyframe(): boolean {
    return this.needKeyframe;
  }

  /** A never-dropped item was refused: the destination is hopelessly behind; close it. */
  get overflowed(): boolean {
    return this.isOverflowed;
  }

  /** Video frames discarded (incoming or queued). */
  get droppedFrames(): number {
    return this.counters.droppedFrames;
  }

  /** Audio frames discarded (incoming or queued). */
  get droppedAudio(): number {
    return this.counters.droppedAudio;
  }

  /** Bytes of discarded frames. */
  get droppedBytes(): number {
    return this.counters.droppedBytes;
  }

  /** Drop episodes: runs of pushes that discarded media, each ended by a frame queued cleanly. */
  get drops(): number {
    return this.counters.drops;
  }

  push(item: T): PushResult {
    if (!isDroppableMedia(item)) {
      if (this.controlCount >= this.options.maxControlItems) {
        this.isOverflowed = true;
        return 'overflow';
      }
      this.append(item);
      return 'queued';
    }

    const video = item.kind === 'video';
    if (video) {
      this.sawVideo = true;
      this.lastVideoTs = item.timestampMs;
    }
    const resume = video ? item.keyframe : this.audioOnly(item.timestampMs);
    if (this.isDropping && !resume) return this.drop(item);
    if (video && !item.keyframe && this.needKeyframe) return this.drop(item);

    let discarded = false;
    if (!this.fits(item, this.firstMediaTimestamp())) {
      const { fits, evicted } = this.evictFor(item, resume);
      discarded = evicted || !fits;
      if (discarded && !this.inEpisode) {
        this.counters.drops += 1;
        this.inEpisode = true;
      }
      if (!fits) {
        this.isDropping = true;
        return this.drop(item);
      }
    }

    this.append(item);
    if (resume) this.isDropping = false;
    if (video && item.keyframe) this.needKeyframe = false;
    // An episode lasts until a frame gets in without discarding anything.
    if (!discarded) this.inEpisode = false;
    return 'queued';
  }

  /** The next item to send, without removing it. A later `push` may discard it. */
  peek(): T | undefined {
    this.skipHoles();
    return this.slots[this.headIndex];
  }

  shift(): T | undefined {
    this.skipHoles();
    if (this.headIndex >= this.slots.length) return undefined;
    const seq = this.base + this.headIndex;
    const item = this.slots[this.headIndex] as T;
    this.slots[this.headIndex] = undefined;
    this.headIndex += 1;
    this.forget(item, seq);
    this.skipHoles();
    this.compactFront();
    return item;
  }

  /**
   * Discard everything queued (not counted as drops), e.g. when the destination reconnects. The
   * queue then waits for a video keyframe again; counters are kept.
   */
  clear(): void {
    this.base += this.slots.length;
    this.slots = [];
    this.headIndex = 0;
    this.holes = 0;
    this.count = 0;
    this.totalBytes = 0;
    this.mediaCount = 0;
    this.mediaByteCount = 0;
    this.controlCount = 0;
    this.mediaHead = this.base;
    this.lastKeyframe = -1;
    this.isDropping = false;
    this.inEpisode = false;
    this.needKeyframe = true;
    this.isOverflowed = false;
  }

  private audioOnly(timestampMs: number): boolean {
    return !this.sawVideo || timestampMs - this.lastVideoTs > this.options.maxDurationMs;
  }

  private fits(item: T, oldestTs: number | undefined): boolean {
    if (this.mediaCount === 0 || oldestTs === undefined) return true;
    return (
      this.mediaByteCount + item.bytes <= this.options.maxBytes &&
      item.timestampMs - oldestTs <= this.options.maxDurationMs
    );
  }

  /**
   * Discard the oldest queued media until `item` fits, in GOP-preserving units. Unless
   * `mayCutTail` (the item is a resume point), the GOP the item belongs to is left alone.
   */
  private evictFor(item: T, mayCutTail: boolean): { fits: boolean; evicted: boolean } {
    const tail = this.base + this.slots.length;
    let p = this.firstMedia();
    let cut = false; // inside a video GOP whose earlier frames were discarded
    let evicted = false;
    while (p < tail) {
      const queued = this.slots[p - this.base];
      if (queued === undefined || !isDroppableMedia(queued)) {
        p += 1;
        continue;
      }
      if (!cut || isVideoKeyframe(queued)) {
        cut = false;
        if (this.fits(item, queued.timestampMs)) return this.evicted(p, true, evicted);
        if (!mayCutTail && (this.lastKeyframe < 0 || p >= this.lastKeyframe)) return this.evicted(p, false, evicted);
      }
      if (queued.kind === 'video') cut = true;
      this.evict(p, queued);
      evicted = true;
      p += 1;
    }
    // Only a resume point gets here. If it is audio (audio-only stretch), video queued before
    // it was cut mid-GOP: later inter frames of that GOP must not pass.
    if (cut) this.needKeyframe = true;
    return this.evicted(p, true, evicted);
  }

  /** End of an eviction pass: everything before `p` is control items and holes. */
  private evicted(p: number, fits: boolean, evicted: boolean): { fits: boolean; evicted: boolean } {
    this.mediaHead = p;
    if (this.holes >= COMPACT_AFTER && this.holes >= this.count) this.compactHoles();
    return { fits, evicted };
  }

  private evict(seq: number, item: T): void {
    this.slots[seq - this.base] = undefined;
    this.holes += 1;
    this.forget(item, seq);
    this.countDrop(item);
  }

  private drop(item: T): PushResult {
    if (item.kind === 'video') this.needKeyframe = true;
    this.countDrop(item);
    return 'dropped';
  }

  private countDrop(item: T): void {
    if (item.kind === 'video') this.counters.droppedFrames += 1;
    else this.counters.droppedAudio += 1;
    this.counters.droppedBytes += item.bytes;
  }

  private append(item: T): void {
    const seq = this.base + this.slots.length;
    this.slots.push(item);
    this.count += 1;
    this.totalBytes += item.bytes;
    if (isDroppableMedia(item)) {
      this.mediaCount += 1;
      this.mediaByteCount += item.bytes;
      this.lastMediaTs = item.timestampMs;
      if (item.kind === 'video' && item.keyframe) this.lastKeyframe = seq;
    } else {
      this.controlCount += 1;
    }
  }

  /** Bookkeeping for an item leaving the queue (sent or discarded). */
  private forget(item: T, seq: number): void {
    this.count -= 1;
    this.totalBytes -= item.bytes;
    if (isDroppableMedia(item)) {
      this.mediaCount -= 1;
      this.mediaByteCount -= item.bytes;
    } else {
      this.controlCount -= 1;
    }
    if (seq === this.lastKeyframe) this.lastKeyframe = -1;
  }

  /** Sequence number of the first queued video/audio frame, or the tail when there is none. */
  private firstMedia(): number {
    const tail = this.base + this.slots.length;
    if (this.mediaCount === 0) return (this.mediaHead = tail);
    let p = Math.max(this.mediaHead, this.base + this.headIndex);
    while (p < tail) {
      const item = this.slots[p - this.base];
      if (item !== undefined && isDroppableMedia(item)) break;
      p += 1;
    }
    return (this.mediaHead = p);
  }

  private firstMediaTimestamp(): number | undefined {
    return this.slots[this.firstMedia() - this.base]?.timestampMs;
  }

  private skipHoles(): void {
    while (this.headIndex < this.slots.length && this.slots[this.headIndex] === undefined) {
      this.headIndex += 1;
      this.holes -= 1;
    }
  }

  /**
   * Holes only ever lie before `mediaHead`, among control items that were kept. Slide those items
   * up against `mediaHead` (order kept) so the holes fall off the front. O(items moved), done only
   * once holes outnumber the live items, so O(1) amortised per discarded frame.
   */
  private compactHoles(): void {
    if (this.holes === 0) return;
    const headSeq = this.base + this.headIndex;
    const end = Math.min(this.mediaHead, this.base + this.slots.length);
    let write = end;
    for (let read = end - 1; read >= headSeq; read -= 1) {
      const item = this.slots[read - this.base];
      if (item !== undefined) {
        write -= 1;
        this.slots[write - this.base] = item;
      }
    }
    for (let s = headSeq; s < write; s += 1) this.slots[s - this.base] = undefined;
    this.headIndex = write - this.base;
    this.holes = 0;
    this.compactFront();
  }

  /** Drop consumed slots from the front of the array once they are at least half of it. */
  private compactFront(): void {
    if (this.headIndex === this.slots.length) {
      this.base += this.slots.length;
      this.slots = [];
      this.headIndex = 0;
    } else if (this.headIndex >= COMPACT_AFTER && this.headIndex * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.headIndex);
      this.base += this.headIndex;
      this.headIndex = 0;
    }
  }
}

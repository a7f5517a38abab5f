import type { BoundedQueueOptions } from './bounded-queue';
import { type QueueItem, isDroppableMedia } from './media';

/**
 * Everything the ingest sent since the broadcast started, for the destinations that were
 * waiting for it: a destination configured before the publish must get the whole broadcast,
 * from its metadata and sequence headers to every frame, not just the GOP it happens to connect
 * in (which would lose the first frames, or — if it connects after the second keyframe — the
 * whole first GOP).
 *
 * The log opens when the ingest starts and closes for good when the engine says every waiting
 * destination is live, or when it would outgrow the bounds of one destination queue (what a
 * destination could take at once anyway). After that, joiners start from the GOP cache.
 * Items are kept by reference (the same objects the GOP cache and the queues hold).
 */
export class StartLog<T extends QueueItem> {
  private items: T[] | undefined;
  private bytes = 0;
  private firstMediaTs: number | undefined;

  constructor(private readonly bounds: Pick<BoundedQueueOptions, 'maxBytes' | 'maxDurationMs'>) {}

  get isOpen(): boolean {
    return this.items !== undefined;
  }

  /** Items logged so far (0 when closed). */
  get size(): number {
    return this.items?.length ?? 0;
  }

  open(): void {
    this.items = [];
    this.bytes = 0;
    this.firstMediaTs = undefined;
  }

  /** Logs an item; closes the log instead when the item would not fit in its bounds. */
  push(item: T): void {
    const items = this.items;
    if (items === undefined) return;
    const media = isDroppableMedia(item);
    const first = media ? (this.firstMediaTs ?? item.timestampMs) : this.firstMediaTs;
    if (this.bytes + item.bytes > this.bounds.maxBytes || (first !== undefined && item.timestampMs - first > this.bounds.maxDurationMs)) {
      this.close();
      return;
    }
    items.push(item);
    this.bytes += item.bytes;
    this.firstMediaTs = first;
  }

  /** The whole broadcast so far, in arrival order, or undefined once the log closed. */
  snapshot(): T[] | undefined {
    return this.items?.slice();
  }

  close(): void {
    this.items = undefined;
    this.bytes = 0;
    this.firstMediaTs = undefined;
  }
}

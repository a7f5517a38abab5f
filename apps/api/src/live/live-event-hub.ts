import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DestinationStateEvent, IngestEvent, StreamRestreamer } from '@fanout/restream';
import { IngestService } from '../ingest/ingest.service';

/** What one events-stream client hears about its stream. */
export interface LiveSubscriber {
  state(change: DestinationStateEvent): void;
  ingest(event: IngestEvent): void;
  /** The stream's restreamer went away: nothing is publishing any more. */
  released(): void;
}

/**
 * Fans the engine's per-stream events out to events-stream clients. It holds one listener on
 * IngestService.events and, only while a stream has clients, one per event on that stream's
 * restreamer, however many clients there are; so clients never pile listeners onto the
 * engine, and a client that leaves removes exactly what it added.
 */
@Injectable()
export class LiveEventHub implements OnModuleInit, OnModuleDestroy {
  private readonly subscribers = new Map<string, Set<LiveSubscriber>>();
  private readonly attached = new Map<string, () => void>();

  constructor(private readonly ingest: IngestService) {}

  onModuleInit(): void {
    this.ingest.events.on('started', this.onStarted);
    this.ingest.events.on('released', this.onReleased);
  }

  onModuleDestroy(): void {
    this.ingest.events.off('started', this.onStarted);
    this.ingest.events.off('released', this.onReleased);
    for (const detach of this.attached.values()) detach();
    this.attached.clear();
    this.subscribers.clear();
  }

  /** Returns the unsubscribe function; calling it twice is harmless. */
  subscribe(streamId: string, subscriber: LiveSubscriber): () => void {
    let set = this.subscribers.get(streamId);
    if (!set) this.subscribers.set(streamId, (set = new Set()));
    set.add(subscriber);
    const restreamer = this.ingest.restreamer(streamId);
    if (restreamer && !this.attached.has(streamId)) this.attach(streamId, restreamer);
    return () => {
      const current = this.subscribers.get(streamId);
      if (!current?.delete(subscriber) || current.size > 0) return;
      this.subscribers.delete(streamId);
      this.detach(streamId);
    };
  }

  /** Clients of one stream, or of all streams. */
  subscriberCount(streamId?: string): number {
    if (streamId !== undefined) return this.subscribers.get(streamId)?.size ?? 0;
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  private readonly onStarted = (streamId: string, restreamer: StreamRestreamer): void => {
    if (this.subscribers.has(streamId)) this.attach(streamId, restreamer);
  };

  private readonly onReleased = (streamId: string): void => {
    this.detach(streamId);
    for (const subscriber of this.each(streamId)) subscriber.released();
  };

  private attach(streamId: string, restreamer: StreamRestreamer): void {
    this.detach(streamId);
    const onState = (change: DestinationStateEvent) => {
      for (const subscriber of this.each(streamId)) subscriber.state(change);
    };
    const onIngest = (event: IngestEvent) => {
      for (const subscriber of this.each(streamId)) subscriber.ingest(event);
    };
    restreamer.on('destinationState', onState);
    restreamer.on('ingest', onIngest);
    this.attached.set(streamId, () => {
      restreamer.off('destinationState', onState);
      restreamer.off('ingest', onIngest);
    });
  }

  private detach(streamId: string): void {
    this.attached.get(streamId)?.();
    this.attached.delete(streamId);
  }

  /** A copy, so a subscriber that leaves while being called does not disturb the loop. */
  private each(streamId: string): LiveSubscriber[] {
    return [...(this.subscribers.get(streamId) ?? [])];
  }
}

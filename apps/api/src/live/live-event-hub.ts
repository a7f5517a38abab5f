import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { DestinationStateEvent, IngestEvent, InputSwitchEvent } from '@fanout/restream';
import { EngineEvents } from '../ingest/engine-events';

/** What one events-stream client hears about its stream. */
export interface LiveSubscriber {
  state(change: DestinationStateEvent): void;
  ingest(event: IngestEvent): void;
  /** What is on air changed (a failover, the slate, a failback). */
  input(event: InputSwitchEvent): void;
  /** The stream's engine went away: nothing is publishing any more. */
  released(): void;
}

/**
 * Fans the engine's per-stream events out to events-stream clients: one bus subscription per
 * stream that has clients, however many clients it has, gone with its last client.
 */
@Injectable()
export class LiveEventHub implements OnModuleDestroy {
  private readonly subscribers = new Map<string, { clients: Set<LiveSubscriber>; off: () => void }>();

  constructor(private readonly events: EngineEvents) {}

  onModuleDestroy(): void {
    for (const { off } of this.subscribers.values()) off();
    this.subscribers.clear();
  }

  /** Returns the unsubscribe function; calling it twice is harmless. */
  subscribe(streamId: string, subscriber: LiveSubscriber): () => void {
    let entry = this.subscribers.get(streamId);
    if (!entry) {
      const clients = new Set<LiveSubscriber>();
      // A copy per event, so a subscriber that leaves while being called does not disturb the loop.
      const each = (fn: (s: LiveSubscriber) => void) => [...clients].forEach(fn);
      const off = this.events.subscribe(
        {
          destinationState: (e) => each((s) => s.state(e.change)),
          ingest: (e) => each((s) => s.ingest(e.event)),
          input: (e) => each((s) => s.input(e.event)),
          released: () => each((s) => s.released()),
        },
        streamId,
      );
      entry = { clients, off };
      this.subscribers.set(streamId, entry);
    }
    entry.clients.add(subscriber);
    return () => {
      const current = this.subscribers.get(streamId);
      if (!current?.clients.delete(subscriber) || current.clients.size > 0) return;
      current.off();
      this.subscribers.delete(streamId);
    };
  }

  /** Clients of one stream, or of all streams. */
  subscriberCount(streamId?: string): number {
    if (streamId !== undefined) return this.subscribers.get(streamId)?.clients.size ?? 0;
    let n = 0;
    for (const { clients } of this.subscribers.values()) n += clients.size;
    return n;
  }
}

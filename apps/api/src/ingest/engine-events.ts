import { Inject, Injectable } from '@nestjs/common';
import type { DestinationStateEvent, IngestEvent, InputSwitchEvent, StateChange, StreamStats } from '@fanout/restream';
import { LOGGER, type Logger } from '../logging/logger';

/**
 * What the media engine tells the rest of the API, as plain data keyed by stream id: no engine
 * objects and no closures, so an event can be put on a wire as it is (the seam where several
 * nodes will share one bus through Postgres LISTEN/NOTIFY; see shared/design/scale-out.md).
 */
export type EngineEvent =
  /** A stream went live on this node. */
  | { type: 'started'; streamId: string; at: string }
  /** The stream's engine is gone (its broadcast ended, or the node is shutting down). */
  | { type: 'released'; streamId: string; at: string }
  /** The publisher went live, left (grace) or the broadcast ended. */
  | { type: 'ingest'; streamId: string; event: IngestEvent }
  | { type: 'destinationState'; streamId: string; change: DestinationStateEvent }
  /** A sink that is not an RTMP destination (a recording, a preview viewer) changed state. */
  | { type: 'sinkState'; streamId: string; change: StateChange & { kind: string } }
  /** What is on air for the destinations changed (primary, backup, slate, none), and why. */
  | { type: 'input'; streamId: string; event: InputSwitchEvent }
  /** Once a second while active. */
  | { type: 'stats'; streamId: string; stats: StreamStats };

export type EngineEventType = EngineEvent['type'];
export type EngineEventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/** An observer: any subset of handlers, one per event type it cares about. */
export type EngineObserver = { [T in EngineEventType]?: (event: EngineEventOf<T>) => void };

/**
 * The engine-events bus of this node. Observers (the events stream, Prometheus, the metrics and
 * history recorders, later webhooks) subscribe here instead of holding engine objects; each
 * subscription is one call and one unsubscribe function. An observer that throws is logged and
 * never reaches the engine or the other observers.
 */
@Injectable()
export class EngineEvents {
  private readonly observers = new Set<{ observer: EngineObserver; streamId: string | undefined }>();
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger) {
    this.log = logger.child({ component: 'engine-events' });
  }

  /** Hears every stream's events (or one stream's); returns the unsubscribe function (idempotent). */
  subscribe(observer: EngineObserver, streamId?: string): () => void {
    const entry = { observer, streamId };
    this.observers.add(entry);
    return () => void this.observers.delete(entry);
  }

  publish(event: EngineEvent): void {
    for (const entry of [...this.observers]) {
      if (entry.streamId !== undefined && entry.streamId !== event.streamId) continue;
      const handler = entry.observer[event.type] as ((e: EngineEvent) => void) | undefined;
      if (handler === undefined) continue;
      try {
        handler(event);
      } catch (error) {
        this.log.error({ err: error, type: event.type, streamId: event.streamId }, 'engine event observer failed');
      }
    }
  }

  /** Subscriptions held (leak checks). */
  get size(): number {
    return this.observers.size;
  }
}

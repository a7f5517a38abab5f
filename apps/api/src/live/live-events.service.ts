import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { User } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { LOGGER, type Logger } from '../logging/logger';
import { IngestService } from '../ingest/ingest.service';
import { LiveEventHub } from './live-event-hub';
import { LiveStatusService } from './live-status.service';
import { openEventStream, sseComment, sseEvent, sseRetry, type SseReply, SSE_RETRY_MS } from './sse';
import { ingestEventFromEngine, stateEventFromChange } from './status-mapper';
import { StreamAccess } from './stream-access.service';

/** Periods of the events stream; a provider so tests can shorten them. */
export interface LiveEventsTiming {
  /** `status` every this often while something is publishing (default 1 s)... */
  liveStatusMs: number;
  /** ...and this often while the stream is idle (default 5 s). */
  idleStatusMs: number;
  /** A `: ping` comment this often (default 15 s). */
  pingMs: number;
}
export const LIVE_EVENTS_TIMING = Symbol('LIVE_EVENTS_TIMING');
export const DEFAULT_LIVE_EVENTS_TIMING: LiveEventsTiming = { liveStatusMs: 1_000, idleStatusMs: 5_000, pingMs: 15_000 };

/** Where the events go: the HTTP response, or a test's array. */
export interface EventSink {
  write(chunk: string): void;
}

/**
 * `GET /api/streams/:id/events`: `retry: 3000`, a `status` event at once and then every
 * second while live (every 5 s while idle), a `state` event per destination change, an
 * `ingest` event when the publisher goes live, leaves (grace) or the stream ends, and a
 * `: ping` comment every 15 s. The returned function stops everything this client started.
 */
@Injectable()
export class LiveEventsService implements OnModuleDestroy {
  private readonly log: Logger;
  private readonly timing: LiveEventsTiming;
  /** Open HTTP event streams, ended at shutdown so they do not hold the server open. */
  private readonly open = new Set<{ end(): void }>();

  constructor(
    private readonly access: StreamAccess,
    private readonly status: LiveStatusService,
    private readonly hub: LiveEventHub,
    private readonly ingest: IngestService,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(LIVE_EVENTS_TIMING) timing?: Partial<LiveEventsTiming>,
  ) {
    this.log = logger.child({ component: 'live-events' });
    this.timing = { ...DEFAULT_LIVE_EVENTS_TIMING, ...timing };
  }

  /**
   * Checks access first (a foreign or unknown stream is a plain JSON 404 through the
   * exception filter), then takes the response over and streams until the client leaves.
   */
  async serve(user: User, streamId: string, reply: SseReply): Promise<void> {
    await this.access.visible(user, streamId);
    let stop: () => void = () => undefined; // set below; the client cannot leave before this returns
    const sink = openEventStream(reply, () => {
      this.open.delete(sink);
      stop();
    });
    this.open.add(sink);
    stop = this.stream(streamId, sink);
    if (reply.raw.destroyed) {
      this.open.delete(sink);
      stop();
    }
  }

  /** Server shutdown: end every event stream (each client's close handler stops its timers). */
  onModuleDestroy(): void {
    for (const sink of [...this.open]) sink.end();
  }

  /** Event streams currently open over HTTP. */
  get openStreams(): number {
    return this.open.size;
  }

  stream(streamId: string, sink: EventSink): () => void {
    let closed = false;
    let sending = false;
    let lastStatusAt = 0;
    const write = (chunk: string) => {
      if (!closed) sink.write(chunk);
    };
    const sendStatus = () => {
      if (sending) return; // a slow database read is not stacked up behind another
      sending = true;
      lastStatusAt = Date.now();
      this.status.current(streamId).then(
        (status) => write(sseEvent('status', status)),
        (error: Error) => this.log.warn({ err: error, streamId }, 'status for the events stream failed'),
      ).finally(() => (sending = false));
    };

    const unsubscribe = this.hub.subscribe(streamId, {
      state: (change) => write(sseEvent('state', stateEventFromChange(change, this.clock.now()))),
      ingest: (event) => {
        write(sseEvent('ingest', ingestEventFromEngine(event, this.clock.now())));
        sendStatus();
      },
      released: () => sendStatus(),
    });
    const statusTimer = setInterval(() => {
      const live = this.ingest.stats(streamId) !== undefined;
      if (live || Date.now() - lastStatusAt >= this.timing.idleStatusMs - this.timing.liveStatusMs / 2) sendStatus();
    }, this.timing.liveStatusMs);
    const pingTimer = setInterval(() => write(sseComment('ping')), this.timing.pingMs);

    write(sseRetry(SSE_RETRY_MS));
    sendStatus();
    return () => {
      if (closed) return;
      closed = true;
      clearInterval(statusTimer);
      clearInterval(pingTimer);
      unsubscribe();
    };
  }
}

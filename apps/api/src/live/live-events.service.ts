import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.types';
import { Credentials } from '../auth/credentials';
import { Clock } from '../common/clock';
import { LOGGER, type Logger } from '../logging/logger';
import { LiveControl } from '../ingest/live-control';
import { LiveEventHub } from './live-event-hub';
import { LiveStatusService } from './live-status.service';
import { openEventStream, sseComment, sseEvent, sseRetry, type SseReply, SSE_RETRY_MS } from './sse';
import { type FailureDetail, failureDetailFor, ingestEventFromEngine, inputEventFromEngine, stateEventFromChange } from './status-mapper';
import { StreamAccess } from '../streams/stream-access';

/** Periods of the events stream; a provider so tests can shorten them. */
export interface LiveEventsTiming {
  /** `status` every this often while something is publishing (default 1 s)... */
  liveStatusMs: number;
  /** ...and this often while the stream is idle (default 5 s). */
  idleStatusMs: number;
  /** A `: ping` comment this often (default 15 s). */
  pingMs: number;
  /** The credential and the stream access are checked again this often (default 2 s). */
  recheckMs: number;
}
export const LIVE_EVENTS_TIMING = Symbol('LIVE_EVENTS_TIMING');
export const DEFAULT_LIVE_EVENTS_TIMING: LiveEventsTiming = { liveStatusMs: 1_000, idleStatusMs: 5_000, pingMs: 15_000, recheckMs: 2_000 };

/** Where the events go: the HTTP response, or a test's array. */
export interface EventSink {
  write(chunk: string): void;
  /** End the stream from the server's side (the viewer lost access). */
  end?(): void;
}

/** Who watches: how much failure detail they see, and how to ask again whether they still may. */
export interface Viewer {
  detail: FailureDetail;
  /** The viewer's detail as of now, or null once their credential or access is gone. */
  recheck?(): Promise<FailureDetail | null>;
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
    private readonly credentials: Credentials,
    private readonly status: LiveStatusService,
    private readonly hub: LiveEventHub,
    private readonly live: LiveControl,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(LIVE_EVENTS_TIMING) timing?: Partial<LiveEventsTiming>,
  ) {
    this.log = logger.child({ component: 'live-events' });
    this.timing = { ...DEFAULT_LIVE_EVENTS_TIMING, ...timing };
  }

  /**
   * Checks access first (a foreign or unknown stream is a plain JSON 404 through the
   * exception filter), then takes the response over and streams until the client leaves, or
   * until a re-check (every `recheckMs`) finds the session signed out or revoked, the token
   * revoked or expired, the user deleted, or the stream no longer theirs to see (a demotion):
   * then the server ends the stream, and the browser's reconnect meets a 401 or 404.
   */
  async serve(auth: AuthContext, streamId: string, reply: SseReply): Promise<void> {
    await this.access.visible(auth.user, streamId);
    const viewer: Viewer = {
      detail: failureDetailFor(auth.user),
      recheck: async () => {
        const user = await this.credentials.current(auth);
        if (!user) return null;
        await this.access.visible(user, streamId);
        return failureDetailFor(user);
      },
    };
    let stop: () => void = () => undefined; // set below; the client cannot leave before this returns
    const sink = openEventStream(reply, () => {
      this.open.delete(sink);
      stop();
    });
    this.open.add(sink);
    stop = this.stream(streamId, sink, viewer);
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

  stream(streamId: string, sink: EventSink, viewer: Viewer = { detail: 'full' }): () => void {
    let closed = false;
    let sending = false;
    let checking = false;
    let lastStatusAt = 0;
    let detail = viewer.detail;
    const write = (chunk: string) => {
      if (!closed) sink.write(chunk);
    };
    const sendStatus = () => {
      if (sending) return; // a slow database read is not stacked up behind another
      sending = true;
      lastStatusAt = Date.now();
      this.status.current(streamId, detail).then(
        (status) => write(sseEvent('status', status)),
        (error: Error) => this.log.warn({ err: error, streamId }, 'status for the events stream failed'),
      ).finally(() => (sending = false));
    };

    const unsubscribe = this.hub.subscribe(streamId, {
      state: (change) => write(sseEvent('state', stateEventFromChange(change, this.clock.now(), detail))),
      ingest: (event) => {
        write(sseEvent('ingest', ingestEventFromEngine(event, this.clock.now())));
        sendStatus();
      },
      input: (event) => {
        write(sseEvent('input', inputEventFromEngine(event)));
        sendStatus();
      },
      released: () => sendStatus(),
    });
    const statusTimer = setInterval(() => {
      const live = this.live.stats(streamId) !== undefined;
      if (live || Date.now() - lastStatusAt >= this.timing.idleStatusMs - this.timing.liveStatusMs / 2) sendStatus();
    }, this.timing.liveStatusMs);
    const pingTimer = setInterval(() => write(sseComment('ping')), this.timing.pingMs);
    const recheck = viewer.recheck;
    const recheckTimer =
      recheck === undefined
        ? undefined
        : setInterval(() => {
            if (checking || closed) return;
            checking = true;
            recheck()
              .catch(() => null) // fail closed: a viewer we cannot vouch for loses the stream
              .then((next) => {
                if (closed) return;
                if (next !== null) detail = next;
                else {
                  this.log.info({ streamId }, 'events stream ended: the viewer lost access');
                  stop();
                  sink.end?.();
                }
              })
              .finally(() => (checking = false));
          }, this.timing.recheckMs);

    write(sseRetry(SSE_RETRY_MS));
    sendStatus();
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(statusTimer);
      clearInterval(pingTimer);
      if (recheckTimer !== undefined) clearInterval(recheckTimer);
      unsubscribe();
    };
    return stop;
  }
}

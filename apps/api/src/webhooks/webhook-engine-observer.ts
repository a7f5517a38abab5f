import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { WebhookEventData, WebhookEventType } from '@fanout/contracts';
import type { DestinationStateEvent, IngestEvent, InputSwitchEvent } from '@fanout/restream';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { EngineEvents } from '../ingest/engine-events';
import { LOGGER, type Logger } from '../logging/logger';
import { WebhookOutbox } from './webhook-outbox';
import { type StreamNames, WebhooksRepository } from './webhooks.repository';

/** Events of one stream waiting to be written, at most; past it new ones are dropped (and logged). */
export const MAX_QUEUED_PER_STREAM = 1_000;

interface Outage {
  since: number;
  gaveUp: boolean;
}

interface Tracked {
  /** When the current broadcast started (ISO), if this node saw it start. */
  startedAt: string | undefined;
  inGrace: boolean;
  /** Destinations failing right now, since when. */
  outages: Map<string, Outage>;
  queued: number;
  /** Names as they were at the start of the broadcast, refreshed when an unknown destination shows up. */
  names: StreamNames | undefined;
}

type Pending = { type: WebhookEventType; at: Date; data: Omit<WebhookEventData, 'stream'>; destinationId?: string };

/**
 * Turns what the engine says (the EngineEvents bus) into webhook events in the outbox: stream
 * live, publisher lost and returned, input switched, stream ended; destination live, failed and
 * recovered. The
 * bus handlers only note the event (id, time, facts) and queue its write, so the engine never
 * waits for the database, let alone for a receiver; the writes of one stream run in order.
 * Names come from the database (as they are when the broadcast starts), never a key or a URL.
 * On shutdown every queued write is flushed before the database closes.
 */
@Injectable()
export class WebhookEngineObserver implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly tracked = new Map<string, Tracked>();
  /**
   * The last queued write of each stream: writes of one stream run one after the other, so its
   * events reach the outbox in the order they happened, across engines too (a new broadcast's
   * `stream.live` never overtakes the last one's `stream.ended`).
   */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private off: (() => void) | undefined;

  constructor(
    private readonly events: EngineEvents,
    private readonly outbox: WebhookOutbox,
    private readonly repository: WebhooksRepository,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'INGEST_GRACE_S'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'webhooks' });
  }

  onModuleInit(): void {
    this.off = this.events.subscribe({
      started: ({ streamId }) => {
        this.track(streamId);
      },
      released: ({ streamId }) => this.tracked.delete(streamId),
      ingest: ({ streamId, event }) => this.onIngest(streamId, event),
      destinationState: ({ streamId, change }) => this.onDestination(streamId, change),
      input: ({ streamId, event }) => this.onInput(streamId, event),
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.off?.();
    this.off = undefined;
    await this.idle();
    this.tracked.clear();
  }

  /** Resolves when every event heard so far is in the outbox (or failed to be written). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(streamId: string): Tracked {
    let tracked = this.tracked.get(streamId);
    if (!tracked) {
      tracked = { startedAt: undefined, inGrace: false, outages: new Map(), queued: 0, names: undefined };
      this.tracked.set(streamId, tracked);
    }
    return tracked;
  }

  private onIngest(streamId: string, event: IngestEvent): void {
    const tracked = this.track(streamId);
    const at = this.clock.now();
    if (event.state === 'live' && event.reason === undefined) {
      tracked.startedAt = at.toISOString();
      tracked.inGrace = false;
      tracked.outages.clear();
      tracked.names = undefined; // read afresh for each broadcast
      this.queue(streamId, tracked, { type: 'stream.live', at, data: { startedAt: tracked.startedAt } });
    } else if (event.state === 'live') {
      // Back within the grace window ('reconnected'); a takeover of a live publisher is no event.
      if (!tracked.inGrace) return;
      tracked.inGrace = false;
      this.queue(streamId, tracked, { type: 'stream.publisher_returned', at, data: {} });
    } else if (event.state === 'grace') {
      tracked.inGrace = true;
      // The stream's own grace window (graceSeconds) when it has one: the engine says when it ends.
      const graceS = event.graceEndsAt === undefined ? this.config.INGEST_GRACE_S : Math.max(0, Math.round((Date.parse(event.graceEndsAt) - at.getTime()) / 1000));
      this.queue(streamId, tracked, { type: 'stream.publisher_lost', at, data: { reason: event.reason ?? 'publisher lost', graceS } });
    } else {
      const endedAt = event.endedAt ?? at.toISOString();
      const startedAt = tracked.startedAt ?? null;
      const durationS = startedAt === null ? null : Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 100) / 10);
      tracked.startedAt = undefined;
      tracked.inGrace = false;
      tracked.outages.clear();
      this.queue(streamId, tracked, { type: 'stream.ended', at, data: { reason: event.reason ?? 'ended', startedAt, endedAt, durationS } });
    }
  }

  private onDestination(streamId: string, change: DestinationStateEvent): void {
    const tracked = this.track(streamId);
    const at = this.clock.now();
    const id = change.destinationId;
    const outage = tracked.outages.get(id);
    if (change.to === 'live') {
      if (outage) {
        tracked.outages.delete(id);
        this.queue(streamId, tracked, { type: 'destination.recovered', at, destinationId: id, data: { downS: Math.max(0, Math.round((at.getTime() - outage.since) / 100) / 10) } });
      } else {
        this.queue(streamId, tracked, { type: 'destination.live', at, destinationId: id, data: {} });
      }
    } else if (change.to === 'reconnecting' || change.to === 'failed') {
      const retrying = change.to === 'reconnecting';
      // Once per outage, and once more when it gives up; not for every retry of a flapping one.
      if (outage && (retrying || outage.gaveUp)) return;
      if (outage) outage.gaveUp = true;
      else tracked.outages.set(id, { since: at.getTime(), gaveUp: !retrying });
      this.queue(streamId, tracked, {
        type: 'destination.failed',
        at,
        destinationId: id,
        data: { reason: change.reason ?? 'closed-by-peer', retrying, nextRetryAt: retrying ? (change.nextRetryAt ?? null) : null },
      });
    } else if (change.to === 'idle' || change.to === 'disabled') {
      tracked.outages.delete(id); // the broadcast ended, or it was switched off: no recovery to wait for
    }
  }

  /**
   * One input (or the slate) replacing another on air (failover to the backup or the slate,
   * failback, by hand), with the gaps the engine measured. A switch from or to nothing is the
   * broadcast starting, the publisher lost or back with no slate, or the end: stream.live,
   * publisher_lost, publisher_returned and stream.ended say those already.
   */
  private onInput(streamId: string, event: InputSwitchEvent): void {
    if (event.previous === 'none' || event.onAir === 'none') return;
    const tracked = this.track(streamId);
    const round = (ms: number | null) => (ms === null ? null : Math.round(ms));
    this.queue(streamId, tracked, {
      type: 'stream.input_switched',
      at: new Date(event.at),
      data: { onAir: event.onAir, previous: event.previous, reason: event.reason, gapMs: round(event.gapMs), wallGapMs: round(event.wallGapMs) },
    });
  }

  private queue(streamId: string, tracked: Tracked, event: Pending): void {
    if (tracked.queued >= MAX_QUEUED_PER_STREAM) {
      this.log.warn({ streamId, type: event.type }, 'webhook event dropped: too many waiting to be written');
      return;
    }
    tracked.queued += 1;
    const write = async () => {
      try {
        const names = await this.namesFor(streamId, tracked, event.destinationId);
        const data: WebhookEventData = { stream: { id: streamId, name: names?.streamName ?? null }, ...(event.destinationId === undefined ? {} : { destination: destinationRef(event.destinationId, names) }), ...event.data };
        await this.outbox.enqueue({ type: event.type, streamId, timestamp: event.at, data });
      } finally {
        tracked.queued -= 1;
      }
    };
    const chain = (this.tails.get(streamId) ?? Promise.resolve()).then(write).catch((error: Error) => this.log.error({ err: error, streamId, type: event.type }, 'could not put a webhook event in the outbox'));
    this.tails.set(streamId, chain);
    this.pending.add(chain);
    void chain.finally(() => {
      this.pending.delete(chain);
      if (this.tails.get(streamId) === chain) this.tails.delete(streamId);
    });
  }

  private async namesFor(streamId: string, tracked: Tracked, destinationId: string | undefined): Promise<StreamNames | undefined> {
    if (tracked.names === undefined || (destinationId !== undefined && !tracked.names.destinations.has(destinationId))) {
      const fresh = await this.repository.namesForStream(streamId);
      // A stream deleted meanwhile keeps the names it had.
      if (fresh) tracked.names = tracked.names ? { streamName: fresh.streamName, destinations: new Map([...tracked.names.destinations, ...fresh.destinations]) } : fresh;
    }
    return tracked.names;
  }
}

function destinationRef(id: string, names: StreamNames | undefined): { id: string; name: string | null; platform: string | null } {
  const known = names?.destinations.get(id);
  return { id, name: known?.name ?? null, platform: known?.platform ?? null };
}

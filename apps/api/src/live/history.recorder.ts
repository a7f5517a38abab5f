import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { boundedFailureText, type DestinationStateEvent, type IngestEvent, type IngestFacts, type InputSwitchEvent, type StreamStats } from '@fanout/restream';
import { inputEventFromEngine } from './status-mapper';
import { Clock } from '../common/clock';
import { isPrismaError } from '../common/prisma-errors';
import { EngineEvents } from '../ingest/engine-events';
import { LOGGER, type Logger } from '../logging/logger';
import { HistoryRepository, type SessionFacts } from './history.repository';

/** Running averages of one session, from the engine's per-second stats while the publisher is live. */
export class SessionAverages {
  private bitrateSum = 0;
  private fpsSum = 0;
  private ticks = 0;
  private peak = 0;

  add(bitrateKbps: number, fps: number): void {
    this.bitrateSum += bitrateKbps;
    this.fpsSum += fps;
    this.peak = Math.max(this.peak, bitrateKbps);
    this.ticks += 1;
  }

  summary(): { avgBitrateKbps: number | null; peakBitrateKbps: number | null; fps: number | null } {
    if (this.ticks === 0) return { avgBitrateKbps: null, peakBitrateKbps: null, fps: null };
    return { avgBitrateKbps: Math.round(this.bitrateSum / this.ticks), peakBitrateKbps: Math.round(this.peak), fps: Math.round((this.fpsSum / this.ticks) * 10) / 10 };
  }
}

export function sessionFacts(facts: IngestFacts): SessionFacts {
  return { videoCodec: facts.video?.codec ?? null, audioCodec: facts.audio?.codec ?? null, width: facts.video?.width ?? null, height: facts.video?.height ?? null };
}

const EMPTY_FACTS: IngestFacts = { video: null, audio: null, audioPresent: false, encoder: null };

const sameFacts = (a: SessionFacts, b: SessionFacts) => a.videoCodec === b.videoCodec && a.audioCodec === b.audioCodec && a.width === b.width && a.height === b.height;

interface Tracked {
  /** Id of the open session (resolved once its row exists), undefined between sessions. */
  session: Promise<string | undefined> | undefined;
  averages: SessionAverages;
  facts: SessionFacts;
  /** While the publisher is gone (grace window): when it left. */
  graceSince: Date | undefined;
  /** Time the publisher was gone and came back, this session. */
  graceMs: number;
  /** Writes of one stream run in order: a session row exists before it is updated or closed. */
  chain: Promise<void>;
}

/**
 * Records publish history: an IngestSession when a stream goes live (codecs and resolution
 * filled in as the engine learns them), closed with its end reason and averages when the
 * stream ends or its restreamer is released; and a DestinationEvent row per destination
 * state change. A publisher coming back within the grace window continues the same session.
 * Database failures are logged, never thrown into the engine.
 */
@Injectable()
export class HistoryRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly tracked = new Map<string, Tracked>();
  private off: (() => void) | undefined;
  /** Chains with writes still running, including those of streams already released. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly events: EngineEvents,
    private readonly history: HistoryRepository,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'history' });
  }

  async onModuleInit(): Promise<void> {
    this.off = this.events.subscribe({
      started: ({ streamId }) => this.onStarted(streamId),
      released: ({ streamId }) => this.onReleased(streamId),
      ingest: ({ streamId, event }) => this.onIngest(streamId, event),
      stats: ({ streamId, stats }) => this.onStats(streamId, stats),
      destinationState: ({ streamId, change }) => this.onState(streamId, change),
      input: ({ streamId, event }) => this.onInput(streamId, event),
    });
    const orphans = await this.history.closeOrphans().catch((error: Error) => {
      this.log.error({ err: error }, 'could not close sessions left open by a previous run');
      return 0;
    });
    if (orphans > 0) this.log.warn({ sessions: orphans }, 'closed sessions left open by a previous run');
  }

  /** Closes open sessions (`shutdown`) and waits for every pending write. */
  async onModuleDestroy(): Promise<void> {
    this.off?.();
    this.off = undefined;
    for (const [streamId, tracked] of this.tracked) this.closeSession(streamId, tracked, 'shutdown');
    await this.idle();
    this.tracked.clear();
  }

  /** Resolves when every write queued so far is done (tests wait on this). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Streams being tracked (leak checks). */
  get trackedStreams(): number {
    return this.tracked.size;
  }

  private onStarted(streamId: string): void {
    this.onReleased(streamId); // a previous engine's leftovers, should there be any
    this.tracked.set(streamId, { session: undefined, averages: new SessionAverages(), facts: sessionFacts(EMPTY_FACTS), graceSince: undefined, graceMs: 0, chain: Promise.resolve() });
  }

  private onReleased(streamId: string): void {
    const tracked = this.tracked.get(streamId);
    if (!tracked) return;
    this.closeSession(streamId, tracked, 'released');
    this.tracked.delete(streamId);
  }

  private onIngest(streamId: string, event: IngestEvent): void {
    const tracked = this.tracked.get(streamId);
    if (!tracked) return;
    if (event.state === 'live' && event.reason === undefined) {
      // A fresh start (a reconnect within the grace window carries a reason and continues).
      this.closeSession(streamId, tracked, 'replaced');
      tracked.averages = new SessionAverages();
      tracked.graceSince = undefined;
      tracked.graceMs = 0;
      tracked.facts = sessionFacts(event.facts);
      const facts = tracked.facts;
      const startedAt = this.clock.now();
      tracked.session = this.enqueueValue(streamId, tracked, () => this.history.createSession(streamId, startedAt, facts));
    } else if (event.state === 'grace') {
      tracked.graceSince ??= this.clock.now();
    } else if (event.state === 'live' && tracked.graceSince !== undefined) {
      // Back within the grace window: the time away is not on air.
      tracked.graceMs += Math.max(0, this.clock.now().getTime() - tracked.graceSince.getTime());
      tracked.graceSince = undefined;
      const session = tracked.session;
      const graceMs = tracked.graceMs;
      if (session !== undefined) {
        this.enqueue(streamId, tracked, async () => {
          const id = await session;
          if (id) await this.history.updateGrace(id, graceMs);
        });
      }
    } else if (event.state === 'ended') {
      // The session ends when its publisher left, not when the grace window ran out.
      this.closeSession(streamId, tracked, event.reason ?? 'ended', event.endedAt === undefined ? undefined : new Date(event.endedAt));
    }
    if (event.state !== 'ended') this.updateFacts(streamId, tracked, sessionFacts(event.facts));
  }

  private onStats(streamId: string, stats: StreamStats): void {
    const tracked = this.tracked.get(streamId);
    if (!tracked || tracked.session === undefined) return;
    if (stats.ingest.state === 'live') tracked.averages.add(stats.ingest.bitrateKbps, stats.ingest.fps);
    if (stats.ingest.state !== 'idle') this.updateFacts(streamId, tracked, sessionFacts(stats.ingest));
  }

  private onState(streamId: string, change: DestinationStateEvent): void {
    const tracked = this.tracked.get(streamId);
    if (!tracked) return;
    const at = this.clock.now();
    this.enqueue(streamId, tracked, async () => {
      try {
        await this.history.addDestinationEvent({ streamId, destinationId: change.destinationId, at, fromState: change.from, toState: change.to, reason: change.reason ?? null, message: change.message === undefined ? null : boundedFailureText(change.message) });
      } catch (error) {
        // The destination (or stream) was deleted meanwhile: its history went with it.
        if (!isPrismaError(error, 'P2003')) throw error;
      }
    });
  }

  private onInput(streamId: string, event: InputSwitchEvent): void {
    const tracked = this.tracked.get(streamId);
    if (!tracked) return;
    const row = inputEventFromEngine(event);
    this.enqueue(streamId, tracked, async () => {
      try {
        await this.history.addInputSwitch(streamId, row);
      } catch (error) {
        if (!isPrismaError(error, 'P2003')) throw error; // the stream was deleted meanwhile
      }
    });
  }

  private updateFacts(streamId: string, tracked: Tracked, facts: SessionFacts): void {
    if (tracked.session === undefined || sameFacts(facts, tracked.facts)) return;
    tracked.facts = facts;
    const session = tracked.session;
    this.enqueue(streamId, tracked, async () => {
      const id = await session;
      if (id) await this.history.updateFacts(id, facts);
    });
  }

  private closeSession(streamId: string, tracked: Tracked, reason: string, endedAt: Date = this.clock.now()): void {
    const session = tracked.session;
    if (session === undefined) return;
    tracked.session = undefined;
    // The session ends when its publisher left; a grace window it did not come back from is after that.
    const summary = { endedAt, endReason: reason, graceMs: Math.round(tracked.graceMs), ...tracked.averages.summary() };
    tracked.graceSince = undefined;
    this.enqueue(streamId, tracked, async () => {
      const id = await session;
      if (id) await this.history.closeSession(id, summary);
    });
  }

  private enqueue(streamId: string, tracked: Tracked, write: () => Promise<void>): void {
    const chain = tracked.chain.then(write).catch((error: Error) => this.log.error({ err: error, streamId }, 'could not record stream history'));
    tracked.chain = chain;
    this.pending.add(chain);
    void chain.finally(() => this.pending.delete(chain));
  }

  private enqueueValue<T>(streamId: string, tracked: Tracked, write: () => Promise<T>): Promise<T | undefined> {
    let result: Promise<T | undefined> = Promise.resolve(undefined);
    this.enqueue(streamId, tracked, async () => {
      const value = write();
      result = value;
      await value;
    });
    // Resolves after the queued write ran: the value, or undefined when it failed.
    return tracked.chain.then(() => result.catch(() => undefined));
  }
}

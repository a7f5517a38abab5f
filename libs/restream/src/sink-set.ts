import type { IngestStats } from './ingest';
import type { EngineItem, ItemEncoder, SerialisationKey } from './item';
import type { EngineLogger } from './logger';
import type { DestinationSpec, RtmpDestination } from './outputs/rtmp-destination';
import type { Sink, SinkStats } from './sink';

/** How the sink set makes an RTMP destination for a spec (the engine binds its context). */
export type DestinationFactory = (spec: DestinationSpec) => RtmpDestination;

/**
 * The outputs of one stream: RTMP destinations (from specs, diffed so a change touches only the
 * destination that changed) and any other sinks (recording, preview, …) attached by id.
 *
 * - `push` hands each item to every sink, in the order they were added; each sink queues or
 *   drops on its own, so none waits for another.
 * - Frames are serialised on arrival for the serialisation key most live RTMP destinations have.
 * - One stall-check timer serves every sink that has stall checks, running while any is watched.
 */
export class SinkSet {
  private readonly sinks = new Map<string, Sink>();
  private readonly removing = new Set<Promise<void>>();
  private stallTimer: NodeJS.Timeout | undefined;
  private live = false;
  private closed = false;

  constructor(
    private readonly deps: {
      readonly encoder: ItemEncoder;
      readonly stallTimeoutMs: number;
      readonly logger: EngineLogger;
      readonly makeDestination: DestinationFactory;
    },
  ) {}

  /** RTMP destinations, in the order they were configured. */
  get destinations(): RtmpDestination[] {
    return [...this.sinks.values()].filter((s): s is RtmpDestination => s.kind === 'rtmp');
  }

  /** Every sink that is not an RTMP destination. */
  get others(): Sink[] {
    return [...this.sinks.values()].filter((s) => s.kind !== 'rtmp');
  }

  get(id: string): Sink | undefined {
    return this.sinks.get(id);
  }

  /** Applies a destination list: only added, changed, removed, enabled or disabled ones are touched. */
  setDestinations(specs: readonly DestinationSpec[]): void {
    if (this.closed) return;
    const wanted = new Map(specs.map((spec) => [spec.id, spec]));
    for (const destination of this.destinations) if (!wanted.has(destination.id)) void this.remove(destination.id);
    for (const spec of wanted.values()) {
      const existing = this.sinks.get(spec.id);
      if (existing !== undefined && existing.kind === 'rtmp') {
        (existing as RtmpDestination).update({ ...spec }, this.live);
        continue;
      }
      if (existing !== undefined) {
        this.deps.logger.warn({ id: spec.id, kind: existing.kind }, 'a destination id is taken by another sink: ignored');
        continue;
      }
      this.add(this.deps.makeDestination({ ...spec }));
    }
  }

  /** Attaches a sink; it starts at once when the ingest is live. */
  add(sink: Sink): void {
    if (this.closed) {
      void sink.close();
      return;
    }
    this.sinks.set(sink.id, sink);
    this.updatePayloads();
    if (this.live) sink.ingestStarted();
  }

  /** Detaches and closes a sink; resolves once it is closed. */
  remove(id: string): Promise<void> {
    const sink = this.sinks.get(id);
    if (sink === undefined) return Promise.resolve();
    this.sinks.delete(id);
    this.updatePayloads();
    const closing = sink.close().finally(() => this.removing.delete(closing));
    this.removing.add(closing);
    return closing;
  }

  push(item: EngineItem): void {
    for (const sink of this.sinks.values()) sink.push(item);
  }

  ingestStarted(): void {
    this.live = true;
    for (const sink of this.sinks.values()) sink.ingestStarted();
  }

  ingestEnded(): void {
    this.live = false;
    for (const sink of this.sinks.values()) sink.ingestEnded();
  }

  /** Every sink is live or switched off (the start log can go). */
  allLive(): boolean {
    for (const sink of this.sinks.values()) if (sink.status !== 'live' && sink.status !== 'disabled') return false;
    return true;
  }

  /** Something is connected, connecting or retrying. */
  active(): boolean {
    for (const sink of this.sinks.values()) if (sink.status !== 'idle' && sink.status !== 'disabled') return true;
    return false;
  }

  stats(ingest: IngestStats): SinkStats[] {
    return [...this.sinks.values()].map((sink) => sink.stats(ingest));
  }

  /** Frames are serialised on arrival for the key most live destinations have (normally all of them). */
  pickSerialisationKey(): void {
    const votes = new Map<string, { key: SerialisationKey; n: number }>();
    for (const sink of this.sinks.values()) {
      const key = sink.serialisationKey;
      if (key === undefined) continue;
      const id = `${key.chunkSize}:${key.streamId}`;
      const entry = votes.get(id) ?? { key, n: 0 };
      entry.n += 1;
      votes.set(id, entry);
    }
    let best: { key: SerialisationKey; n: number } | undefined;
    for (const entry of votes.values()) if (best === undefined || entry.n > best.n) best = entry;
    if (best !== undefined) this.deps.encoder.expected = best.key;
  }

  /** One stall-detection timer for every sink with stall checks, running while any of them is watched. */
  watchStalls(): void {
    if (this.stallTimer !== undefined || this.closed) return;
    const timeoutMs = this.deps.stallTimeoutMs;
    const every = Math.max(50, Math.min(500, Math.floor(timeoutMs / 4)));
    this.stallTimer = setInterval(() => {
      let watching = false;
      for (const sink of this.sinks.values()) if (sink.checkStall?.() === true) watching = true;
      if (!watching && this.stallTimer !== undefined) {
        clearInterval(this.stallTimer);
        this.stallTimer = undefined;
      }
    }, every);
    this.stallTimer.unref();
  }

  /** Resolves once every sink has finished closing what it closed. */
  async settled(): Promise<void> {
    await Promise.all([...this.sinks.values()].map((s) => s.settled()));
  }

  /** Closes every sink (RTMP destinations unpublish cleanly). */
  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    if (this.stallTimer !== undefined) clearInterval(this.stallTimer);
    this.stallTimer = undefined;
    await Promise.all([...[...this.sinks.values()].map((s) => s.close()), ...this.removing]);
  }

  private updatePayloads(): void {
    let wants = false;
    for (const sink of this.sinks.values()) if (sink.wantsPayloads === true) wants = true;
    this.deps.encoder.keepPayloads = wants;
  }
}

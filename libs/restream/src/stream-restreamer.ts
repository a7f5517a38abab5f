import { EventEmitter } from 'node:events';
import { type Clock, monotonicClock } from './clock';
import { GopCache } from './gop-cache';
import { type IngestFacts, type IngestState, type IngestStats, IngestTracker } from './ingest';
import { type HeadersSignal, IngestPath } from './ingest-path';
import { type InputRole, type InputStats, InputSwitch, type InputSwitchEvent, type OnAir } from './input-switch';
import { type EngineItem, ItemEncoder } from './item';
import { type EngineLogger, RateLimitedWarner, noopLogger } from './logger';
import { type EngineEnvironment, type EngineOptions, type EngineOptionsInput, resolveEngineOptions } from './options';
import { type DestinationSpec, type DestinationStats, type PublishFunction, RtmpDestination, defaultPublish } from './outputs/rtmp-destination';
import type { Sink, SinkContext, SinkStats, StateChange } from './sink';
import { SinkSet } from './sink-set';
import type { SlateClip } from './slate/clip';
import { type SlateParams, describeSlateParams, slateKey } from './slate/params';
import type { SlateProvider } from './slate/render';
import { SlateSource } from './slate/slate-source';
import type { IngestSource, SourceEnd } from './sources/ingest-source';
import { StartLog } from './start-log';
import { OutputTimeline } from './timeline';

export interface StreamStats {
  streamId: string;
  at: string;
  /** What goes out as the ingest: the on-air input's facts and meters (the slate's while it is on air). */
  ingest: IngestStats;
  /** RTMP destinations, in the order they were configured. */
  destinations: DestinationStats[];
  /** Every other sink (recording, preview, …). */
  sinks: SinkStats[];
  // The inputs. Always set by a StreamRestreamer; optional in the type so that StreamStats values
  // made elsewhere (hosts' fixtures, a node on an older version) stay valid. See RestreamerStats.
  /** What the destinations are getting: an encoder, the slate, or nothing. */
  onAir?: OnAir;
  /** The input pinned as preferred ("stay on backup"), or null (the primary). */
  pinned?: InputRole | null;
  /** Each encoder input with its own state, facts and meters. */
  inputs?: Record<InputRole, InputStats>;
  /** Whether a slate matching what the destinations last got is rendered and ready. */
  slateReady?: boolean;
}

/** {@link StreamStats} as a restreamer reports them: with every input field. */
export type RestreamerStats = StreamStats & Required<Pick<StreamStats, 'onAir' | 'pinned' | 'inputs' | 'slateReady'>>;

export interface StreamRestreamerOptions extends EngineOptionsInput, EngineEnvironment {
  streamId: string;
  destinations: DestinationSpec[];
  /** How destinations connect (default `@fanout/rtmp`'s publishTarget); tests wrap it. */
  publish?: PublishFunction;
  /**
   * Slates for outages (e.g. `new FfmpegSlateProvider({ cacheDir, image })`): rendered when a
   * publish's parameters are known, on air while no encoder is. Without one, outages keep
   * destinations waiting with nothing sent.
   */
  slate?: SlateProvider;
}

export interface IngestEvent {
  state: 'live' | 'grace' | 'ended';
  /**
   * Why the publisher left (grace) or the broadcast ended: {@link PUBLISHER_STOPPED} (a clean
   * unpublish), {@link PUBLISHER_LOST} (the connection dropped), or the host's reason (a rotated
   * key, a deleted stream, a shutdown). A broadcast that ends after its grace window keeps the
   * reason its publisher left with.
   */
  reason?: string;
  facts: IngestFacts;
  /** 'ended' only: ISO wall time the broadcast ended, which is when its publisher left, not when the grace window ran out. */
  endedAt?: string;
  /** 'grace' only: ISO wall time the destinations are released unless the publisher returns. */
  graceEndsAt?: string;
}

/** The publisher unpublished (FCUnpublish / deleteStream): the streamer stopped. */
export const PUBLISHER_STOPPED = 'publisher stopped';
/** The publisher's connection closed without an unpublish: a network drop or a crashed encoder. */
export const PUBLISHER_LOST = 'publisher lost';

export type DestinationStateEvent = StateChange;

export interface StreamRestreamerEvents {
  stats: [stats: StreamStats];
  /** An RTMP destination changed state. */
  destinationState: [change: DestinationStateEvent];
  /** Another sink (recording, preview, …) changed state; `destinationId` is the sink's id. */
  sinkState: [change: StateChange & { kind: string }];
  ingest: [event: IngestEvent];
  /** What is on air changed (primary, backup, slate, none), and why. */
  input: [event: InputSwitchEvent];
  ended: [];
}

const FOURCC_FOR_CODEC: Readonly<Record<string, string>> = { hevc: 'hvc1', av1: 'av01', vp9: 'vp09', vvc: 'vvc1' };

/**
 * The media engine of one stream, as a lifecycle: an ingest source goes live, may leave and come
 * back within the grace window (or be taken over), and the broadcast ends. The pieces it drives:
 *
 * - {@link PublisherBinding}: the one source on air (an RTMP publish today, see `rtmpIngestSource`);
 * - {@link IngestPath}: each message classified, placed on the {@link OutputTimeline}, made into
 *   one shared item (copied once, serialised once) and handed to every sink;
 * - {@link SinkSet}: RTMP destinations (each with its own bounded queue, backoff and stall
 *   detection; one slow destination never waits the ingest or another) and any other sinks;
 * - {@link GopCache} and {@link StartLog}: what a joining or starting sink gets first.
 *
 * Nothing here throws into the source's callbacks: a failure in the engine is logged.
 */
export class StreamRestreamer extends EventEmitter<StreamRestreamerEvents> {
  readonly streamId: string;
  private readonly options: EngineOptions;
  private readonly clock: Clock;
  private readonly wallClock: () => number;
  private readonly logger: EngineLogger;
  private readonly encoder = new ItemEncoder();
  private readonly gop: GopCache<EngineItem>;
  /** The broadcast from its first message, for destinations that were waiting for it to start. */
  private readonly startLog: StartLog<EngineItem>;
  private readonly tracker: IngestTracker;
  private readonly timeline: OutputTimeline;
  private readonly sinks: SinkSet;
  private readonly inputs: InputSwitch;
  private readonly path: IngestPath;
  private slateProvider: SlateProvider | undefined;
  /** Bumped by setSlate: a render asked of a replaced provider is not kept. */
  private slateGeneration = 0;
  /** Rendered slates by parameter key (a few: a primary and a backup may differ), and those being rendered. */
  private readonly slates = new Map<string, SlateClip>();
  private readonly rendering = new Set<string>();
  /** What every sink gets from the engine. */
  readonly sinkContext: SinkContext;

  private ingestState: IngestState = 'idle';
  /** Sinks were told the ingest started (headers arrived, or the connect delay passed). */
  private started = false;
  private startedAtWall: number | null = null;
  private startedAtMono = 0;
  private gateTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private ending: Promise<void> | undefined;
  /** Wall time the publisher left, while in the grace window. */
  private publisherLeftAt: number | undefined;

  constructor(options: StreamRestreamerOptions) {
    super();
    this.streamId = options.streamId;
    this.options = resolveEngineOptions(options);
    this.clock = options.clock ?? monotonicClock;
    this.wallClock = options.wallClock ?? Date.now;
    this.logger = options.logger ?? noopLogger;
    this.tracker = new IngestTracker(this.clock);
    this.timeline = new OutputTimeline(() => {
      const declared = this.tracker.measures().declaredFps;
      return declared === null ? undefined : 1_000 / declared;
    });
    this.gop = new GopCache<EngineItem>({ ...this.options.gopCache, isSameHeader: (a, b) => a.payload !== undefined && b.payload !== undefined && a.payload.equals(b.payload) });
    this.startLog = new StartLog(this.options.queue);
    const warner = new RateLimitedWarner(this.logger, 10_000, this.clock);
    this.sinkContext = {
      streamId: this.streamId,
      clock: this.clock,
      wallClock: this.wallClock,
      logger: this.logger,
      warner,
      snapshot: () => this.startLog.snapshot() ?? this.gop.snapshot(),
      liveSnapshot: () => this.gop.snapshot(),
      stateChanged: (change) => {
        if (change.to === 'live' && this.startLog.isOpen && this.sinks.allLive()) this.startLog.close();
        const kind = this.sinks.get(change.destinationId)?.kind ?? 'rtmp';
        if (kind === 'rtmp') this.safeEmit('destinationState', change);
        else this.safeEmit('sinkState', { ...change, kind });
      },
      watchStalls: () => this.sinks.watchStalls(),
    };
    const o = this.options;
    const rtmp = {
      encoder: this.encoder,
      publish: options.publish ?? defaultPublish,
      queue: o.queue,
      backoff: o.backoff,
      stallTimeoutMs: o.stallTimeoutMs,
      connectTimeoutMs: o.connectTimeoutMs,
      maxSocketBytes: o.maxSocketBytes,
      rejectedKeyAttempts: o.rejectedKeyAttempts,
      connectionsChanged: () => this.sinks.pickSerialisationKey(),
      fourCcList: () => {
        const codec = this.tracker.videoCodec;
        const fourCc = codec === undefined ? undefined : FOURCC_FOR_CODEC[codec];
        return fourCc === undefined ? undefined : [fourCc];
      },
    };
    this.sinks = new SinkSet({
      encoder: this.encoder,
      stallTimeoutMs: o.stallTimeoutMs,
      logger: this.logger,
      makeDestination: (spec) => new RtmpDestination(spec, this.sinkContext, rtmp),
    });
    this.path = new IngestPath({
      timeline: this.timeline,
      tracker: this.tracker,
      encoder: this.encoder,
      gop: this.gop,
      startLog: this.startLog,
      sinks: this.sinks,
      headers: (signal) => this.openGate(signal),
    });
    this.slateProvider = options.slate;
    this.inputs = new InputSwitch({
      streamId: this.streamId,
      stallMs: o.inputStallMs,
      failbackStableMs: o.failbackStableMs,
      clock: this.clock,
      wallClock: this.wallClock,
      logger: this.logger,
      output: {
        begin: () => {
          // Another input continues this broadcast: same destinations, same timeline.
          this.timeline.resume();
          this.gop.clear();
          this.tracker.newSession();
        },
        video: (ts, payload) => this.path.video(ts, payload),
        audio: (ts, payload) => this.path.audio(ts, payload),
        metadata: (value, ts) => this.path.metadata(value, ts),
        data: (ts, payload) => this.path.data(ts, payload),
        lastTimestamp: (kind) => this.timeline.lastOf(kind),
      },
      slate: {
        ready: (params) => this.slateFor(params) !== undefined,
        make: (params) => {
          const clip = this.slateFor(params);
          return clip === undefined ? undefined : new SlateSource(clip, { clock: this.clock });
        },
      },
      allGone: (end, code) => this.publisherGone(endReason(end), code),
      paramsKnown: (role, params) => this.prepareSlate(role, params),
      switched: (event) => this.safeEmit('input', event),
    });
    this.setDestinations(options.destinations);
  }

  /** Serialisations done so far: grows with messages × distinct serialisation keys, not with destinations. */
  get serialisations(): number {
    return this.encoder.count;
  }

  get ingestFacts(): IngestFacts {
    return this.tracker.facts;
  }

  get stats(): RestreamerStats {
    const ingest = this.ingestStats();
    return {
      streamId: this.streamId,
      at: new Date(this.wallClock()).toISOString(),
      ingest,
      destinations: this.sinks.destinations.map((d) => d.stats(ingest)),
      sinks: this.sinks.others.map((s) => s.stats(ingest)),
      ...this.inputs.stats(),
      slateReady: this.slateFor(this.inputs.slateParams) !== undefined,
    };
  }

  /** What the destinations are getting now. */
  get onAir(): OnAir {
    return this.inputs.onAir;
  }

  /**
   * Call right after accepting a publish, with the key it published on: the stream's own key is
   * the `primary` input, its backup key the `backup` input. A second publish on the same input
   * (OBS reconnect, or a second encoder on the same key) takes over: the previous source is
   * closed, destinations stay connected, the timeline continues. Primary and backup may publish
   * at once: one is on air, the other is kept warm (see {@link InputSwitch}).
   */
  attachPublisher(source: IngestSource, role: InputRole = 'primary'): void {
    if (this.closed) {
      source.close('stream is shut down');
      return;
    }
    if (this.inputs.sourceOf(role) === source) return;
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    const replaces = this.inputs.sourceOf(role) !== undefined;

    if (this.ingestState === 'idle' || this.ending !== undefined) {
      this.freshStart();
      this.logger.info({ streamId: this.streamId, role }, 'ingest live');
      this.safeEmit('ingest', { state: 'live', facts: this.tracker.facts });
    } else if (this.ingestState === 'grace' || replaces) {
      // A publisher came back in the grace window, or took over: same destinations, same timeline.
      const reason = replaces ? 'takeover' : 'reconnected';
      this.ingestState = 'live';
      this.publisherLeftAt = undefined;
      this.logger.info({ streamId: this.streamId, role, reason }, 'ingest resumed');
      this.safeEmit('ingest', { state: 'live', reason, facts: this.tracker.facts });
    }
    this.inputs.attach(role, source)?.close('taken over by a new publisher');
    this.ensureStatsTimer();
  }

  /**
   * Closes an input's source (default the primary), e.g. because its stream key was rotated.
   * Destinations stay connected for the grace window (with the slate on air when there is one, or
   * the backup when it publishes), so an encoder that comes back (with the new key) within it
   * continues the same broadcast; otherwise the ingest ends as usual.
   */
  dropPublisher(reason: string, role: InputRole = 'primary'): void {
    this.inputs.drop(role, reason)?.close(reason);
  }

  /**
   * Puts an input (or the slate) on air by hand: an encoder at its next keyframe, the slate at
   * once. It stays until it fails. False when it cannot go on air (not publishing, no slate).
   */
  switchInput(target: InputRole | 'slate'): boolean {
    if (this.closed || this.ingestState === 'idle') return false;
    return this.inputs.switchTo(target);
  }

  /**
   * Replaces the slate (a new custom image, or `undefined`: no slate from now on). Slates are
   * rendered again for the inputs' known parameters; a slate already on air plays on until the
   * next switch.
   */
  setSlate(provider: SlateProvider | undefined): void {
    this.slateProvider = provider;
    this.slateGeneration += 1;
    this.slates.clear();
    this.rendering.clear();
    for (const role of ['primary', 'backup'] as const) {
      const params = this.inputs.paramsOf(role);
      if (params !== undefined) this.prepareSlate(role, params);
    }
  }

  /** Prefers an input ("stay on backup"); null: the primary again (the default). */
  pinInput(role: InputRole | null): void {
    if (this.closed) return;
    this.inputs.pin(role);
  }

  /**
   * Ends the ingest now, without a grace window (e.g. the stream was deleted): the publisher is
   * closed, destinations are unpublished cleanly, then 'ingest' ended and 'ended' are emitted.
   */
  endNow(reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.ingestState === 'idle') return this.ending ?? Promise.resolve();
    const endedAt = this.ingestState === 'grace' ? this.publisherLeftAt : undefined;
    for (const source of this.inputs.stop()) source.close(reason);
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    return this.endIngest(reason, endedAt);
  }

  /** Applies a new destination list: only added, changed, removed, enabled or disabled ones are touched. */
  setDestinations(specs: DestinationSpec[]): void {
    if (this.closed) return;
    this.sinks.setDestinations(specs);
    this.ensureStatsTimer();
  }

  /**
   * Attaches another kind of output (a recording, a preview viewer): `make` builds it with the
   * engine's {@link SinkContext}. It starts at once while the ingest is live.
   */
  attachSink<S extends Sink>(make: (context: SinkContext) => S): S {
    const sink = make(this.sinkContext);
    this.sinks.add(sink);
    this.ensureStatsTimer();
    return sink;
  }

  /** Detaches and closes a sink attached with {@link attachSink}. */
  detachSink(id: string): Promise<void> {
    return this.sinks.remove(id);
  }

  /** "Retry now" for a destination that failed (e.g. after a rejected key) or waits for its next attempt. */
  retryDestination(id: string): void {
    if (!this.started) return;
    const sink = this.sinks.get(id);
    if (sink instanceof RtmpDestination) sink.retryNow();
  }

  /** Unpublishes every destination cleanly (FCUnpublish/deleteStream), closes the ingest source, and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of [this.gateTimer, this.graceTimer]) if (timer !== undefined) clearTimeout(timer);
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    this.gateTimer = this.graceTimer = this.statsTimer = undefined;
    for (const source of this.inputs.stop()) source.close('stream is shut down');
    this.ingestState = 'idle';
    this.started = false;
    await Promise.all([this.sinks.close(), this.ending]);
    this.gop.clear();
    this.startLog.close();
  }

  private freshStart(): void {
    this.ending = undefined;
    this.ingestState = 'live';
    this.started = false;
    this.startedAtWall = this.wallClock();
    this.startedAtMono = this.clock();
    this.tracker.reset();
    this.gop.clear();
    this.startLog.open();
    this.timeline.reset();
    this.inputs.start();
    if (this.gateTimer !== undefined) clearTimeout(this.gateTimer);
    this.gateTimer = setTimeout(() => this.openGate('no headers yet'), this.options.connectDelayMs);
    this.gateTimer.unref();
  }

  /** Sinks start once we know what the ingest carries (destinations advertise Enhanced RTMP FourCCs). */
  private openGate(why: HeadersSignal | 'no headers yet'): void {
    if (this.started || this.ingestState === 'idle' || this.closed) return;
    this.started = true;
    if (this.gateTimer !== undefined) clearTimeout(this.gateTimer);
    this.gateTimer = undefined;
    this.logger.debug({ streamId: this.streamId, why, videoCodec: this.tracker.videoCodec ?? null }, 'starting destinations');
    this.sinks.ingestStarted();
  }

  /** Every input is gone: the grace window (the slate on air meanwhile, when there is one). */
  private publisherGone(reason: string, code: string | undefined): void {
    if (this.ingestState !== 'live') return;
    this.ingestState = 'grace';
    const leftAt = this.wallClock();
    this.publisherLeftAt = leftAt;
    this.logger.info({ streamId: this.streamId, reason, code: code ?? null, graceMs: this.options.graceMs }, 'publisher left: grace window');
    this.safeEmit('ingest', { state: 'grace', reason, facts: this.tracker.facts, graceEndsAt: new Date(leftAt + this.options.graceMs).toISOString() });
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      void this.endIngest(reason, leftAt);
    }, this.options.graceMs);
    this.graceTimer.unref();
  }

  /** `endedAtWall`: when the broadcast really ended (the publisher left), default now. */
  private endIngest(reason: string, endedAtWall: number = this.wallClock()): Promise<void> {
    this.publisherLeftAt = undefined;
    if (this.gateTimer !== undefined) clearTimeout(this.gateTimer);
    this.gateTimer = undefined;
    this.ingestState = 'idle';
    this.started = false;
    const facts = this.tracker.facts;
    for (const source of this.inputs.stop()) source.close(reason);
    this.sinks.ingestEnded();
    this.gop.clear();
    this.startLog.close();
    const ending = this.sinks.settled().then(() => {
      if (this.ending !== ending) return; // a new publisher started meanwhile
      this.ending = undefined;
      this.logger.info({ streamId: this.streamId, reason }, 'ingest ended');
      this.safeEmit('ingest', { state: 'ended', reason, facts, endedAt: new Date(endedAtWall).toISOString() });
      this.emitStats(); // the last tick, before the host releases the engine
      this.safeEmit('ended');
    });
    this.ending = ending;
    return ending;
  }

  /** The rendered slate for `params`, if it is ready. */
  private slateFor(params: SlateParams | undefined): SlateClip | undefined {
    return params === undefined ? undefined : this.slates.get(slateKey(params));
  }

  /** An input's parameters are known: render its slate now, ahead of need. */
  private prepareSlate(role: InputRole, params: SlateParams): void {
    const provider = this.slateProvider;
    if (provider === undefined) return;
    const key = slateKey(params);
    if (this.slates.has(key) || this.rendering.has(key)) return;
    this.rendering.add(key);
    const started = this.clock();
    const generation = this.slateGeneration;
    void provider.clipFor(params).then(
      (clip) => {
        if (generation !== this.slateGeneration) return; // asked of a replaced provider
        this.rendering.delete(key);
        if (clip === undefined || this.closed) return;
        if (this.slates.size >= 8) this.slates.delete(this.slates.keys().next().value as string);
        this.slates.set(key, clip);
        this.logger.info({ streamId: this.streamId, role, params: describeSlateParams(params), ms: Math.round(this.clock() - started) }, 'slate ready');
        this.inputs.refresh(); // an outage that started before the slate was ready gets it now
      },
      (error: unknown) => {
        if (generation === this.slateGeneration) this.rendering.delete(key);
        this.logger.warn({ streamId: this.streamId, error: String(error) }, 'slate provider failed');
      },
    );
  }

  private ingestStats(): IngestStats {
    const live = this.ingestState !== 'idle';
    return {
      ...this.tracker.facts,
      state: this.ingestState,
      startedAt: live && this.startedAtWall !== null ? new Date(this.startedAtWall).toISOString() : null,
      graceEndsAt: this.ingestState === 'grace' && this.publisherLeftAt !== undefined ? new Date(this.publisherLeftAt + this.options.graceMs).toISOString() : null,
      ...this.tracker.measures(),
      uptimeS: live ? Math.max(0, Math.round((this.clock() - this.startedAtMono) / 100) / 10) : 0,
    };
  }

  private active(): boolean {
    return this.ingestState !== 'idle' || this.sinks.active();
  }

  private ensureStatsTimer(): void {
    if (this.statsTimer !== undefined || this.closed || !this.active()) return;
    this.statsTimer = setInterval(() => {
      this.emitStats();
      if (!this.active() && this.statsTimer !== undefined) {
        clearInterval(this.statsTimer);
        this.statsTimer = undefined;
      }
    }, this.options.statsIntervalMs);
    this.statsTimer.unref();
  }

  private emitStats(): void {
    this.safeEmit('stats', this.stats);
  }

  /** A host listener that throws must not break the engine (or, through it, the ingest socket). */
  private safeEmit<K extends keyof StreamRestreamerEvents>(event: K, ...args: StreamRestreamerEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: StreamRestreamerEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.logger.error({ streamId: this.streamId, event, error: error instanceof Error ? error.message : String(error) }, 'event listener threw');
    }
  }
}

function endReason(end: SourceEnd | string): string {
  if (end === 'stopped') return PUBLISHER_STOPPED;
  if (end === 'lost') return PUBLISHER_LOST;
  return end;
}

import { EventEmitter } from 'node:events';
import {
  type AmfValue,
  MessageType,
  type RawMessage,
  RtmpError,
  type ServerSession,
  type VideoTagInfo,
  type AudioTagInfo,
  encodeAmf0,
  parseAudioTag,
  parseVideoTag,
} from '@fanout/rtmp';
import type { BackoffOptions } from './backoff';
import { type BoundedQueueOptions, DEFAULT_QUEUE_OPTIONS } from './bounded-queue';
import { type Clock, monotonicClock } from './clock';
import { GopCache, type GopCacheOptions } from './gop-cache';
import { type IngestFacts, type IngestState, type IngestStats, IngestTracker } from './ingest';
import { type EngineItem, ItemEncoder, type SerialisationKey } from './item';
import { type EngineLogger, RateLimitedWarner, noopLogger } from './logger';
import { type DestinationSpec, type DestinationStats, Output, type OutputContext, type PublishFunction, type StateChange, publishTo } from './output';
import { checkPlatformRules } from './platform-rules';
import { StartLog } from './start-log';

export interface StreamStats {
  streamId: string;
  at: string;
  ingest: IngestStats;
  destinations: DestinationStats[];
}

export interface StreamRestreamerOptions {
  streamId: string;
  destinations: DestinationSpec[];
  /** How long destinations stay connected after the publisher left (default 10 s). */
  graceMs?: number;
  /** Period of 'stats' events (default 1 s). */
  statsIntervalMs?: number;
  /** A destination that delivers nothing for this long is reconnected as `stalled` (default 10 s). */
  stallTimeoutMs?: number;
  /** TCP/TLS + handshake, and connect through Publish.Start, each (default 10 s). */
  connectTimeoutMs?: number;
  queue?: Partial<BoundedQueueOptions>;
  backoff?: Partial<BackoffOptions>;
  logger?: EngineLogger;
  /** Longest wait for metadata or a video sequence header before connecting anyway (default 1 s). */
  connectDelayMs?: number;
  /** Unsent bytes a socket may hold before the writer waits (default 256 KiB). */
  maxSocketBytes?: number;
  /** Attempts a rejected stream key gets (with backoff) before `failed: rejected-key` (default 3). */
  rejectedKeyAttempts?: number;
  gopCache?: Partial<Omit<GopCacheOptions<EngineItem>, 'isSameHeader'>>;
  /** Monotonic ms for durations and deadlines (default performance.now). */
  clock?: Clock;
  /** Wall ms for the ISO times in events and stats (default Date.now). */
  wallClock?: () => number;
  /** How destinations connect (default {@link publishTo}); tests wrap it. */
  publish?: PublishFunction;
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
}

/** The publisher unpublished (FCUnpublish / deleteStream): the streamer stopped. */
export const PUBLISHER_STOPPED = 'publisher stopped';
/** The publisher's connection closed without an unpublish: a network drop or a crashed encoder. */
export const PUBLISHER_LOST = 'publisher lost';

export type DestinationStateEvent = StateChange;

export interface StreamRestreamerEvents {
  stats: [stats: StreamStats];
  destinationState: [change: DestinationStateEvent];
  ingest: [event: IngestEvent];
  ended: [];
}

const FOURCC_FOR_CODEC: Readonly<Record<string, string>> = { hevc: 'hvc1', av1: 'av01', vp9: 'vp09', vvc: 'vvc1' };
const DEFAULT_FRAME_GAP_MS = 33;

/**
 * The media engine of one stream: one ingest (an accepted publishing {@link ServerSession}) fanned
 * out to many destinations.
 *
 * - Each message is parsed once, copied once out of the socket read, placed on one continuous
 *   output timeline, and serialised once per serialisation key; the same Buffer goes to every
 *   destination (see {@link ItemEncoder}).
 * - Each destination has its own bounded queue and writer ({@link Output}): the ingest never
 *   waits, a slow destination drops whole GOP tails and, if it stops delivering, is reconnected.
 * - A publisher that leaves gets `graceMs` to come back (or be replaced) before destinations are
 *   unpublished; a returning publisher continues the same timeline.
 *
 * Nothing here throws into the RTMP session's callbacks: a failure in the engine is logged.
 */
export class StreamRestreamer extends EventEmitter<StreamRestreamerEvents> {
  readonly streamId: string;
  private readonly options: Required<Pick<StreamRestreamerOptions, 'graceMs' | 'statsIntervalMs' | 'connectDelayMs'>>;
  private readonly clock: Clock;
  private readonly wallClock: () => number;
  private readonly logger: EngineLogger;
  private readonly encoder = new ItemEncoder();
  private readonly gop: GopCache<EngineItem>;
  /** The broadcast from its first message, for destinations that were waiting for it to start. */
  private readonly startLog: StartLog<EngineItem>;
  private readonly tracker: IngestTracker;
  private readonly outputs = new Map<string, Output>();
  private readonly context: OutputContext;
  private readonly removing = new Set<Promise<void>>();

  private session: ServerSession | undefined;
  private unbind: (() => void) | undefined;
  private ingestState: IngestState = 'idle';
  /** Destinations were told the ingest started (headers arrived, or the connect delay passed). */
  private started = false;
  private startedAtWall: number | null = null;
  private startedAtMono = 0;
  private gateTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private ending: Promise<void> | undefined;
  /** Wall time the publisher left, while in the grace window. */
  private publisherLeftAt: number | undefined;

  // Output timeline: ingest timestamp + offset, never going back per track.
  private offset = 0;
  private needOffset = false;
  private lastOut: number | undefined;
  private lastVideoOut: number | undefined;
  private lastAudioOut: number | undefined;
  /** Latest interval between two video frames on the output timeline: "one frame" when a session resumes. */
  private videoFrameGap: number | undefined;

  constructor(options: StreamRestreamerOptions) {
    super();
    this.streamId = options.streamId;
    this.options = {
      graceMs: options.graceMs ?? 10_000,
      statsIntervalMs: options.statsIntervalMs ?? 1_000,
      connectDelayMs: options.connectDelayMs ?? 1_000,
    };
    this.clock = options.clock ?? monotonicClock;
    this.wallClock = options.wallClock ?? Date.now;
    this.logger = options.logger ?? noopLogger;
    this.tracker = new IngestTracker(this.clock);
    this.gop = new GopCache<EngineItem>({ ...options.gopCache, isSameHeader: (a, b) => a.payload !== undefined && b.payload !== undefined && a.payload.equals(b.payload) });
    this.startLog = new StartLog({ ...DEFAULT_QUEUE_OPTIONS, ...options.queue });
    const warner = new RateLimitedWarner(this.logger, 10_000, this.clock);
    this.context = {
      streamId: this.streamId,
      clock: this.clock,
      wallClock: this.wallClock,
      logger: this.logger,
      warner,
      encoder: this.encoder,
      publish: options.publish ?? publishTo,
      queue: options.queue ?? {},
      backoff: options.backoff ?? {},
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      // Not below 64 KiB: under the socket's own high-water mark, no 'drain' would ever wake the writer.
      maxSocketBytes: Math.max(64 * 1024, options.maxSocketBytes ?? 256 * 1024),
      rejectedKeyAttempts: options.rejectedKeyAttempts ?? 3,
      snapshot: () => this.startLog.snapshot() ?? this.gop.snapshot(),
      fourCcList: () => {
        const codec = this.tracker.videoCodec;
        const fourCc = codec === undefined ? undefined : FOURCC_FOR_CODEC[codec];
        return fourCc === undefined ? undefined : [fourCc];
      },
      stateChanged: (change) => {
        if (change.to === 'live') this.closeStartLogWhenAllLive();
        this.safeEmit('destinationState', change);
      },
      connectionsChanged: () => this.pickSerialisationKey(),
      watchStalls: () => this.ensureStallTimer(),
    };
    this.setDestinations(options.destinations);
  }

  /** Serialisations done so far: grows with messages × distinct serialisation keys, not with destinations. */
  get serialisations(): number {
    return this.encoder.count;
  }

  get ingestFacts(): IngestFacts {
    return this.tracker.facts;
  }

  get stats(): StreamStats {
    const ingest = this.ingestStats();
    return {
      streamId: this.streamId,
      at: new Date(this.wallClock()).toISOString(),
      ingest,
      destinations: [...this.outputs.values()].map((o) => o.stats(checkPlatformRules(ingest, o.spec.rules, o.spec.name))),
    };
  }

  /**
   * Call right after accepting a publish. A second call (OBS reconnect, or a second publisher on
   * the same key) takes over: the previous session is closed, destinations stay connected, the
   * timeline continues.
   */
  attachPublisher(session: ServerSession): void {
    if (this.closed) {
      session.close(new RtmpError('SESSION_CLOSED', 'stream is shut down'));
      return;
    }
    if (this.session === session) return;
    const previous = this.session;
    if (previous !== undefined) {
      this.detach();
      previous.close(new RtmpError('SESSION_CLOSED', 'taken over by a new publisher'));
    }
    this.bind(session);
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;

    if (this.ingestState === 'idle' || this.ending !== undefined) {
      this.freshStart();
      this.logger.info({ streamId: this.streamId }, 'ingest live');
      this.safeEmit('ingest', { state: 'live', facts: this.tracker.facts });
    } else {
      // Publisher came back in the grace window, or took over: same destinations, same timeline.
      const reason = previous !== undefined ? 'takeover' : 'reconnected';
      this.ingestState = 'live';
      this.publisherLeftAt = undefined;
      this.needOffset = true;
      this.gop.clear();
      this.tracker.newSession();
      this.logger.info({ streamId: this.streamId, reason }, 'ingest resumed');
      this.safeEmit('ingest', { state: 'live', reason, facts: this.tracker.facts });
    }
    this.ensureStatsTimer();
    // Closed before we could listen: its 'close' already fired, so start the grace window now.
    if (session.closed) this.publisherGone(session, PUBLISHER_LOST);
  }

  /**
   * Closes the publishing session, e.g. because its stream key was rotated. Destinations stay
   * connected for the grace window, so an encoder that comes back (with the new key) within it
   * continues the same broadcast; otherwise the ingest ends as usual.
   */
  dropPublisher(reason: string): void {
    const session = this.session;
    if (session === undefined) return;
    this.publisherGone(session, reason);
    session.close(new RtmpError('SESSION_CLOSED', reason));
  }

  /**
   * Ends the ingest now, without a grace window (e.g. the stream was deleted): the publisher is
   * closed, destinations are unpublished cleanly, then 'ingest' ended and 'ended' are emitted.
   */
  endNow(reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.ingestState === 'idle') return this.ending ?? Promise.resolve();
    const session = this.session;
    const endedAt = this.ingestState === 'grace' ? this.publisherLeftAt : undefined;
    this.detach();
    session?.close(new RtmpError('SESSION_CLOSED', reason));
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    return this.endIngest(reason, endedAt);
  }

  /** Applies a new destination list: only added, changed, removed, enabled or disabled ones are touched. */
  setDestinations(specs: DestinationSpec[]): void {
    if (this.closed) return;
    const wanted = new Map(specs.map((spec) => [spec.id, spec]));
    for (const [id, output] of this.outputs) {
      if (wanted.has(id)) continue;
      this.outputs.delete(id);
      const closing = output.close().finally(() => this.removing.delete(closing));
      this.removing.add(closing);
    }
    for (const spec of wanted.values()) {
      const existing = this.outputs.get(spec.id);
      if (existing !== undefined) {
        existing.update({ ...spec }, this.started);
        continue;
      }
      const output = new Output({ ...spec }, this.context);
      this.outputs.set(spec.id, output);
      if (this.started) output.ingestStarted();
    }
    this.ensureStatsTimer();
  }

  /** "Retry now" for a destination that failed (e.g. after a rejected key) or waits for its next attempt. */
  retryDestination(id: string): void {
    if (this.started) this.outputs.get(id)?.retryNow();
  }

  /** Unpublishes every destination cleanly (FCUnpublish/deleteStream), closes the ingest session, and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of [this.gateTimer, this.graceTimer]) if (timer !== undefined) clearTimeout(timer);
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    if (this.stallTimer !== undefined) clearInterval(this.stallTimer);
    this.gateTimer = this.graceTimer = this.statsTimer = this.stallTimer = undefined;
    const session = this.session;
    this.detach();
    session?.close(new RtmpError('SESSION_CLOSED', 'stream is shut down'));
    this.ingestState = 'idle';
    this.started = false;
    await Promise.all([...[...this.outputs.values()].map((o) => o.close()), ...this.removing, this.ending]);
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
    this.offset = 0;
    this.needOffset = false;
    this.lastOut = this.lastVideoOut = this.lastAudioOut = this.videoFrameGap = undefined;
    if (this.gateTimer !== undefined) clearTimeout(this.gateTimer);
    this.gateTimer = setTimeout(() => this.openGate('no headers yet'), this.options.connectDelayMs);
    this.gateTimer.unref();
  }

  /** Destinations connect once we know what the ingest carries (to advertise Enhanced RTMP FourCCs). */
  private openGate(why: string): void {
    if (this.started || this.ingestState === 'idle' || this.closed) return;
    this.started = true;
    if (this.gateTimer !== undefined) clearTimeout(this.gateTimer);
    this.gateTimer = undefined;
    this.logger.debug({ streamId: this.streamId, why, videoCodec: this.tracker.videoCodec ?? null }, 'starting destinations');
    for (const output of this.outputs.values()) output.ingestStarted();
  }

  private bind(session: ServerSession): void {
    this.session = session;
    const guard =
      <A extends unknown[]>(name: string, fn: (...args: A) => void) =>
      (...args: A): void => {
        if (this.session !== session) return; // a replaced session's late events are ignored
        try {
          fn(...args);
        } catch (error) {
          this.logger.error({ streamId: this.streamId, event: name, error: error instanceof Error ? error.message : String(error) }, 'ingest handler failed');
        }
      };
    const onVideo = guard('video', (raw: RawMessage) => this.onVideo(raw));
    const onAudio = guard('audio', (raw: RawMessage) => this.onAudio(raw));
    const onMetadata = guard('metadata', (value: AmfValue, raw: RawMessage) => this.onMetadata(value, raw.timestamp));
    const onData = guard('data', (_values: readonly AmfValue[], raw: RawMessage) => this.onData(raw));
    const onUnpublish = guard('unpublish', () => this.publisherGone(session, PUBLISHER_STOPPED));
    const onClose = guard('close', (error: RtmpError | undefined) => this.publisherGone(session, PUBLISHER_LOST, error?.code));
    session.on('video', onVideo);
    session.on('audio', onAudio);
    session.on('metadata', onMetadata);
    session.on('data', onData);
    session.on('unpublish', onUnpublish);
    session.on('close', onClose);
    this.unbind = () => {
      session.off('video', onVideo);
      session.off('audio', onAudio);
      session.off('metadata', onMetadata);
      session.off('data', onData);
      session.off('unpublish', onUnpublish);
      session.off('close', onClose);
    };
  }

  private detach(): void {
    this.unbind?.();
    this.unbind = undefined;
    this.session = undefined;
  }

  private publisherGone(session: ServerSession, reason: string, code?: string): void {
    if (this.session !== session) return;
    this.detach();
    this.ingestState = 'grace';
    const leftAt = this.wallClock();
    this.publisherLeftAt = leftAt;
    this.logger.info({ streamId: this.streamId, reason, code: code ?? null, graceMs: this.options.graceMs }, 'publisher left: grace window');
    this.safeEmit('ingest', { state: 'grace', reason, facts: this.tracker.facts });
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
    for (const output of this.outputs.values()) output.ingestEnded();
    this.gop.clear();
    this.startLog.close();
    const ending = Promise.all([...this.outputs.values()].map((o) => o.settled())).then(() => {
      if (this.ending !== ending) return; // a new publisher started meanwhile
      this.ending = undefined;
      this.logger.info({ streamId: this.streamId, reason }, 'ingest ended');
      this.safeEmit('ingest', { state: 'ended', reason, facts, endedAt: new Date(endedAtWall).toISOString() });
      this.safeEmit('ended');
      this.emitStats();
    });
    this.ending = ending;
    return ending;
  }

  private onMetadata(value: AmfValue, timestamp: number): void {
    const payload = encodeAmf0('@setDataFrame', 'onMetaData', value);
    this.tracker.onMetadata(value, payload.length);
    const item = this.encoder.make('data', this.map('data', timestamp), payload);
    this.gop.setMetadata(item);
    this.fanOut(item);
    this.openGate('metadata');
  }

  private onData(raw: RawMessage): void {
    if (raw.type !== MessageType.DataAmf0) return; // AMF3 data is not forwarded
    this.tracker.onData(raw.payload.length);
    this.fanOut(this.encoder.make('data', this.map('data', raw.timestamp), raw.payload));
  }

  private onVideo(raw: RawMessage): void {
    let tag: VideoTagInfo | undefined;
    try {
      tag = parseVideoTag(raw.payload);
    } catch {
      tag = undefined;
    }
    const ts = this.map('video', raw.timestamp);
    const sequenceHeader = tag?.isSequenceHeader ?? false;
    const keyframe = tag !== undefined ? tag.isKeyframe : raw.payload.length > 0 && (raw.payload[0] as number) >> 4 === 1;
    this.tracker.onVideo(tag, raw.payload.length, ts);
    const item = this.encoder.make('video', ts, raw.payload, { keyframe, sequenceHeader });
    this.gop.push(item);
    this.fanOut(item);
    if (sequenceHeader) this.openGate('video sequence header');
  }

  private onAudio(raw: RawMessage): void {
    let tag: AudioTagInfo | undefined;
    try {
      tag = parseAudioTag(raw.payload);
    } catch {
      tag = undefined;
    }
    const ts = this.map('audio', raw.timestamp);
    this.tracker.onAudio(tag, raw.payload.length);
    const item = this.encoder.make('audio', ts, raw.payload, { sequenceHeader: tag?.isSequenceHeader ?? false });
    this.gop.push(item);
    this.fanOut(item);
  }

  /** Frames are serialised on arrival for the key most live destinations have (normally all of them). */
  private pickSerialisationKey(): void {
    const votes = new Map<string, { key: SerialisationKey; n: number }>();
    for (const output of this.outputs.values()) {
      const key = output.serialisationKey;
      if (key === undefined) continue;
      const id = `${key.chunkSize}:${key.streamId}`;
      const entry = votes.get(id) ?? { key, n: 0 };
      entry.n += 1;
      votes.set(id, entry);
    }
    let best: { key: SerialisationKey; n: number } | undefined;
    for (const entry of votes.values()) if (best === undefined || entry.n > best.n) best = entry;
    if (best !== undefined) this.encoder.expected = best.key;
  }

  private fanOut(item: EngineItem): void {
    this.startLog.push(item);
    for (const output of this.outputs.values()) output.push(item);
  }

  /** Every enabled destination got the broadcast from its start: joiners use the GOP cache from now on. */
  private closeStartLogWhenAllLive(): void {
    if (!this.startLog.isOpen) return;
    for (const output of this.outputs.values()) if (output.status !== 'live' && output.status !== 'disabled') return;
    this.startLog.close();
  }

  /**
   * The output timestamp of an ingest timestamp. The first message of a returning or new
   * publisher fixes the offset so that its timeline continues one frame after the last one sent.
   */
  private map(kind: 'video' | 'audio' | 'data', timestamp: number): number {
    if (this.needOffset) {
      this.needOffset = false;
      this.offset = this.lastOut === undefined ? 0 : this.lastOut + this.frameGapMs() - timestamp;
    }
    let out = Math.max(0, timestamp + this.offset);
    if (kind === 'data') return Math.max(out, this.lastOut ?? 0);
    const lastTrack = kind === 'video' ? this.lastVideoOut : this.lastAudioOut;
    if (lastTrack !== undefined && out < lastTrack) out = lastTrack;
    if (kind === 'video' && lastTrack !== undefined && out - lastTrack > 0 && out - lastTrack <= 1_000) this.videoFrameGap = out - lastTrack;
    if (kind === 'video') this.lastVideoOut = out;
    else this.lastAudioOut = out;
    if (this.lastOut === undefined || out > this.lastOut) this.lastOut = out;
    return out;
  }

  private frameGapMs(): number {
    if (this.videoFrameGap !== undefined) return this.videoFrameGap;
    const declared = this.tracker.measures().declaredFps;
    return declared === null ? DEFAULT_FRAME_GAP_MS : Math.min(100, Math.max(1, Math.round(1_000 / declared)));
  }

  private ingestStats(): IngestStats {
    const live = this.ingestState !== 'idle';
    return {
      ...this.tracker.facts,
      state: this.ingestState,
      startedAt: live && this.startedAtWall !== null ? new Date(this.startedAtWall).toISOString() : null,
      ...this.tracker.measures(),
      uptimeS: live ? Math.max(0, Math.round((this.clock() - this.startedAtMono) / 100) / 10) : 0,
    };
  }

  private active(): boolean {
    if (this.ingestState !== 'idle') return true;
    for (const output of this.outputs.values()) if (output.status !== 'idle' && output.status !== 'disabled') return true;
    return false;
  }

  /** One stall-detection timer for every destination, running while any of them is live. */
  private ensureStallTimer(): void {
    if (this.stallTimer !== undefined || this.closed) return;
    const timeoutMs = this.context.stallTimeoutMs;
    const every = Math.max(50, Math.min(500, Math.floor(timeoutMs / 4)));
    this.stallTimer = setInterval(() => {
      let watching = false;
      for (const output of this.outputs.values()) if (output.checkStall()) watching = true;
      if (!watching && this.stallTimer !== undefined) {
        clearInterval(this.stallTimer);
        this.stallTimer = undefined;
      }
    }, every);
    this.stallTimer.unref();
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

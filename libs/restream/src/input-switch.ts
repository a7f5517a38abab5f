import { type AmfValue, type VideoTagInfo, parseAvcDecoderConfig, parseHevcDecoderConfig, tryParseAudioTag, tryParseVideoTag, tryVideoStreamInfo } from '@fanout/rtmp';
import { type Clock, monotonicClock } from './clock';
import { GopCache } from './gop-cache';
import { type IngestFacts, IngestTracker } from './ingest';
import { type EngineLogger, noopLogger } from './logger';
import type { QueueItem } from './media';
import { PublisherBinding } from './publisher-binding';
import { type SlateParams, type SlatePixelFormat, isSlateParams, pixelFormatOf, slateKey, slateParamsFrom } from './slate/params';
import type { IngestSource, SourceEnd } from './sources/ingest-source';

/** The two encoders a stream may have. */
export type InputRole = 'primary' | 'backup';
/** What the destinations are getting. */
export type OnAir = InputRole | 'slate' | 'none';
/**
 * An input's state: `live` on air and healthy, `warm` healthy but not on air, `stalled` attached
 * but no media for `stallMs`, `gone` no source attached.
 */
export type InputState = 'live' | 'warm' | 'stalled' | 'gone';

export type SwitchReason =
  /** The first input of a broadcast went on air. */
  | 'publish-start'
  | 'primary-lost'
  | 'primary-stalled'
  | 'backup-lost'
  | 'backup-stalled'
  /** The slate bridged a failover; the input took over at its first keyframe. */
  | 'backup-keyframe'
  | 'primary-keyframe'
  /** The preferred input was healthy for `failbackStableMs`. */
  | 'failback'
  /** `switchTo` or `pin`. */
  | 'manual'
  /** An input came back (within the grace window, or after a stall) while nothing better was on air. */
  | 'publisher-returned'
  /** A second publish on the same input's key replaced the first. */
  | 'takeover'
  /** The broadcast ended (grace window over, ended by the host, shut down). */
  | 'ended';

/**
 * One change of what is on air: plain data, keyed by stream, for an events bus. Emitted when the
 * first frame after the switch has been sent (so it carries the measured gap), or at once for a
 * switch to nothing, or when the next switch comes first.
 */
export interface InputSwitchEvent {
  streamId: string;
  onAir: OnAir;
  previous: OnAir;
  reason: SwitchReason;
  /** ISO wall time of the switch. */
  at: string;
  /**
   * Media time from the last frame sent before the switch to the first after, on the output
   * timeline (video, or audio for an audio-only stream); null when nothing was sent on one side.
   */
  gapMs: number | null;
  /** Wall time between those two frames leaving the engine, ms; null likewise. */
  wallGapMs: number | null;
}

export interface InputStats {
  state: InputState;
  /** The source's transport ('rtmp'), null while gone. */
  kind: string | null;
  /** ISO wall time this state began. */
  since: string | null;
  /** Time since the input's last media message, ms; null before any. */
  lastMediaAgoMs: number | null;
  facts: IngestFacts;
  bitrateKbps: number;
  fps: number;
  keyframeIntervalS: number | null;
}

/** Where the on-air input's messages go (the engine's ingest path), with the timeline's last timestamps. */
export interface SwitchOutput {
  /** A new input goes on air: its first message must continue the output timeline one frame on. */
  begin(onAir: OnAir): void;
  video(timestamp: number, payload: Buffer): void;
  audio(timestamp: number, payload: Buffer): void;
  metadata(value: AmfValue, timestamp: number): void;
  data(timestamp: number, payload: Buffer): void;
  lastTimestamp(kind: 'video' | 'audio'): number | undefined;
}

/** A slate that can go on air: started by the switch once it listens. */
export interface SlateInput extends IngestSource {
  start(): void;
}

export interface InputSwitchOptions {
  streamId: string;
  output: SwitchOutput;
  /** No media for this long: the input is stalled (default 1 500 ms). */
  stallMs?: number;
  /** The preferred input goes back on air after being healthy this long (default 10 s). */
  failbackStableMs?: number;
  /**
   * The slate for the parameters of what the destinations last got (the input last on air, as it
   * was then): whether one is ready, and a fresh source playing it. Without it there is no slate:
   * outages keep destinations waiting.
   */
  slate?: { ready(params: SlateParams | undefined): boolean; make(params: SlateParams | undefined): SlateInput | undefined };
  /** Every input is gone: the engine's grace window. `end` and `code` are the last one's. */
  allGone?(end: SourceEnd | string, code: string | undefined): void;
  /** An input's slate parameters became known or changed: render a slate ahead of need. */
  paramsKnown?(role: InputRole, params: SlateParams): void;
  switched?(event: InputSwitchEvent): void;
  clock?: Clock;
  wallClock?: () => number;
  logger?: EngineLogger;
}

interface WarmItem extends QueueItem {
  readonly kind: 'video' | 'audio';
  readonly payload: Buffer;
}

/** Time an input must run before an unknown frame rate is taken as measured and a missing audio track as absent. */
const PARAMS_SETTLE_MS = 2_000;

class Input {
  source: IngestSource | undefined;
  readonly tracker: IngestTracker;
  /** Latest metadata and headers (always kept) and, while off air, the current GOP. */
  readonly warm = new GopCache<WarmItem>({ maxBytes: 16 * 1024 * 1024, maxDurationMs: 30_000, isSameHeader: (a, b) => a.payload.equals(b.payload) });
  metadata: { value: AmfValue; timestamp: number } | undefined;
  sawVideo = false;
  stalled = false;
  attachedAt = 0;
  lastMediaAt: number | undefined;
  /** Healthy (attached, not stalled) since. */
  healthySince: number | undefined;
  stateSince: number | undefined;
  firstFrameAt: number | undefined;
  profile: string | undefined;
  /** From the sequence header; null when no slate can be encoded in it. */
  pixelFormat: SlatePixelFormat | null = 'yuv420p';
  paramsKey: string | undefined;
  params: SlateParams | undefined;
  /** Why no slate can match this input (logged once). */
  unsupported: string | undefined;

  constructor(
    readonly role: InputRole,
    clock: Clock,
  ) {
    this.tracker = new IngestTracker(clock);
  }

  get healthy(): boolean {
    return this.source !== undefined && !this.stalled;
  }

  reset(source: IngestSource | undefined, now: number): void {
    this.source = source;
    this.warm.clear();
    this.metadata = undefined;
    this.sawVideo = false;
    this.stalled = false;
    this.attachedAt = now;
    this.lastMediaAt = undefined;
    this.healthySince = source === undefined ? undefined : now;
    this.firstFrameAt = undefined;
    this.profile = undefined;
    this.pixelFormat = 'yuv420p';
    this.paramsKey = undefined;
    this.params = undefined;
    this.unsupported = undefined;
    this.tracker.reset();
  }
}

/**
 * What is on air for one stream: a primary and a backup encoder, and a slate between them.
 *
 * - Each input is kept warm while off air: its metadata and sequence headers, its current GOP,
 *   its own facts and meters, and a media watchdog (no media for `stallMs` = stalled).
 * - Failover: the on-air input is lost or stalls → the slate at once (when one is ready), then
 *   the other input at its next keyframe; with no slate, the other input at once from its cached
 *   keyframe. With nothing healthy and no slate: nothing (destinations wait), as before slates.
 * - Failback: the preferred input (primary, or the pinned one) goes back on air after it has been
 *   healthy for `failbackStableMs`, at its keyframe. An input returning while only the slate or
 *   nothing is on air goes on air at its first keyframe.
 * - Manual: `switchTo` holds an input (or the slate) on air until it fails; `pin` changes which
 *   input is preferred.
 * - Every switch sends the new input's metadata and sequence headers first, then its frames from
 *   a keyframe; the output calls `begin` so the timeline continues one frame after the last
 *   timestamp sent, and the new input's audio keeps its offset to its video.
 *
 * Nothing here throws into a source's callbacks: handler failures are logged.
 */
export class InputSwitch {
  readonly streamId: string;
  private readonly out: SwitchOutput;
  private readonly clock: Clock;
  private readonly wallClock: () => number;
  private readonly logger: EngineLogger;
  private readonly stallMs: number;
  private readonly failbackStableMs: number;
  private readonly inputs: Record<InputRole, Input>;
  private readonly bindings: Record<InputRole, PublisherBinding>;
  private onAirValue: OnAir = 'none';
  /** The parameters of the input last on air, as the destinations got it: the slate must match them. */
  private onAirParams: SlateParams | undefined;
  private slateBinding: PublisherBinding;
  /** A switch to an input waiting for its next keyframe. */
  private pending: { role: InputRole; reason: SwitchReason } | undefined;
  /** The new on-air input's audio before this timestamp (its own clock) is older than the switch point. */
  private audioFloor: number | undefined;
  private manual: OnAir | undefined;
  /**
   * The last encoder left by stopping its stream (FCUnpublish/deleteStream), not by a lost
   * connection: the streamer ended the show, so the grace window holds the destinations without
   * a slate ("We'll be right back" at the end of every broadcast and every VOD), as before slates.
   * Any encoder attaching clears it.
   */
  private stoppedCleanly = false;
  private pinned: InputRole | undefined;
  private running = false;
  private everOnAir = false;
  private watchdog: NodeJS.Timeout | undefined;
  private failbackTimer: NodeJS.Timeout | undefined;
  private lastSentAt: { video: number | undefined; audio: number | undefined } = { video: undefined, audio: undefined };
  /** The switch event waiting for the first frame after it (to measure the gap). */
  private unmeasured: { event: InputSwitchEvent; before: { video: number | undefined; audio: number | undefined }; wallBefore: { video: number | undefined; audio: number | undefined } } | undefined;

  constructor(private readonly options: InputSwitchOptions) {
    this.streamId = options.streamId;
    this.out = options.output;
    this.clock = options.clock ?? monotonicClock;
    this.wallClock = options.wallClock ?? Date.now;
    this.logger = options.logger ?? noopLogger;
    this.stallMs = options.stallMs ?? 1_500;
    this.failbackStableMs = options.failbackStableMs ?? 10_000;
    this.inputs = { primary: new Input('primary', this.clock), backup: new Input('backup', this.clock) };
    const onError = (event: string, error: unknown): void =>
      this.logger.error({ streamId: this.streamId, event, error: error instanceof Error ? error.message : String(error) }, 'input handler failed');
    const handlers = (role: InputRole) => ({
      video: (ts: number, payload: Buffer) => this.onVideo(role, ts, payload),
      audio: (ts: number, payload: Buffer) => this.onAudio(role, ts, payload),
      metadata: (value: AmfValue, ts: number) => this.onMetadata(role, value, ts),
      data: (ts: number, payload: Buffer) => this.onData(role, ts, payload),
      ended: (source: IngestSource, end: SourceEnd, code: string | undefined) => this.inputEnded(role, source, end, code),
    });
    this.bindings = { primary: new PublisherBinding(handlers('primary'), onError), backup: new PublisherBinding(handlers('backup'), onError) };
    this.slateBinding = new PublisherBinding(
      {
        video: (ts, payload) => this.forward('video', ts, payload),
        audio: (ts, payload) => this.forward('audio', ts, payload),
        metadata: (value, ts) => this.out.metadata(value, ts),
        data: (ts, payload) => this.out.data(ts, payload),
        ended: () => undefined,
      },
      onError,
    );
  }

  get onAir(): OnAir {
    return this.onAirValue;
  }

  get pinnedInput(): InputRole | undefined {
    return this.pinned;
  }

  /** The parameters a slate must match now (of the input last on air), if known. */
  get slateParams(): SlateParams | undefined {
    return this.onAirParams;
  }

  /** An input's slate parameters, once known. */
  paramsOf(role: InputRole): SlateParams | undefined {
    return this.inputs[role].params;
  }

  sourceOf(role: InputRole): IngestSource | undefined {
    return this.inputs[role].source;
  }

  /** Facts of an input (its own tracker). */
  factsOf(role: InputRole): IngestFacts {
    return this.inputs[role].tracker.facts;
  }

  /** Any input attached. */
  get anyAttached(): boolean {
    return this.inputs.primary.source !== undefined || this.inputs.backup.source !== undefined;
  }

  /** The broadcast started: the watchdog runs until {@link stop}. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.everOnAir = false;
    this.onAirParams = undefined;
    this.manual = undefined;
    const every = Math.max(20, Math.min(250, Math.floor(this.stallMs / 4)));
    let lastCheck = this.clock();
    this.watchdog = setInterval(() => {
      // A check that comes late (this process was blocked or not scheduled) says nothing about
      // the encoders: their media may be waiting in the socket, read only after timers run.
      // Judge again on the next, punctual, tick.
      const now = this.clock();
      const late = now - lastCheck > every * 3;
      lastCheck = now;
      if (!late) this.checkStalls();
    }, every);
    this.watchdog.unref();
  }

  /**
   * Makes `source` the `role` input. A source already there is detached (the caller closes it):
   * when it was on air, the new one goes on air at once (a takeover or a reconnect continues the
   * broadcast as it always did). A source that ended already counts as lost at once.
   */
  attach(role: InputRole, source: IngestSource): IngestSource | undefined {
    const input = this.inputs[role];
    const previous = this.bindings[role].detach();
    const wasOnAir = this.onAirValue === role;
    if (this.pending?.role === role) this.pending = undefined;
    input.reset(source, this.clock());
    input.stateSince = this.wallClock();
    this.stoppedCleanly = false;
    this.bindings[role].bind(source);
    this.logger.info({ streamId: this.streamId, role, kind: source.kind, takeover: previous !== undefined }, 'input attached');
    if (wasOnAir && previous !== undefined) this.switchNow(role, 'takeover');
    else this.evaluate('publisher-returned');
    if (source.ended && input.source === source) this.inputEnded(role, source, 'lost', undefined);
    return previous;
  }

  /** Takes `role`'s source off (a rotated key, the host's reason): as if it was lost. Returns it for the caller to close. */
  drop(role: InputRole, reason: string): IngestSource | undefined {
    const source = this.inputs[role].source;
    if (source === undefined) return undefined;
    this.inputEnded(role, source, reason, undefined);
    return source;
  }

  /**
   * Puts `target` on air by hand: an input at its next keyframe (at once when nothing is on air),
   * the slate at once. It stays there until it fails; then the automatic rules apply again.
   * Returns false (and changes nothing) when `target` cannot go on air.
   */
  switchTo(target: Exclude<OnAir, 'none'>): boolean {
    if (!this.running) return false;
    if (target === 'slate' ? !(this.onAirValue === 'slate' || this.slateReady()) : !this.inputs[target].healthy) return false;
    this.manual = target;
    this.evaluate('manual');
    return true;
  }

  /**
   * Prefers `role` over the other input from now on ("stay on backup"), and puts it on air at its
   * next keyframe when it is healthy; when it fails, the other input takes over, and `role` comes
   * back after its stable period. `null`: the primary is preferred again (the default).
   */
  pin(role: InputRole | null): void {
    this.pinned = role ?? undefined;
    this.manual = role !== null && this.inputs[role].healthy ? role : undefined;
    this.evaluate('manual');
  }

  /** A slate became ready (or the broadcast state changed): apply the rules again. */
  refresh(): void {
    this.evaluate('publisher-returned');
  }

  stats(): { onAir: OnAir; pinned: InputRole | null; inputs: Record<InputRole, InputStats> } {
    const now = this.clock();
    const of = (input: Input): InputStats => {
      const measures = input.tracker.measures();
      return {
        state: this.stateOf(input),
        kind: input.source?.kind ?? null,
        since: input.stateSince === undefined ? null : new Date(input.stateSince).toISOString(),
        lastMediaAgoMs: input.lastMediaAt === undefined ? null : Math.round(now - input.lastMediaAt),
        facts: input.tracker.facts,
        bitrateKbps: measures.bitrateKbps,
        fps: measures.fps,
        keyframeIntervalS: measures.keyframeIntervalS,
      };
    };
    return { onAir: this.onAirValue, pinned: this.pinned ?? null, inputs: { primary: of(this.inputs.primary), backup: of(this.inputs.backup) } };
  }

  /** The broadcast ended: the slate stops, inputs are detached (returned for the caller to close), nothing is on air. */
  stop(): IngestSource[] {
    const sources: IngestSource[] = [];
    for (const role of ['primary', 'backup'] as const) {
      const source = this.bindings[role].detach();
      if (source !== undefined) sources.push(source);
      this.inputs[role].reset(undefined, this.clock());
      this.inputs[role].stateSince = undefined;
    }
    if (this.running && this.onAirValue !== 'none') this.switchNow('none', 'ended');
    this.flushUnmeasured();
    this.stopSlate();
    this.pending = undefined;
    this.manual = undefined;
    this.running = false;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    if (this.failbackTimer !== undefined) clearTimeout(this.failbackTimer);
    this.watchdog = this.failbackTimer = undefined;
    this.lastSentAt = { video: undefined, audio: undefined };
    return sources;
  }

  // ── Input events ──────────────────────────────────────────────────────────────────────────

  private onVideo(role: InputRole, ts: number, payload: Buffer): void {
    const input = this.inputs[role];
    const tag = tryParseVideoTag(payload);
    const sequenceHeader = tag?.isSequenceHeader ?? false;
    const keyframe = !sequenceHeader && (tag !== undefined ? tag.isKeyframe && tag.packetType === 'coded-frames' : payload.length > 0 && (payload[0] as number) >> 4 === 1);
    input.tracker.onVideo(tag, payload.length, ts);
    input.sawVideo = true;
    if (sequenceHeader && tag !== undefined) {
      input.profile = tryVideoStreamInfo(tag)?.profile ?? input.profile;
      input.pixelFormat = pixelFormatOfHeader(tag);
    }
    this.mediaArrived(input, sequenceHeader);
    const onAir = this.onAirValue === role;
    if (!onAir || sequenceHeader) input.warm.push({ kind: 'video', timestampMs: ts, bytes: payload.length, keyframe, sequenceHeader, payload: Buffer.from(payload) });
    if (keyframe || sequenceHeader) this.learnParams(input);
    if (!onAir && keyframe && this.pending?.role === role) {
      this.switchAtKeyframe(input, 'video', ts, payload);
      return;
    }
    if (onAir) this.forward('video', ts, payload);
  }

  private onAudio(role: InputRole, ts: number, payload: Buffer): void {
    const input = this.inputs[role];
    const tag = tryParseAudioTag(payload);
    const sequenceHeader = tag?.isSequenceHeader ?? false;
    input.tracker.onAudio(tag, payload.length);
    this.mediaArrived(input, sequenceHeader);
    const onAir = this.onAirValue === role;
    if (!onAir || sequenceHeader) input.warm.push({ kind: 'audio', timestampMs: ts, bytes: payload.length, keyframe: false, sequenceHeader, payload: Buffer.from(payload) });
    if (sequenceHeader) this.learnParams(input);
    if (!onAir && !sequenceHeader && !input.sawVideo && this.pending?.role === role) {
      // An audio-only input: every frame is a starting point.
      this.switchAtKeyframe(input, 'audio', ts, payload);
      return;
    }
    if (!onAir) return;
    if (this.audioFloor !== undefined && !sequenceHeader) {
      if (ts < this.audioFloor) return; // from before the switch point: it would pile up at the last timestamp
      this.audioFloor = undefined;
    }
    this.forward('audio', ts, payload);
  }

  private onMetadata(role: InputRole, value: AmfValue, ts: number): void {
    const input = this.inputs[role];
    input.metadata = { value, timestamp: ts };
    input.tracker.onMetadata(value, 0);
    if (this.onAirValue === role) this.out.metadata(value, ts);
  }

  private onData(role: InputRole, ts: number, payload: Buffer): void {
    this.inputs[role].tracker.onData(payload.length);
    if (this.onAirValue === role) this.out.data(ts, payload);
  }

  private mediaArrived(input: Input, sequenceHeader: boolean): void {
    const now = this.clock();
    input.lastMediaAt = now;
    if (!sequenceHeader && input.firstFrameAt === undefined) input.firstFrameAt = now;
    if (input.stalled) {
      input.stalled = false;
      input.healthySince = now;
      input.stateSince = this.wallClock();
      this.logger.info({ streamId: this.streamId, role: input.role }, 'input recovered from a stall');
      this.evaluate('publisher-returned');
    }
  }

  private inputEnded(role: InputRole, source: IngestSource, end: SourceEnd | string, code: string | undefined): void {
    const input = this.inputs[role];
    if (input.source !== source) return;
    this.bindings[role].detach();
    input.reset(undefined, this.clock());
    input.stateSince = this.wallClock();
    if (this.pending?.role === role) this.pending = undefined;
    if (this.manual === role) this.manual = undefined;
    this.logger.info({ streamId: this.streamId, role, end, code: code ?? null }, 'input gone');
    const lost: SwitchReason = role === 'primary' ? 'primary-lost' : 'backup-lost';
    this.stoppedCleanly = end === 'stopped' && !this.anyAttached;
    if (!this.anyAttached) this.options.allGone?.(end, code);
    if (this.running) this.evaluate(lost);
  }

  private checkStalls(): void {
    const now = this.clock();
    for (const input of [this.inputs.primary, this.inputs.backup]) {
      if (input.source === undefined || input.stalled) continue;
      const last = input.lastMediaAt ?? input.attachedAt;
      if (now - last < this.stallMs) continue;
      input.stalled = true;
      input.healthySince = undefined;
      input.stateSince = this.wallClock();
      this.logger.warn({ streamId: this.streamId, role: input.role, silentMs: Math.round(now - last) }, 'input stalled');
      this.evaluate(input.role === 'primary' ? 'primary-stalled' : 'backup-stalled');
    }
  }

  private learnParams(input: Input): void {
    if (this.options.paramsKnown === undefined) return;
    const now = this.clock();
    const settled = input.firstFrameAt !== undefined && now - input.firstFrameAt >= PARAMS_SETTLE_MS;
    const measures = input.tracker.measures();
    const fps = measures.declaredFps ?? (settled && measures.fps > 0 ? measures.fps : null);
    const params = slateParamsFrom(input.tracker.facts, fps, input.profile, settled, input.pixelFormat);
    if (!isSlateParams(params)) {
      const final = /^(video codec|audio codec|pixel format|unknown resolution)/.test(params.unsupported);
      if (final && settled && input.unsupported !== params.unsupported) {
        input.unsupported = params.unsupported;
        this.logger.info({ streamId: this.streamId, role: input.role, why: params.unsupported }, 'no slate can match this input');
      }
      return;
    }
    const key = slateKey(params);
    if (key === input.paramsKey) return;
    input.paramsKey = key;
    input.params = params;
    if (this.onAirValue === input.role) this.onAirParams = params;
    this.options.paramsKnown(input.role, params);
  }

  // ── The rules ─────────────────────────────────────────────────────────────────────────────

  private stateOf(input: Input): InputState {
    if (input.source === undefined) return 'gone';
    if (input.stalled) return 'stalled';
    return this.onAirValue === input.role ? 'live' : 'warm';
  }

  private slateReady(): boolean {
    return this.options.slate?.ready(this.onAirParams) === true;
  }

  /** What should be on air now, and why. `keep` = leave the on-air choice (and any pending switch) as it is. */
  private desired(cause: SwitchReason): { target: OnAir; reason: SwitchReason } | 'keep' {
    const onAir = this.onAirValue;
    const healthy = (role: InputRole): boolean => this.inputs[role].healthy;
    if (this.manual !== undefined) {
      const m = this.manual;
      if (m === 'slate' ? onAir === 'slate' || this.slateReady() : m !== 'none' && healthy(m)) return { target: m, reason: 'manual' };
      this.manual = undefined;
    }
    const preferred: InputRole = this.pinned ?? 'primary';
    const other: InputRole = preferred === 'primary' ? 'backup' : 'primary';
    const returning = (): SwitchReason => (cause === 'manual' ? 'manual' : !this.everOnAir ? 'publish-start' : cause.endsWith('-lost') || cause.endsWith('-stalled') ? cause : 'publisher-returned');
    if (healthy(preferred)) {
      if (onAir === preferred) return 'keep';
      if (!(onAir === other && healthy(other))) return { target: preferred, reason: returning() };
      const stableFor = this.clock() - (this.inputs[preferred].healthySince ?? this.clock());
      if (stableFor >= this.failbackStableMs) return { target: preferred, reason: cause === 'manual' ? 'manual' : 'failback' };
      this.scheduleFailback(this.failbackStableMs - stableFor);
      return { target: other, reason: cause };
    }
    if (healthy(other)) return onAir === other ? 'keep' : { target: other, reason: returning() };
    // Nothing healthy.
    const stalledOnAir = onAir === 'primary' || onAir === 'backup' ? this.inputs[onAir].source !== undefined : false;
    if (!this.stoppedCleanly && (onAir === 'slate' || this.slateReady())) return { target: 'slate', reason: cause };
    if (stalledOnAir) return 'keep'; // no better picture: a stalled encoder stays on air, as before slates
    return { target: 'none', reason: cause };
  }

  private evaluate(cause: SwitchReason): void {
    if (!this.running) return;
    const want = this.desired(cause);
    if (want === 'keep') return;
    const { target, reason } = want;
    if (target === this.onAirValue) {
      this.pending = undefined; // e.g. a failback that is no longer wanted
      return;
    }
    if (target === 'none' || target === 'slate') {
      this.pending = undefined;
      this.switchNow(target, reason);
      return;
    }
    if (this.pending?.role === target) return;
    const input = this.inputs[target];
    const onAirLive = this.onAirValue === 'slate' || ((this.onAirValue === 'primary' || this.onAirValue === 'backup') && this.inputs[this.onAirValue].healthy);
    if (onAirLive) {
      this.pending = { role: target, reason }; // the picture on air goes on until the new input's keyframe
      return;
    }
    // Nothing live on air (the input on air is lost or stalled, or nothing is).
    const freshStart = !input.sawVideo && input.warm.audioHeader === undefined && input.metadata === undefined;
    if (freshStart) {
      this.switchNow(target, reason); // from its very first message, as a publish always started
      return;
    }
    if (this.slateReady()) {
      // The slate bridges the gap until the input's next keyframe.
      this.switchNow('slate', reason);
      this.pending = { role: target, reason: target === 'backup' ? 'backup-keyframe' : 'primary-keyframe' };
      return;
    }
    if (!input.warm.awaitingKeyframe) {
      this.switchNow(target, reason); // no slate: at once, from its cached keyframe
      return;
    }
    this.pending = { role: target, reason };
  }

  private scheduleFailback(inMs: number): void {
    if (this.failbackTimer !== undefined) clearTimeout(this.failbackTimer);
    this.failbackTimer = setTimeout(() => {
      this.failbackTimer = undefined;
      this.evaluate('failback');
    }, Math.max(1, Math.ceil(inMs)));
    this.failbackTimer.unref();
  }

  // ── Switching ─────────────────────────────────────────────────────────────────────────────

  /** Puts `target` on air now: an input from its cached keyframe (or its first message), the slate, or nothing. */
  private switchNow(target: OnAir, reason: SwitchReason): void {
    const previous = this.onAirValue;
    if (target === 'slate') {
      const slate = this.options.slate?.make(this.onAirParams);
      if (slate === undefined) {
        if (previous !== 'none') this.switchNow('none', reason);
        return;
      }
      this.leave(previous);
      this.announce(previous, 'slate', reason);
      this.onAirValue = 'slate';
      this.out.begin('slate');
      this.slateBinding.bind(slate);
      slate.start();
      return;
    }
    this.leave(previous);
    this.announce(previous, target, reason);
    this.onAirValue = target;
    if (target === 'none') return;
    const input = this.inputs[target];
    this.onAirParams = input.params ?? this.onAirParams;
    this.everOnAir = true;
    this.out.begin(target);
    const cached = input.warm.snapshot();
    input.warm.clear(); // on air: only headers are kept from now on
    const keyframe = cached.find((i) => i.keyframe && i.sequenceHeader !== true);
    const at = keyframe?.timestampMs ?? cached[0]?.timestampMs;
    if (input.metadata !== undefined) this.out.metadata(input.metadata.value, at ?? input.metadata.timestamp);
    for (const item of cached) {
      if (item.sequenceHeader === true) {
        input.warm.push(item);
        this.forward(item.kind, at ?? item.timestampMs, item.payload);
      } else {
        this.forward(item.kind, item.timestampMs, item.payload);
      }
    }
    this.audioFloor = undefined;
  }

  /** A pending switch completes at `input`'s keyframe (or first audio frame): headers first, then the frame. */
  private switchAtKeyframe(input: Input, kind: 'video' | 'audio', ts: number, payload: Buffer): void {
    const reason = this.pending?.reason ?? 'publisher-returned';
    this.pending = undefined;
    const previous = this.onAirValue;
    this.leave(previous);
    this.announce(previous, input.role, reason);
    this.onAirValue = input.role;
    this.onAirParams = input.params ?? this.onAirParams;
    this.everOnAir = true;
    this.out.begin(input.role);
    const headers = input.warm.snapshot().filter((i) => i.sequenceHeader === true);
    input.warm.clear();
    if (input.metadata !== undefined) this.out.metadata(input.metadata.value, ts);
    for (const header of headers) {
      input.warm.push(header);
      this.forward(header.kind, ts, header.payload);
    }
    this.forward(kind, ts, payload);
    this.audioFloor = kind === 'video' ? ts : undefined;
  }

  /** What was on air goes off: the slate stops; an input keeps its headers and caches its GOP again from its next keyframe. */
  private leave(previous: OnAir): void {
    if (previous === 'slate') this.stopSlate();
  }

  private stopSlate(): void {
    this.slateBinding.detach()?.close('slate off air');
  }

  private forward(kind: 'video' | 'audio', ts: number, payload: Buffer): void {
    if (kind === 'video') this.out.video(ts, payload);
    else this.out.audio(ts, payload);
    this.lastSentAt[kind] = this.clock();
    const pending = this.unmeasured;
    if (pending === undefined) return;
    // Measure on video, or on audio when there is no video on either side.
    const onAir = pending.event.onAir;
    const withVideo = onAir === 'slate' || pending.before.video !== undefined || ((onAir === 'primary' || onAir === 'backup') && this.inputs[onAir].sawVideo);
    const track = withVideo ? 'video' : 'audio';
    if (kind !== track) return;
    const isFrame = !(tryIsHeader(kind, payload));
    if (!isFrame) return;
    const after = this.out.lastTimestamp(kind);
    const before = pending.before[kind];
    const wallBefore = pending.wallBefore[kind];
    pending.event.gapMs = before === undefined || after === undefined ? null : after - before;
    pending.event.wallGapMs = wallBefore === undefined ? null : Math.round(this.clock() - wallBefore);
    this.unmeasured = undefined;
    this.emitSwitched(pending.event);
  }

  private announce(previous: OnAir, onAir: OnAir, reason: SwitchReason): void {
    this.flushUnmeasured();
    const wall = this.wallClock();
    for (const role of [previous, onAir]) if ((role === 'primary' || role === 'backup') && this.inputs[role].source !== undefined) this.inputs[role].stateSince = wall; // live ↔ warm
    const event: InputSwitchEvent = { streamId: this.streamId, onAir, previous, reason, at: new Date(this.wallClock()).toISOString(), gapMs: null, wallGapMs: null };
    this.logger.info({ streamId: this.streamId, onAir, previous, reason }, 'on air');
    if (onAir === 'none') {
      this.emitSwitched(event);
      return;
    }
    this.unmeasured = {
      event,
      before: { video: this.out.lastTimestamp('video'), audio: this.out.lastTimestamp('audio') },
      wallBefore: { ...this.lastSentAt },
    };
  }

  private flushUnmeasured(): void {
    const pending = this.unmeasured;
    this.unmeasured = undefined;
    if (pending !== undefined) this.emitSwitched(pending.event);
  }

  private emitSwitched(event: InputSwitchEvent): void {
    try {
      this.options.switched?.(event);
    } catch (error) {
      this.logger.error({ streamId: this.streamId, error: error instanceof Error ? error.message : String(error) }, 'input event listener threw');
    }
  }
}

/** The pixel format an H.264/HEVC sequence header declares (4:2:0 8-bit when it cannot be read). */
function pixelFormatOfHeader(tag: VideoTagInfo): SlatePixelFormat | null {
  try {
    const config = tag.codec === 'h264' ? parseAvcDecoderConfig(tag.payload) : tag.codec === 'hevc' ? parseHevcDecoderConfig(tag.payload) : undefined;
    if (config === undefined) return 'yuv420p';
    return pixelFormatOf(config.chromaFormatIdc, config.bitDepthLuma) ?? null;
  } catch {
    return 'yuv420p';
  }
}

function tryIsHeader(kind: 'video' | 'audio', payload: Buffer): boolean {
  if (kind === 'video') return tryParseVideoTag(payload)?.isSequenceHeader ?? false;
  return tryParseAudioTag(payload)?.isSequenceHeader ?? false;
}

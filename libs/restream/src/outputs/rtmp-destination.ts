import { type PublishOptions, RtmpError, type RtmpPublisher, type RtmpUrl, publishTarget, resolvePublishTarget } from '@fanout/rtmp';
import { Backoff, type BackoffOptions } from '../backoff';
import { BoundedQueue, type BoundedQueueOptions } from '../bounded-queue';
import { type Failure, failureFromError, stallFailure, willRetry } from '../failure';
import type { IngestStats } from '../ingest';
import type { EngineItem, ItemEncoder, SerialisationKey } from '../item';
import { type EngineLogger, fingerprint } from '../logger';
import { type PlatformRules, checkPlatformRules } from '../platform-rules';
import { RateMeter } from '../rate-meter';
import { type Sink, type SinkContext, type SinkStats, type StateChange, deliveryFigures } from '../sink';
import { type DestinationEvent, type DestinationState, type DestinationStatus, DISABLED, type FailureReason, IDLE, transition } from '../state';
import { DeliveryWatchdog } from '../watchdog';

/** A drop keeps its warning in the stats this long. */
const DROP_WARNING_MS = 10_000;

export interface DestinationSpec {
  id: string;
  name: string;
  /** Server URL without the key, e.g. rtmps://a.rtmps.youtube.com/live2. */
  url: string;
  /** Plaintext, in memory only. Never logged. */
  streamKey: string;
  enabled: boolean;
  rules?: PlatformRules;
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  /** Resolves (and may refuse) the server's address for each connection: the host's connection policy. */
  lookup?: PublishOptions['lookup'];
}

/** An RTMP destination's stats: the common sink figures plus its connection. */
export interface DestinationStats extends SinkStats {
  kind: 'rtmp';
  lastError: { reason: FailureReason; message: string; at: string } | null;
  /** Bytes written to the socket that the kernel has not taken yet. */
  socketBytes: number;
  /** Connection attempts after a failure. */
  reconnects: number;
  nextRetryAt: string | null;
  liveSince: string | null;
}

/** Connects and starts publishing; the default is `@fanout/rtmp`'s `publishTarget`. Injectable for tests. */
export type PublishFunction = (target: RtmpUrl, options: PublishOptions) => Promise<RtmpPublisher>;

export const defaultPublish: PublishFunction = publishTarget;

/** What an RTMP destination needs beyond the generic {@link SinkContext}. */
export interface RtmpDestinationOptions {
  readonly encoder: ItemEncoder;
  readonly publish: PublishFunction;
  readonly queue: Partial<BoundedQueueOptions>;
  readonly backoff: Partial<BackoffOptions>;
  readonly stallTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Stop writing to the socket past this many unsent bytes (keep the kernel side small). */
  readonly maxSocketBytes: number;
  /** Connection attempts a rejected key gets before the destination gives up (`failed`). */
  readonly rejectedKeyAttempts: number;
  /** A destination connected: the engine re-picks the serialisation key to encode for on arrival. */
  connectionsChanged(): void;
  /** Enhanced RTMP FourCCs to advertise for the current ingest codec, if any. */
  fourCcList(): string[] | undefined;
}

/**
 * One RTMP destination: its connection, its bounded queue and writer, reconnects with backoff
 * and stall detection, and its state machine. The ingest pushes; nothing here ever makes it wait.
 */
export class RtmpDestination implements Sink {
  readonly kind = 'rtmp';
  private specValue: DestinationSpec;
  private stateValue: DestinationState;
  private readonly queue: BoundedQueue<EngineItem>;
  private readonly backoff: Backoff;
  private readonly rate: RateMeter;
  private publisher: RtmpPublisher | undefined;
  /** Bumped whenever the current connection or attempt is abandoned: late callbacks compare it. */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: DeliveryWatchdog | undefined;
  private flushing = false;
  private rejectedAttempts = 0;
  private readonly closing = new Set<Promise<void>>();
  private readonly log: EngineLogger;
  private keyPrint: string;
  private lastDropAt: number | undefined;

  bytesSent = 0;
  reconnects = 0;
  lastError: DestinationStats['lastError'] = null;
  liveSince: number | null = null;
  /** Connection attempts started (diagnostics and tests). */
  attempts = 0;

  constructor(
    spec: DestinationSpec,
    private readonly ctx: SinkContext,
    private readonly rtmp: RtmpDestinationOptions,
  ) {
    this.specValue = spec;
    this.keyPrint = fingerprint(spec.streamKey);
    this.stateValue = spec.enabled ? IDLE : DISABLED;
    this.queue = new BoundedQueue<EngineItem>(rtmp.queue);
    this.backoff = new Backoff({ clock: ctx.clock, ...rtmp.backoff });
    this.rate = new RateMeter({ clock: ctx.clock });
    this.log = {
      debug: (o, m) => ctx.logger.debug({ ...this.logFields(), ...o }, m),
      info: (o, m) => ctx.logger.info({ ...this.logFields(), ...o }, m),
      warn: (o, m) => ctx.logger.warn({ ...this.logFields(), ...o }, m),
      error: (o, m) => ctx.logger.error({ ...this.logFields(), ...o }, m),
    };
  }

  get id(): string {
    return this.specValue.id;
  }

  get spec(): DestinationSpec {
    return this.specValue;
  }

  get status(): DestinationStatus {
    return this.stateValue.status;
  }

  get state(): DestinationState {
    return this.stateValue;
  }

  /** Chunk size and message stream id of the live connection, if any. */
  get serialisationKey(): SerialisationKey | undefined {
    const publisher = this.publisher;
    return publisher === undefined ? undefined : { chunkSize: publisher.session.outChunkSize, streamId: publisher.streamId };
  }

  /** Takes live items only while connected and publishing. Never blocks, never throws. */
  push(item: EngineItem): void {
    if (this.publisher === undefined || this.stateValue.status !== 'live') return;
    const droppedBefore = this.queue.droppedFrames + this.queue.droppedAudio;
    const wasDropping = this.queue.dropping;
    const wasAwaitingKeyframe = this.queue.awaitingKeyframe;
    const result = this.queue.push(item);
    if (result === 'overflow') {
      this.abandon(stallFailure(`${this.queue.controlItems} control messages unsent: destination stalled`));
      return;
    }
    // The item itself, or older queued frames it displaced (whole GOP tails). Inter frames refused
    // because a fresh connection waits for its first keyframe are counted but are not lag.
    const dropped = this.queue.droppedFrames + this.queue.droppedAudio > droppedBefore;
    const waitingForFirstKeyframe = result === 'dropped' && wasAwaitingKeyframe && !wasDropping && !this.queue.dropping;
    if (dropped && !waitingForFirstKeyframe) {
      this.lastDropAt = this.ctx.clock();
      this.ctx.warner.warn(
        `${this.id}:drop`,
        { ...this.logFields(), droppedFrames: this.queue.droppedFrames, queueBytes: this.queue.bytes },
        'destination is behind: dropping frames up to the next keyframe',
      );
    }
    if (!this.flushing && this.publisher.writable) this.flush();
  }

  /** The ingest is live (its first headers arrived): connect if enabled. */
  ingestStarted(): void {
    if (this.apply({ type: 'ingestStarted' }) === 'connecting') this.connect();
  }

  /** The ingest is over: unpublish cleanly and go idle. */
  ingestEnded(): void {
    this.disconnect();
    this.backoff.reset();
    this.rejectedAttempts = 0;
    this.apply({ type: 'ingestEnded' });
  }

  enable(ingestLive: boolean): void {
    if (this.apply({ type: 'enable', ingestLive }) === 'connecting') this.connect();
  }

  disable(): void {
    this.disconnect();
    this.apply({ type: 'disable' });
  }

  /**
   * A new spec for this id. Name and rules apply at once; a new URL, key or TLS setting drops
   * the connection (cleanly) and connects again right away. An edited server, key or TLS
   * setting (or switching the destination back on) starts its reconnect count and last error
   * afresh: they described the old settings.
   */
  update(spec: DestinationSpec, ingestLive: boolean): void {
    const previous = this.specValue;
    this.specValue = spec;
    this.keyPrint = fingerprint(spec.streamKey);
    const changed = previous.url !== spec.url || previous.streamKey !== spec.streamKey || !sameTls(previous.tls, spec.tls);
    if (changed || (spec.enabled && !previous.enabled)) {
      this.reconnects = 0;
      this.lastError = null;
    }
    if (previous.enabled !== spec.enabled) {
      if (spec.enabled) this.enable(ingestLive);
      else this.disable();
      return;
    }
    if (!changed || this.status === 'disabled' || this.status === 'idle') return;
    this.log.info({}, 'destination reconfigured: reconnecting');
    this.disconnect();
    this.backoff.reset();
    this.rejectedAttempts = 0;
    this.apply({ type: 'reconfigure' });
    this.connect();
  }

  /** The user asked to retry now: a failed or waiting destination connects at once, with a fresh backoff. */
  retryNow(): void {
    if (this.status !== 'failed' && this.status !== 'reconnecting') return;
    this.teardown();
    this.backoff.reset();
    this.rejectedAttempts = 0;
    if (this.apply({ type: 'retry' }) === 'connecting') this.connect();
  }

  /** Unpublishes and forgets everything; resolves once every connection is closed. */
  async close(): Promise<void> {
    this.disconnect();
    this.ctx.warner.forget(`${this.id}:`);
    await this.settled();
  }

  /** Resolves once every connection this output closed has finished closing. */
  async settled(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  stats(ingest: IngestStats): DestinationStats {
    const state = this.stateValue;
    const warnings = checkPlatformRules(ingest, this.specValue.rules, this.specValue.name);
    if (this.lastDropAt !== undefined && this.ctx.clock() - this.lastDropAt < DROP_WARNING_MS) {
      warnings.push(`${this.specValue.name} is slower than the stream: frames were dropped in the last ${DROP_WARNING_MS / 1_000} s.`);
    }
    return {
      id: this.id,
      kind: 'rtmp',
      name: this.specValue.name,
      state: state.status,
      ...deliveryFigures(this.rate, this.bytesSent, this.queue),
      socketBytes: this.publisher?.bytesQueued ?? 0,
      reconnects: this.reconnects,
      lastError: this.lastError,
      nextRetryAt: state.status === 'reconnecting' ? this.wallIso(state.nextRetryAt) : null,
      liveSince: this.liveSince === null ? null : this.wallIso(this.liveSince),
      warnings,
    };
  }

  private connect(): void {
    const generation = ++this.generation;
    this.attempts += 1;
    let target: RtmpUrl;
    try {
      target = resolvePublishTarget(this.specValue.url, this.specValue.streamKey);
    } catch (error) {
      this.failed(generation, error);
      return;
    }
    const fourCcList = this.rtmp.fourCcList();
    const options: PublishOptions = {
      connectTimeoutMs: this.rtmp.connectTimeoutMs,
      timeoutMs: this.rtmp.connectTimeoutMs,
      ...(fourCcList !== undefined ? { fourCcList } : {}),
      ...(this.specValue.tls !== undefined ? { tls: this.specValue.tls } : {}),
      ...(this.specValue.lookup !== undefined ? { lookup: this.specValue.lookup } : {}),
    };
    this.log.debug({ attempt: this.attempts }, 'connecting');
    this.rtmp.publish(target, options).then(
      (publisher) => this.connected(generation, publisher),
      (error: unknown) => this.failed(generation, error),
    );
  }

  private connected(generation: number, publisher: RtmpPublisher): void {
    if (generation !== this.generation || this.stateValue.status !== 'connecting') {
      this.track(publisher.close()); // abandoned attempt: unpublish what we just published
      return;
    }
    if (publisher.closed) {
      this.failed(generation, publisher.session.error ?? new RtmpError('CONNECTION_CLOSED', 'closed right after publish'));
      return;
    }
    this.publisher = publisher;
    publisher.on('drain', () => {
      if (generation !== this.generation) return;
      this.watchdog?.drained(this.ctx.clock());
      this.flush();
    });
    publisher.on('close', (error) => {
      if (generation !== this.generation) return;
      this.failed(generation, error ?? new RtmpError('CONNECTION_CLOSED', 'destination closed the connection'));
    });
    // Clean start, all in this tick: empty queue, then metadata + headers + current GOP, then live.
    this.queue.clear();
    for (const item of this.ctx.snapshot()) this.queue.push(item);
    this.rejectedAttempts = 0;
    this.backoff.succeeded();
    this.liveSince = this.ctx.clock();
    this.apply({ type: 'connected' });
    this.rtmp.connectionsChanged();
    this.startWatchdog();
    this.flush();
  }

  /**
   * Writes queued items while the socket takes them; resumes on 'drain'. What is queued (the
   * snapshot on connect, the backlog after a 'drain') goes out as one batch (one corked writev)
   * of the very same Buffers, up to `maxSocketBytes` in the socket.
   */
  private flush(): void {
    const publisher = this.publisher;
    if (publisher === undefined || this.flushing) return;
    this.flushing = true;
    try {
      // Another batch only if the socket took the last one and still has room (no 'drain' would come).
      while (publisher.writable && publisher.bytesQueued < this.rtmp.maxSocketBytes) {
        const room = this.rtmp.maxSocketBytes - publisher.bytesQueued;
        let first: Buffer | undefined;
        let batch: Buffer[] | undefined;
        let bytes = 0;
        while (bytes < room) {
          const item = this.queue.shift();
          if (item === undefined) break;
          const chunks = this.rtmp.encoder.encode(item, publisher);
          if (first === undefined) first = chunks;
          else if (batch === undefined) batch = [first, chunks];
          else batch.push(chunks);
          bytes += chunks.length;
        }
        if (first === undefined) return;
        publisher.writeRaw(batch ?? first);
        this.bytesSent += bytes;
        this.rate.record(bytes);
      }
    } finally {
      this.flushing = false;
    }
  }

  private startWatchdog(): void {
    this.watchdog = new DeliveryWatchdog(this.rtmp.stallTimeoutMs, this.ctx.clock());
    this.ctx.watchStalls();
  }

  /**
   * Samples delivery progress of the live connection (called by the engine's one stall timer for
   * all destinations). Returns false when there is nothing to watch.
   */
  checkStall(): boolean {
    const watchdog = this.watchdog;
    const publisher = this.publisher;
    if (watchdog === undefined || publisher === undefined) return false;
    const stalledFor = watchdog.sample(
      { socketBytes: publisher.bytesQueued, queuedItems: this.queue.size, peerAcknowledged: publisher.session.peerAcknowledged },
      this.ctx.clock(),
    );
    if (stalledFor > 0) this.abandon(stallFailure(`no delivery progress for ${Math.round(stalledFor)} ms (${publisher.bytesQueued} bytes unsent in the socket)`));
    return true;
  }

  /** Gives up on a live connection that cannot deliver: drop it at once (a clean unpublish would wait on it), then retry. */
  private abandon(failure: Failure): void {
    const publisher = this.publisher;
    this.failed(this.generation, failure);
    publisher?.destroy(new RtmpError('SESSION_CLOSED', failure.message));
  }

  /** A connection attempt or the live connection failed (`error`: what it failed with, or the engine's own decision). */
  private failed(generation: number, error: unknown): void {
    if (generation !== this.generation) return;
    const status = this.stateValue.status;
    if (status !== 'connecting' && status !== 'live') return;
    const failure = isFailure(error) ? error : failureFromError(error, this.specValue.streamKey);
    this.teardown();
    const now = this.ctx.clock();
    this.lastError = { reason: failure.reason, message: failure.message, at: this.wallIso(now) };
    if (failure.reason === 'rejected-key') this.rejectedAttempts += 1;
    const retryAt = willRetry(failure, this.rejectedAttempts, this.rtmp.rejectedKeyAttempts) ? now + this.backoff.next(now) : undefined;
    const next = this.apply(
      retryAt === undefined ? { type: 'failed', reason: failure.reason } : { type: 'failed', reason: failure.reason, retryAt },
      failure.message,
    );
    const level = failure.reason === 'stalled' || status === 'live' ? 'warn' : 'info';
    this.log[level]({ reason: failure.reason, error: failure.message, wasLive: status === 'live', retryInMs: retryAt === undefined ? null : Math.round(retryAt - now) }, next === 'failed' ? 'destination failed: giving up until the ingest restarts' : 'destination failed: will retry');
    if (retryAt !== undefined) {
      const retryGeneration = this.generation;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (retryGeneration !== this.generation) return;
        if (this.apply({ type: 'retry' }) !== 'connecting') return;
        this.reconnects += 1;
        this.connect();
      }, Math.max(0, retryAt - now));
      this.retryTimer.unref();
    }
  }

  /** Ends the current connection cleanly (FCUnpublish, deleteStream) and any pending attempt or retry. */
  private disconnect(): void {
    const publisher = this.publisher;
    this.teardown();
    if (publisher !== undefined && !publisher.closed) this.track(publisher.close());
  }

  /** Forgets the connection and timers; the queue is emptied so a dead destination holds no memory. */
  private teardown(): void {
    this.generation += 1;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.watchdog = undefined;
    this.publisher = undefined;
    this.liveSince = null;
    this.queue.clear();
  }

  private track(closing: Promise<void>): void {
    const done = closing.catch(() => undefined).finally(() => this.closing.delete(done));
    this.closing.add(done);
  }

  /** Applies an event; reports a change to the engine. Returns the resulting status. */
  private apply(event: DestinationEvent, message?: string): DestinationStatus {
    const from = this.stateValue;
    const to = transition(from, event);
    if (to === from) return from.status;
    this.stateValue = to;
    const change: StateChange = { destinationId: this.id, from: from.status, to: to.status };
    if (to.status === 'reconnecting' || to.status === 'failed') change.reason = to.reason;
    if (message !== undefined) change.message = message;
    if (to.status === 'reconnecting') change.nextRetryAt = this.wallIso(to.nextRetryAt);
    this.log.info({ from: from.status, to: to.status, reason: change.reason ?? null }, 'destination state');
    this.ctx.stateChanged(change);
    return to.status;
  }

  private wallIso(monotonicMs: number): string {
    return new Date(this.ctx.wallClock() + (monotonicMs - this.ctx.clock())).toISOString();
  }

  private logFields(): object {
    return { streamId: this.ctx.streamId, destinationId: this.id, keyFingerprint: this.keyPrint };
  }
}

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'reason' in value && 'permanent' in value && !(value instanceof Error);
}

function sameTls(a: DestinationSpec['tls'], b: DestinationSpec['tls']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const ca = (x: string | Buffer | undefined): string | undefined => (x === undefined ? undefined : Buffer.isBuffer(x) ? x.toString('base64') : x);
  return ca(a.ca) === ca(b.ca) && a.rejectUnauthorized === b.rejectUnauthorized;
}

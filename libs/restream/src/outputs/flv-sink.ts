import { FLV_TAG_SCRIPT, encodeFlvHeader, encodeFlvTag } from '@fanout/rtmp';
import { BoundedQueue, type BoundedQueueOptions } from '../bounded-queue';
import type { IngestStats } from '../ingest';
import { type EngineItem, payloadOf } from '../item';
import { RateMeter } from '../rate-meter';
import { type Sink, type SinkContext, type SinkStats, deliveryFigures } from '../sink';
import type { DestinationStatus } from '../state';
import { writevFully } from './write-fully';

/** Where an FLV stream goes: a file, an HTTP response. One write is in flight at a time. */
export interface FlvTarget {
  /** Resolves when the bytes were taken (written to the file, handed to the socket without backpressure). */
  write(chunks: readonly Buffer[]): Promise<void>;
  close(): Promise<void>;
}

export interface FlvSinkOptions {
  id: string;
  /** e.g. 'flv-file', 'preview'. */
  kind: string;
  name: string;
  /** Opens the target when the ingest starts (or at once, if it is live already). */
  open(): Promise<FlvTarget>;
  /** Close the target when the ingest ends (a file); otherwise keep it for the next session. */
  closeOnIngestEnd?: boolean;
  /**
   * Where the FLV starts: 'broadcast' (a file: the broadcast from its first frame while the
   * engine's start log lasts, else the current GOP) or 'keyframe' (a live viewer: headers and
   * the current GOP from its keyframe, for the lowest delay). Default 'broadcast'.
   */
  from?: 'broadcast' | 'keyframe';
  queue?: Partial<BoundedQueueOptions>;
  /** A write that takes longer than this (the reader stopped reading) fails the sink as `stalled` (default 10 s). */
  stallTimeoutMs?: number;
  /** The sink failed or was closed: the host may detach it. */
  onGone?(reason: string): void;
}

/**
 * Writes the output timeline as an FLV stream (header, then one tag per item) to a target: a
 * file (the second kind of output, after RTMP destinations) or an HTTP-FLV preview viewer. Starts from what the engine's snapshot holds (headers, then the GOP or the whole
 * broadcast), then every live item; its own bounded queue drops whole GOP tails when the target
 * is slower than the stream, so it never holds up the ingest or another sink.
 */
export class FlvSink implements Sink {
  readonly id: string;
  readonly kind: string;
  readonly wantsPayloads = true;
  private statusValue: DestinationStatus = 'idle';
  private readonly queue: BoundedQueue<EngineItem>;
  private readonly rate: RateMeter;
  private target: FlvTarget | undefined;
  private writing: Promise<void> | undefined;
  private opening: Promise<void> | undefined;
  private headerWritten = false;
  private hasAudio = true;
  private bytesSent = 0;
  private lastError: SinkStats['lastError'] = null;
  private closed = false;
  private generation = 0;

  constructor(
    private readonly options: FlvSinkOptions,
    private readonly ctx: SinkContext,
  ) {
    this.id = options.id;
    this.kind = options.kind;
    this.queue = new BoundedQueue<EngineItem>(options.queue);
    this.rate = new RateMeter({ clock: ctx.clock });
  }

  get status(): DestinationStatus {
    return this.statusValue;
  }

  push(item: EngineItem): void {
    if (this.statusValue !== 'live') return;
    this.queue.push(item);
    this.pump();
  }

  ingestStarted(): void {
    if (this.closed || this.statusValue === 'live' || this.statusValue === 'connecting') return;
    if (this.target !== undefined) return this.goLive(); // kept open across sessions
    this.setStatus('connecting');
    const generation = this.generation;
    this.opening = this.options.open().then(
      (target) => {
        this.opening = undefined;
        if (generation !== this.generation || this.closed) {
          void target.close().catch(() => undefined);
          return;
        }
        this.target = target;
        this.goLive();
      },
      (error: unknown) => {
        this.opening = undefined;
        if (generation === this.generation) this.fail('could not open', error);
      },
    );
  }

  ingestEnded(): void {
    if (this.statusValue === 'failed' || this.closed) return;
    this.generation += 1;
    if (this.options.closeOnIngestEnd !== false) {
      const target = this.target;
      this.target = undefined;
      this.headerWritten = false;
      const finish = async () => {
        await this.writing; // what was queued goes out first
        await target?.close();
      };
      this.writing = finish().catch((error: unknown) => this.fail('could not finish', error));
    }
    this.setStatus('idle');
  }

  stats(_ingest: IngestStats): SinkStats {
    return {
      id: this.id,
      kind: this.kind,
      name: this.options.name,
      state: this.statusValue,
      ...deliveryFigures(this.rate, this.bytesSent, this.queue),
      lastError: this.lastError,
      warnings: [],
    };
  }

  async close(): Promise<void> {
    if (this.closed) return this.settled();
    this.closed = true;
    this.generation += 1;
    await this.opening;
    const target = this.target;
    this.target = undefined;
    this.queue.clear();
    await this.writing?.catch(() => undefined);
    await target?.close().catch(() => undefined);
    this.setStatus('idle');
    this.options.onGone?.('closed');
  }

  async settled(): Promise<void> {
    await this.opening;
    await this.writing?.catch(() => undefined);
  }

  private goLive(): void {
    this.queue.clear();
    const start = this.options.from === 'keyframe' ? this.ctx.liveSnapshot() : this.ctx.snapshot();
    // The FLV header's flags: a player told of an audio track that never comes waits for it.
    if (!this.headerWritten) this.hasAudio = start.some((item) => item.kind === 'audio');
    for (const item of start) this.queue.push(item);
    this.setStatus('live');
    this.pump();
  }

  /** Writes what is queued as one batch when no write is in flight; again when it completes. */
  private pump(): void {
    const target = this.target;
    if (this.writing !== undefined || target === undefined || this.statusValue !== 'live') return;
    const chunks: Buffer[] = [];
    if (!this.headerWritten) {
      chunks.push(encodeFlvHeader({ hasAudio: this.hasAudio, hasVideo: true }));
      this.headerWritten = true;
    }
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      if (item.kind === 'control') continue;
      chunks.push(encodeFlvTag({ type: item.kind === 'data' ? FLV_TAG_SCRIPT : item.type, timestamp: item.timestampMs, data: payloadOf(item) }));
    }
    if (chunks.length === 0) return;
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    const generation = this.generation;
    const stallMs = this.options.stallTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`a write of ${bytes} bytes took longer than ${stallMs} ms`)), stallMs);
      timer.unref();
    });
    this.writing = Promise.race([target.write(chunks), stalled])
      .then(() => {
        this.bytesSent += bytes;
        this.rate.record(bytes);
      })
      .finally(() => {
        clearTimeout(timer);
        this.writing = undefined;
      })
      .then(
        () => {
          if (generation === this.generation) this.pump();
        },
        (error: unknown) => {
          if (generation === this.generation) this.fail('stalled', error);
        },
      );
  }

  private fail(what: string, error: unknown): void {
    const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    this.lastError = { reason: what === 'stalled' ? 'stalled' : 'io', message, at: new Date(this.ctx.wallClock()).toISOString() };
    this.ctx.logger.warn({ streamId: this.ctx.streamId, sink: this.id, kind: this.kind, error: message }, 'sink failed');
    this.generation += 1;
    this.queue.clear();
    const target = this.target;
    this.target = undefined;
    void target?.close().catch(() => undefined);
    this.setStatus('failed');
    this.options.onGone?.(message);
  }

  private setStatus(to: DestinationStatus): void {
    const from = this.statusValue;
    if (from === to) return;
    this.statusValue = to;
    this.ctx.stateChanged({ destinationId: this.id, from, to });
  }
}

/** An {@link FlvTarget} over a file, created (truncated) when opened. */
export async function openFlvFile(path: string): Promise<FlvTarget> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'w');
  return {
    write: (chunks) => writevFully(handle, chunks),
    close: () => handle.close(),
  };
}

/** The part of a `Writable` (an HTTP response, a socket) an FLV stream needs. */
export interface FlvWritable {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
  end(): unknown;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/**
 * An {@link FlvTarget} over a writable stream (an HTTP-FLV viewer's response): a batch is one
 * corked write, taken once the stream has room again. A reader that went away rejects the
 * write; one that stopped reading leaves it pending, and the sink's stall timeout drops it.
 */
export function writableFlvTarget(out: FlvWritable): FlvTarget {
  return {
    write: (chunks) =>
      new Promise<void>((resolve, reject) => {
        if (out.destroyed) return reject(new Error('the reader went away'));
        out.cork();
        let room = true;
        for (const chunk of chunks) room = out.write(chunk);
        out.uncork();
        if (room) return resolve();
        const settle = (error?: Error) => {
          out.off('drain', onDrain);
          out.off('close', onClose);
          if (error) reject(error);
          else resolve();
        };
        const onDrain = () => settle();
        const onClose = () => settle(new Error('the reader went away'));
        out.once('drain', onDrain);
        out.once('close', onClose);
      }),
    close: async () => {
      if (!out.destroyed) out.end();
    },
  };
}

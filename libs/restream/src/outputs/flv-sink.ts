import { FLV_TAG_SCRIPT, encodeFlvHeader } from '@fanout/rtmp';
import { BoundedQueue, type BoundedQueueOptions } from '../bounded-queue';
import type { IngestStats } from '../ingest';
import { type EngineItem, payloadOf } from '../item';
import { RateMeter } from '../rate-meter';
import { type Sink, type SinkContext, type SinkStats, deliveryFigures } from '../sink';
import type { DestinationStatus } from '../state';
import { writevFully } from './write-fully';

/** Where an FLV stream goes: a file, an HTTP response. One write is in flight at a time. */
export interface FlvTarget {
  /**
   * Resolves when the bytes were taken (written to the file, handed to the socket without
   * backpressure). The chunks are views of the engine's buffers: written or copied, never kept
   * or changed.
   */
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
  /** Items of the batch being written (reused). */
  private readonly batch: EngineItem[] = [];
  /** The write in flight: settles it (also when it stalled); undefined when none is. */
  private endWrite: (() => void) | undefined;
  private writeStartedAt = 0;
  private writeBytes = 0;
  private writeGeneration = 0;
  private stallTimer: NodeJS.Timeout | undefined;

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

  /**
   * Writes what is queued as one batch when no write is in flight; again when it completes. The
   * batch is a list of views, not a copy: each tag's 11-byte header (with the previous tag's
   * PreviousTagSize before it) from one small buffer per batch, and the payload as the engine
   * holds it. Stalls are caught by one lazy timer per sink (see {@link watchStall}), not a timer
   * per write.
   */
  private pump(): void {
    const target = this.target;
    if (this.writing !== undefined || target === undefined || this.statusValue !== 'live') return;
    const chunks: Buffer[] = [];
    let bytes = 0;
    if (!this.headerWritten) {
      const header = encodeFlvHeader({ hasAudio: this.hasAudio, hasVideo: true });
      chunks.push(header);
      bytes += header.length;
      this.headerWritten = true;
    }
    const items = this.batch;
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) if (item.kind !== 'control') items.push(item);
    if (items.length > 0) {
      // Per tag: its header (11 bytes) and, after its body, its PreviousTagSize (4); a tag's
      // PreviousTagSize and the next tag's header are one view.
      const meta = Buffer.allocUnsafe(items.length * (TAG_HEADER + PREVIOUS_TAG_SIZE));
      let start = 0;
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as EngineItem;
        const data = payloadOf(item);
        const at = i * (TAG_HEADER + PREVIOUS_TAG_SIZE);
        writeTagHeader(meta, at, item.kind === 'data' ? FLV_TAG_SCRIPT : item.type, item.timestampMs, data.length);
        chunks.push(meta.subarray(start, at + TAG_HEADER), data);
        meta.writeUInt32BE(TAG_HEADER + data.length, at + TAG_HEADER);
        start = at + TAG_HEADER;
        bytes += data.length;
      }
      chunks.push(meta.subarray(start));
      bytes += meta.length;
      items.length = 0;
    }
    if (chunks.length === 0) return;
    const generation = this.generation;
    this.writeBytes = bytes;
    this.writeGeneration = generation;
    this.writeStartedAt = performance.now();
    this.writing = new Promise<void>((resolve) => {
      this.endWrite = resolve;
      const settle = (error: unknown, failed: boolean): void => {
        if (this.endWrite !== resolve) return; // the stall check settled it already
        this.endWrite = undefined;
        this.writing = undefined;
        resolve();
        if (generation !== this.generation) return;
        if (failed) return this.fail('stalled', error);
        this.bytesSent += bytes;
        this.rate.record(bytes);
        this.pump();
      };
      target.write(chunks).then(
        () => settle(undefined, false),
        (error: unknown) => settle(error, true),
      );
    });
    this.watchStall();
  }

  /**
   * One timer per sink for stalls: armed with a write, it looks at the write in flight when it
   * fires, if any, and fails the sink once that write is older than the stall timeout; otherwise
   * it waits for the rest of that write's time, or, idle, stops until the next write.
   */
  private watchStall(): void {
    if (this.stallTimer !== undefined) return;
    const stallMs = this.options.stallTimeoutMs ?? 10_000;
    const check = (): void => {
      this.stallTimer = undefined;
      const end = this.endWrite;
      if (end === undefined) return;
      const waited = performance.now() - this.writeStartedAt;
      if (waited < stallMs) {
        this.stallTimer = setTimeout(check, stallMs - waited);
        this.stallTimer.unref();
        return;
      }
      this.endWrite = undefined;
      this.writing = undefined;
      end();
      if (this.writeGeneration === this.generation) this.fail('stalled', new Error(`a write of ${this.writeBytes} bytes took longer than ${stallMs} ms`));
    };
    this.stallTimer = setTimeout(check, stallMs);
    this.stallTimer.unref();
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

const TAG_HEADER = 11;
const PREVIOUS_TAG_SIZE = 4;
const MAX_TAG_DATA = 0xffffff;

/** An FLV tag header at `at`: type, body size, timestamp (24 bits + extension), stream id 0. */
function writeTagHeader(out: Buffer, at: number, type: number, timestamp: number, size: number): void {
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) throw new Error(`FLV tag: timestamp ${timestamp} is not a 32-bit unsigned integer`);
  if (size > MAX_TAG_DATA) throw new Error(`FLV tag: body of ${size} bytes exceeds ${MAX_TAG_DATA}`);
  out[at] = type & 0x1f;
  out[at + 1] = size >>> 16;
  out[at + 2] = (size >>> 8) & 0xff;
  out[at + 3] = size & 0xff;
  out[at + 4] = (timestamp >>> 16) & 0xff;
  out[at + 5] = (timestamp >>> 8) & 0xff;
  out[at + 6] = timestamp & 0xff;
  out[at + 7] = timestamp >>> 24;
  out[at + 8] = 0;
  out[at + 9] = 0;
  out[at + 10] = 0;
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
 * write of its chunks joined, taken once the stream has room again. A reader that went away rejects the
 * write; one that stopped reading leaves it pending, and the sink's stall timeout drops it.
 */
export function writableFlvTarget(out: FlvWritable): FlvTarget {
  return {
    write: (chunks) =>
      new Promise<void>((resolve, reject) => {
        if (out.destroyed) return reject(new Error('the reader went away'));
        // One write per batch (an HTTP response frames each write as a chunk), corked so the
        // response does not cork and uncork the socket a tick later itself.
        out.cork();
        const room = out.write(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
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

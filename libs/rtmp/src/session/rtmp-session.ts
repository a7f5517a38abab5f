import { EventEmitter } from 'node:events';
import type { AmfObject, AmfValue } from '../amf/types';
import { ChunkDecoder } from '../chunk/chunk-decoder';
import { serialiseMessage } from '../chunk/chunk-encoder';
import type { RawMessage } from '../chunk/types';
import { RtmpError } from '../errors';
import { RtmpLimits, resolveLimits } from '../limits';
import { decodeMessage, encodeMessage } from '../message';
import type { RtmpMessage } from '../message/types';
import { Csid } from './chunk-streams';
import type { SessionTransport } from './transport';

export interface SessionOptions {
  limits?: Partial<RtmpLimits>;
}

export interface StatusInfo extends AmfObject {
  level: 'status' | 'error' | 'warning';
  code: string;
  description: string;
}

/** Events every session emits; role-specific maps extend this. */
export interface SessionEvents {
  /** The transport's write queue drained: writers may continue. */
  drain: [];
  /** The session failed (also reported by 'close'); only emitted when someone listens. */
  error: [error: RtmpError];
  /** Emitted once, with the error that closed the session, if any. */
  close: [error: RtmpError | undefined];
}

/**
 * What every RTMP session does regardless of role: feed bytes through the handshake and the
 * chunk decoder, answer protocol control (acknowledgements, window sizes, pings, chunk size),
 * and serialise outgoing messages onto a {@link SessionTransport}. Role logic lives in
 * `ServerSession` and `ClientSession`.
 */
export abstract class RtmpSession<
  E extends SessionEvents & Record<keyof E, unknown[]> = SessionEvents,
> extends EventEmitter<E> {
  readonly limits: RtmpLimits;
  protected readonly decoder: ChunkDecoder;
  protected transport: SessionTransport | null = null;

  /** Chunk size we send with; changed with {@link setOutChunkSize}. */
  outChunkSize = 128;
  /** Acknowledge every this many received bytes, as the peer asked with Window Ack Size. */
  peerAckWindow = 0;
  /** Last Window Ack Size we announced. */
  protected announcedWindow = 0;
  /** Bytes received on this connection (handshake included). */
  bytesReceived = 0;
  private lastAckAt = 0;
  /** The peer's last Acknowledgement sequence number. */
  peerAcknowledged = 0;
  private closedValue = false;
  private closeError: RtmpError | undefined;

  protected constructor(options: SessionOptions = {}) {
    super();
    this.limits = resolveLimits(options.limits);
    this.decoder = new ChunkDecoder({ limits: this.limits, onMessage: (m) => this.dispatch(m) });
  }

  /** Connects the session to its byte pipe. Called once by the adapter (or a test). */
  attach(transport: SessionTransport): void {
    if (this.transport) throw new RtmpError('INVALID_STATE', 'session already attached');
    this.transport = transport;
    this.onAttach();
  }

  protected onAttach(): void {}

  get closed(): boolean {
    return this.closedValue;
  }

  /** False while the transport asks writers to wait for 'drain'. */
  get writable(): boolean {
    return !this.closedValue && (this.transport?.writable ?? false);
  }

  get bytesQueued(): number {
    return this.transport?.bytesQueued ?? 0;
  }

  /** Called by the transport when its queue drained; re-emitted as 'drain'. */
  notifyDrain(): void {
    this.baseEmit('drain');
  }

  /** Emits one of the {@link SessionEvents} (typed against the base map, whatever E is). */
  private baseEmit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    (this as unknown as EventEmitter).emit(event, ...args);
  }

  private hasErrorListener(): boolean {
    return (this as unknown as EventEmitter).listenerCount('error') > 0;
  }

  /**
   * Feeds bytes received from the peer. Protocol errors close the session with a typed
   * error; nothing is thrown to the caller.
   */
  receive(data: Buffer): void {
    if (this.closedValue) return;
    this.bytesReceived += data.length;
    try {
      const rest = this.receiveHandshake(data);
      if (rest && rest.length > 0) this.decoder.push(rest);
      this.maybeAcknowledge();
    } catch (error) {
      this.close(toRtmpError(error));
    }
  }

  /** Consumes handshake bytes; returns what belongs to the chunk stream (or null). */
  protected abstract receiveHandshake(data: Buffer): Buffer | null;

  /** Handles a decoded message that is not protocol control. */
  protected abstract onMessage(message: RtmpMessage, raw: RawMessage): void;

  /** Name of the handshake stage we are waiting for, or undefined when the handshake is over. */
  abstract get handshakeStage(): string | undefined;

  private dispatch(raw: RawMessage): void {
    if (this.closedValue) return; // closed by an earlier message of the same read
    const message = decodeMessage(raw.type, raw.payload, this.limits);
    switch (message.kind) {
      case 'setChunkSize':
      case 'abort':
        return; // applied by the chunk decoder already
      case 'acknowledgement':
        this.peerAcknowledged = message.sequenceNumber;
        return;
      case 'windowAckSize':
        this.peerAckWindow = message.windowSize;
        return;
      case 'setPeerBandwidth':
        // Spec 5.4.5: answer with Window Ack Size if it differs from what we last sent.
        if (message.windowSize !== this.announcedWindow) this.sendWindowAckSize(message.windowSize);
        return;
      case 'userControl':
        if (message.event === 'pingRequest') {
          this.sendControl({ kind: 'userControl', event: 'pingResponse', timestamp: message.timestamp });
          return;
        }
        this.onMessage(message, raw);
        return;
      default:
        this.onMessage(message, raw);
    }
  }

  private maybeAcknowledge(): void {
    if (this.peerAckWindow <= 0 || this.closedValue) return;
    if (this.bytesReceived - this.lastAckAt >= this.peerAckWindow) {
      this.lastAckAt = this.bytesReceived;
      this.sendControl({ kind: 'acknowledgement', sequenceNumber: this.bytesReceived % 0x100000000 });
    }
  }

  protected sendWindowAckSize(windowSize: number): void {
    this.announcedWindow = windowSize;
    this.sendControl({ kind: 'windowAckSize', windowSize });
  }

  /** Announces a new outgoing chunk size and uses it for everything written afterwards. */
  setOutChunkSize(size: number): void {
    this.sendControl({ kind: 'setChunkSize', chunkSize: size });
    this.outChunkSize = size;
  }

  /** Serialises a protocol control message (chunk stream 2, message stream 0). */
  protected sendControl(message: RtmpMessage): void {
    this.send(Csid.Control, 0, 0, message);
  }

  /** Serialises one message and writes it. */
  protected send(csid: number, streamId: number, timestamp: number, message: RtmpMessage): void {
    this.writeRaw(this.serialise(csid, streamId, timestamp, message));
  }

  protected serialise(csid: number, streamId: number, timestamp: number, message: RtmpMessage): Buffer {
    const { type, payload } = encodeMessage(message);
    return serialiseMessage({ csid, type, streamId, timestamp, payload }, this.outChunkSize);
  }

  protected sendCommand(
    streamId: number,
    name: string,
    transactionId: number,
    commandObject: AmfValue,
    ...args: AmfValue[]
  ): void {
    const csid = streamId === 0 ? Csid.Command : Csid.Stream;
    this.send(csid, streamId, 0, { kind: 'command', name, transactionId, commandObject, args });
  }

  protected sendStatus(streamId: number, info: StatusInfo): void {
    this.sendCommand(streamId, 'onStatus', 0, null, info);
  }

  /**
   * Writes already serialised chunks (from {@link serialiseMessage} at this session's
   * {@link outChunkSize}); the same Buffer may go to many sessions. Returns {@link writable}.
   */
  writeRaw(data: Buffer | readonly Buffer[]): boolean {
    if (this.closedValue || !this.transport) return false;
    if (this.batch) {
      if (Buffer.isBuffer(data)) this.batch.push(data);
      else this.batch.push(...data);
      return true;
    }
    this.transport.write(data);
    return this.transport.writable;
  }

  private batch: Buffer[] | null = null;

  /** Runs `fn` and writes everything it sends as one corked batch. */
  protected corked(fn: () => void): void {
    if (this.batch) return fn();
    const batch: Buffer[] = [];
    this.batch = batch;
    try {
      fn();
    } finally {
      this.batch = null;
      if (batch.length > 0) this.writeRaw(batch);
    }
  }

  /** Closes the session (and its transport). Emits 'close' once, with the error if any. */
  close(error?: RtmpError): void {
    if (this.closedValue) return;
    this.transport?.close(error);
    this.finish(error);
  }

  /**
   * Drops the connection at once, without the flush {@link close} does: for a peer that no
   * longer takes what is written (a stalled destination). Emits 'close' with `error`.
   */
  destroy(error: RtmpError): void {
    if (this.closedValue) return;
    this.transport?.destroy(error);
    this.finish(error);
  }

  /** The transport went away underneath us (socket closed or errored). */
  transportClosed(error?: RtmpError): void {
    this.finish(error);
  }

  private finish(error: RtmpError | undefined): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.closeError = error;
    this.onClose(error);
    if (error && this.hasErrorListener()) this.baseEmit('error', error);
    this.baseEmit('close', error);
  }

  get error(): RtmpError | undefined {
    return this.closeError;
  }

  protected onClose(_error: RtmpError | undefined): void {}
}

export function toRtmpError(error: unknown): RtmpError {
  if (error instanceof RtmpError) return error;
  return new RtmpError('PROTOCOL_VIOLATION', error instanceof Error ? error.message : String(error), { cause: error });
}

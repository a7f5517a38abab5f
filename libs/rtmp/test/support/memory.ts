import { ChunkDecoder, RawMessage, RtmpError, RtmpSession, SessionTransport, decodeMessage, RtmpMessage } from '../../src';

/** The part of any session (server or client) a pipe talks to. */
type Endpoint = Pick<RtmpSession, 'receive' | 'transportClosed' | 'attach'>;

/**
 * An in-memory byte pipe between two sessions. Delivery is asynchronous (next macrotask), like
 * a socket; every byte written is also recorded for assertions.
 */
export class MemoryTransport implements SessionTransport {
  readonly written: Buffer[] = [];
  closed = false;
  closeError: RtmpError | undefined;
  writable = true;
  bytesQueued = 0;
  peer: Endpoint | undefined;
  /** Bytes a test wants to drop instead of delivering (e.g. to simulate a stalled peer). */
  paused = false;

  write(data: Buffer | readonly Buffer[]): void {
    const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    this.written.push(buf);
    if (this.paused) return;
    const peer = this.peer;
    setImmediate(() => peer?.receive(buf));
  }

  destroy(error: RtmpError): void {
    this.close(error);
  }

  close(error?: RtmpError): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    const peer = this.peer;
    setImmediate(() => peer?.transportClosed(new RtmpError('CONNECTION_CLOSED', 'peer closed')));
  }

  /** Everything written, decoded as messages after skipping `handshakeBytes`. */
  messages(handshakeBytes: number): Array<{ raw: RawMessage; message: RtmpMessage }> {
    const all = Buffer.concat(this.written).subarray(handshakeBytes);
    const out: Array<{ raw: RawMessage; message: RtmpMessage }> = [];
    const decoder = new ChunkDecoder({ onMessage: (raw) => out.push({ raw, message: decodeMessage(raw.type, raw.payload) }) });
    decoder.push(all);
    return out;
  }
}

/** Wires two sessions together; returns the transport each one writes to. */
export function link(server: Endpoint, client: Endpoint): { toClient: MemoryTransport; toServer: MemoryTransport } {
  const toClient = new MemoryTransport();
  const toServer = new MemoryTransport();
  toClient.peer = client;
  toServer.peer = server;
  server.attach(toClient);
  client.attach(toServer);
  return { toClient, toServer };
}

/** S0+S1+S2 and C0+C1+C2 sizes. */
export const SERVER_HANDSHAKE_BYTES = 1 + 1536 * 2;
export const CLIENT_HANDSHAKE_BYTES = 1 + 1536 * 2;

export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

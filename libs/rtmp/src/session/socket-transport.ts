import type { Socket } from 'node:net';
import { RtmpError } from '../errors';
import type { SessionTransport } from './transport';

/** How long a closing socket may take to flush before it is destroyed. */
const CLOSE_FLUSH_MS = 2_000;

/**
 * {@link SessionTransport} over a net or tls socket. Several buffers are written corked (one
 * writev); when more than `maxQueuedBytes` wait in the socket, the connection is destroyed
 * with WRITE_QUEUE_OVERFLOW rather than buffering without bound.
 */
export class SocketTransport implements SessionTransport {
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly maxQueuedBytes: number,
    private readonly onOverflow: (error: RtmpError) => void,
  ) {}

  write(data: Buffer | readonly Buffer[]): void {
    const socket = this.socket;
    if (this.closing || socket.destroyed) return;
    if (Buffer.isBuffer(data)) {
      socket.write(data);
    } else if (data.length === 1) {
      socket.write(data[0]!);
    } else {
      socket.cork();
      for (const buf of data) socket.write(buf);
      socket.uncork();
    }
    if (socket.writableLength > this.maxQueuedBytes) {
      this.onOverflow(
        new RtmpError('WRITE_QUEUE_OVERFLOW', `${socket.writableLength} bytes queued, limit ${this.maxQueuedBytes}`),
      );
    }
  }

  close(error?: RtmpError): void {
    if (error?.code === 'WRITE_QUEUE_OVERFLOW') return this.destroy(error); // nothing more would be read: do not flush
    if (this.closing) return;
    this.closing = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_FLUSH_MS).unref();
  }

  destroy(_error: RtmpError): void {
    this.closing = true;
    this.socket.destroy();
  }

  get bytesQueued(): number {
    return this.socket.writableLength;
  }

  get writable(): boolean {
    return !this.closing && !this.socket.destroyed && !this.socket.writableNeedDrain;
  }
}

/** Maps a socket-level error to a typed RtmpError. */
export function socketError(error: unknown, phase: 'connect' | 'established' = 'established'): RtmpError {
  if (error instanceof RtmpError) return error;
  const err = error as NodeJS.ErrnoException & { library?: string };
  const code = err?.code ?? '';
  const message = err?.message ?? String(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new RtmpError('DNS_FAILURE', `DNS lookup failed (${code})`, { cause: error });
  }
  if (code === 'ECONNREFUSED') return new RtmpError('CONNECTION_REFUSED', 'connection refused', { cause: error });
  if (code === 'ETIMEDOUT') return new RtmpError('CONNECT_TIMEOUT', 'connection timed out', { cause: error });
  if (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code.includes('CERT') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    err?.library === 'SSL routines'
  ) {
    return new RtmpError('TLS_FAILURE', `TLS failure (${code}): ${message}`, { cause: error });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new RtmpError('CONNECTION_CLOSED', `connection reset (${code})`, { cause: error });
  }
  return new RtmpError('SOCKET_ERROR', `${code || 'socket error'} while ${phase === 'connect' ? 'connecting' : 'connected'}: ${message}`, {
    cause: error,
  });
}

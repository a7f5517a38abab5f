import type { RtmpError } from '../errors';

/**
 * What a session needs from the byte pipe under it. The net/tls adapters implement it over a
 * socket; tests implement it in memory. Sessions never touch sockets themselves.
 */
export interface SessionTransport {
  /** Writes pre-serialised bytes; several buffers are written as one corked batch. */
  write(data: Buffer | readonly Buffer[]): void;
  /** Ends the connection (flushing what was written), with the error that caused it, if any. */
  close(error?: RtmpError): void;
  /** Drops the connection at once, without flushing: the peer stopped taking what we write. */
  destroy(error: RtmpError): void;
  /** Bytes accepted by `write` but not yet handed to the kernel. */
  readonly bytesQueued: number;
  /** False while the peer is slower than we write (the socket asked us to wait for 'drain'). */
  readonly writable: boolean;
}

/**
 * Every bound the protocol core enforces, in one place. Hosts override a subset with
 * {@link resolveLimits}; anything not given keeps the default.
 */
export interface RtmpLimits {
  /** Largest Set Chunk Size we accept from a peer (the spec allows 0x7fffffff; we cap). */
  readonly maxChunkSize: number;
  /** Largest message (declared length) we reassemble. */
  readonly maxMessageSize: number;
  /** Bytes all partially received messages of one connection may hold together. */
  readonly maxReassemblyBytes: number;
  /** Distinct chunk stream ids a peer may open on one connection. */
  readonly maxChunkStreams: number;
  /** Time allowed for each handshake stage (C0+C1, then C2 / S0+S1+S2). */
  readonly handshakeTimeoutMs: number;
  /** A connection that receives nothing for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Window Acknowledgement Size we announce, and Set Peer Bandwidth we ask for. */
  readonly ackWindow: number;
  /** Nesting depth of AMF values (objects, arrays) before decoding fails. */
  readonly maxAmfDepth: number;
  /** Bytes queued on a socket beyond which the adapter closes the connection. */
  readonly maxWriteQueueBytes: number;
  /** Chunk size we send with (announced with Set Chunk Size). */
  readonly outChunkSize: number;
  /**
   * Media and data a publisher may send behind `publish` before the host accepted it (some
   * encoders do not wait for NetStream.Publish.Start). It is held and replayed in order on
   * accept; past either bound the connection is closed with PUBLISH_BACKLOG_OVERFLOW.
   */
  readonly maxHeldPublishBytes: number;
  /** Media span (newest minus oldest timestamp) a held publish backlog may cover. */
  readonly maxHeldPublishMs: number;
}

export const DEFAULT_LIMITS: RtmpLimits = Object.freeze({
  maxChunkSize: 65536,
  maxMessageSize: 16 * 1024 * 1024,
  maxChunkStreams: 64,
  maxReassemblyBytes: 32 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  ackWindow: 2_500_000,
  maxAmfDepth: 32,
  maxWriteQueueBytes: 16 * 1024 * 1024,
  outChunkSize: 4096,
  maxHeldPublishBytes: 4 * 1024 * 1024,
  maxHeldPublishMs: 3_000,
});

export function resolveLimits(overrides: Partial<RtmpLimits> = {}): RtmpLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  if (!Number.isInteger(limits.outChunkSize) || limits.outChunkSize < 1 || limits.outChunkSize > 0x7fffffff) {
    throw new RangeError(`outChunkSize out of range: ${limits.outChunkSize}`);
  }
  return Object.freeze(limits);
}

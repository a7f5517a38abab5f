import { assertChunkSize } from './chunk/chunk-header';

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
  /** AMF values one command or data message may hold (every scalar, container and property value) before decoding fails with AMF_LIMIT. */
  readonly maxAmfValues: number;
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
  /**
   * Until a connection sends `publish` (anonymous input: handshake, connect, createStream),
   * the message, reassembly and chunk-stream bounds are these instead of the full ones above.
   */
  readonly preAuthMaxMessageSize: number;
  readonly preAuthMaxReassemblyBytes: number;
  readonly preAuthMaxChunkStreams: number;
  /** Commands a connection may send before `publish` or `play` (OBS sends five). */
  readonly maxCommandsBeforePublish: number;
  /** Message streams (createStream) one connection may hold open; nginx-rtmp allows 32. */
  readonly maxStreamsPerConnection: number;
  /**
   * A connection that has not sent `publish` (or `play`) this long after it was accepted is
   * closed, however it trickles bytes (the idle timeout alone would be reset by each one).
   */
  readonly publishTimeoutMs: number;
}

/** The limits AMF decoding of a message obeys. */
export type AmfLimits = Pick<RtmpLimits, 'maxAmfDepth' | 'maxAmfValues'>;

export const DEFAULT_LIMITS: RtmpLimits = Object.freeze({
  maxChunkSize: 65536,
  maxMessageSize: 16 * 1024 * 1024,
  maxChunkStreams: 64,
  maxReassemblyBytes: 32 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  ackWindow: 2_500_000,
  maxAmfDepth: 32,
  maxAmfValues: 4_096,
  maxWriteQueueBytes: 16 * 1024 * 1024,
  outChunkSize: 4096,
  maxHeldPublishBytes: 4 * 1024 * 1024,
  maxHeldPublishMs: 3_000,
  preAuthMaxMessageSize: 64 * 1024,
  preAuthMaxReassemblyBytes: 256 * 1024,
  preAuthMaxChunkStreams: 8,
  maxCommandsBeforePublish: 256,
  maxStreamsPerConnection: 32,
  publishTimeoutMs: 10_000,
});

export function resolveLimits(overrides: Partial<RtmpLimits> = {}): RtmpLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  assertChunkSize(limits.outChunkSize, 'outChunkSize');
  return Object.freeze(limits);
}

/** A complete RTMP message as carried by the chunk stream, before type-specific decoding. */
export interface RawMessage {
  /** Chunk stream id it arrived on (or is to be sent on), 2..65599. */
  readonly csid: number;
  /** Message type id (see `MessageType`). */
  readonly type: number;
  /** Message stream id. */
  readonly streamId: number;
  /** Absolute timestamp in milliseconds, modulo 2^32. */
  readonly timestamp: number;
  readonly payload: Buffer;
}

/** Smallest and largest chunk stream ids expressible in a basic header. */
export const MIN_CSID = 2;
export const MAX_CSID = 65599;
/** Chunk size every connection starts with (spec section 5.4.1). */
export const DEFAULT_CHUNK_SIZE = 128;
/** Timestamps at or above this value use the extended timestamp field. */
export const EXTENDED_TIMESTAMP = 0xffffff;

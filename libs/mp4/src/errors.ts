/**
 * Every failure raised by @fanout/mp4 is an {@link Mp4Error} with a code from this union.
 * Hosts switch on `code`; `offset` says where in a file a reader gave up, when it read one.
 */
export type Mp4ErrorCode =
  // muxer: configuration
  | 'UNSUPPORTED_CODEC'
  | 'INVALID_CONFIG'
  | 'INVALID_TRACK'
  | 'INVALID_POLICY'
  // muxer: samples
  | 'UNKNOWN_TRACK'
  | 'INVALID_SAMPLE'
  | 'SAMPLE_TOO_LARGE'
  | 'DTS_BACKWARDS'
  | 'TIMESTAMP_RANGE'
  | 'CLOSED'
  // reader
  | 'BOX_TRUNCATED'
  | 'BOX_INVALID'
  | 'INIT_TRUNCATED'
  | 'INIT_INVALID'
  | 'NOT_FRAGMENTED'
  | 'FRAGMENT_INVALID'
  | 'LIMIT_EXCEEDED';

export class Mp4Error extends Error {
  override readonly name: string = 'Mp4Error';

  constructor(
    readonly code: Mp4ErrorCode,
    message: string = code,
    /** Byte offset in the file being read, for reader errors. */
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isMp4Error(value: unknown, code?: Mp4ErrorCode): value is Mp4Error {
  return value instanceof Mp4Error && (code === undefined || value.code === code);
}

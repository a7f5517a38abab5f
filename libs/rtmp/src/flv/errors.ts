import { RtmpError, type RtmpErrorCode } from '../errors';

/**
 * Why reading a media tag, a decoder configuration record or an FLV file
 * failed. Parsers in this folder throw only `MediaTagError`; any other
 * exception type escaping them is a bug.
 */
export type MediaTagErrorReason =
  /** The input ended before a field the syntax requires. */
  | 'TRUNCATED'
  /** A field holds a value the syntax forbids (reserved value, bad magic, size overflow). */
  | 'MALFORMED'
  /** The syntax is valid but uses something this library does not read (reserved packet types). */
  | 'UNSUPPORTED'
  /** An FLV file does not start with the `FLV` signature or uses an unknown version. */
  | 'FLV_BAD_SIGNATURE'
  /** An FLV PreviousTagSize field does not match the tag before it. */
  | 'FLV_PREVIOUS_TAG_SIZE_MISMATCH'
  /** A caller passed a value the writer cannot encode (negative timestamp, oversized tag). */
  | 'INVALID_ARGUMENT';

/** How each reason maps onto the library-wide `RtmpErrorCode`. */
const RTMP_CODES: Readonly<Record<MediaTagErrorReason, RtmpErrorCode>> = {
  TRUNCATED: 'MESSAGE_TRUNCATED',
  MALFORMED: 'MESSAGE_INVALID',
  UNSUPPORTED: 'MESSAGE_INVALID',
  FLV_BAD_SIGNATURE: 'MESSAGE_INVALID',
  FLV_PREVIOUS_TAG_SIZE_MISMATCH: 'MESSAGE_INVALID',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
};

/**
 * An `RtmpError` (so hosts that switch on `code` keep working) that also
 * carries the precise media-level `reason`.
 */
export class MediaTagError extends RtmpError {
  constructor(
    readonly reason: MediaTagErrorReason,
    message: string,
  ) {
    super(RTMP_CODES[reason], message);
  }
}

/** Throws `TRUNCATED` unless `length` bytes are available at `offset` of `buf`. */
export function need(buf: Uint8Array, offset: number, length: number, what: string): void {
  if (offset + length > buf.length) {
    throw new MediaTagError('TRUNCATED', `${what}: needs ${length} byte(s) at offset ${offset}, only ${Math.max(0, buf.length - offset)} left`);
  }
}

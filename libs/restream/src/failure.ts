import { type RtmpErrorCode, isRtmpError } from '@fanout/rtmp';
import type { FailureReason } from './state';

/** How each RtmpError code reads as a destination failure. */
const BY_CODE: Readonly<Record<RtmpErrorCode, FailureReason>> = {
  DNS_FAILURE: 'dns',
  CONNECTION_REFUSED: 'refused',
  TLS_FAILURE: 'tls',
  PUBLISH_BAD_NAME: 'rejected-key',
  PUBLISH_REJECTED: 'rejected-key',
  CONNECT_REJECTED: 'rejected-key',
  CONNECT_TIMEOUT: 'timeout',
  COMMAND_TIMEOUT: 'timeout',
  HANDSHAKE_TIMEOUT: 'timeout',
  IDLE_TIMEOUT: 'timeout',
  WRITE_QUEUE_OVERFLOW: 'stalled',
  CONNECTION_CLOSED: 'closed-by-peer',
  SESSION_CLOSED: 'closed-by-peer',
  SOCKET_ERROR: 'closed-by-peer',
  CONNECT_FAILED: 'closed-by-peer',
  PUBLISH_FAILED: 'closed-by-peer',
  PUBLISH_BACKLOG_OVERFLOW: 'protocol',
  HANDSHAKE_BAD_VERSION: 'protocol',
  HANDSHAKE_INVALID: 'protocol',
  CHUNK_WITHOUT_PREVIOUS: 'protocol',
  CHUNK_SIZE_INVALID: 'protocol',
  MESSAGE_TOO_LARGE: 'protocol',
  TOO_MANY_CHUNK_STREAMS: 'protocol',
  REASSEMBLY_LIMIT: 'protocol',
  AMF_TRUNCATED: 'protocol',
  AMF_UNKNOWN_MARKER: 'protocol',
  AMF_DEPTH: 'protocol',
  AMF_BAD_REFERENCE: 'protocol',
  AMF_UNSUPPORTED: 'protocol',
  AMF_LIMIT: 'protocol',
  MESSAGE_TRUNCATED: 'protocol',
  MESSAGE_INVALID: 'protocol',
  PROTOCOL_VIOLATION: 'protocol',
  INVALID_STATE: 'protocol',
  INVALID_ARGUMENT: 'protocol',
  INVALID_URL: 'protocol',
};

/** Longest failure text kept, stored or shown. */
export const FAILURE_TEXT_MAX = 200;

/**
 * Failure text as data: peer-supplied and OpenSSL text may hold anything, so control characters
 * (and bidi overrides) become spaces, runs of white space collapse, and it is cut to `max` characters.
 */
export function boundedFailureText(text: string, max = FAILURE_TEXT_MAX): string {
  const clean = text.replace(/[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join('')}…`;
}

export interface Failure {
  readonly reason: FailureReason;
  /** Safe to log and show: RtmpError messages never carry a stream key. */
  readonly message: string;
  /** Retrying cannot help (the URL does not parse): give up at once. */
  readonly permanent: boolean;
}

/**
 * Maps whatever a connection attempt or a live connection failed with to a typed reason. A
 * remote server may quote the stream name in its rejection text: `secret` (the stream key) is
 * replaced before the text is bounded, so not even a cut-off prefix of it survives.
 */
export function failureFromError(error: unknown, secret?: string): Failure {
  if (isRtmpError(error)) {
    const key = secret?.trim() ?? '';
    const message = key.length >= 4 ? error.message.split(key).join('[stream key]') : error.message;
    return { reason: BY_CODE[error.code] ?? 'closed-by-peer', message: boundedFailureText(message), permanent: error.code === 'INVALID_URL' };
  }
  // Not ours: do not echo arbitrary messages (they could quote a URL with its key).
  const name = error instanceof Error ? error.name : typeof error;
  return { reason: 'closed-by-peer', message: `unexpected ${name}`, permanent: false };
}

/**
 * The engine's own verdict on a live connection that stopped delivering (no bytes leave its
 * socket, or its control queue overflowed): not an RTMP error, so it is not dressed as one.
 */
export function stallFailure(message: string): Failure {
  return { reason: 'stalled', message, permanent: false };
}

/**
 * The one retry policy: a permanent failure (the URL does not parse) is never retried; a
 * rejected key is retried `rejectedKeyAttempts` times in all (a platform may lock a key that is
 * hammered, and a key that was refused three times will be refused again); anything else can be
 * transient and is retried with backoff.
 */
export function willRetry(failure: Failure, rejectedAttempts: number, rejectedKeyAttempts: number): boolean {
  if (failure.permanent) return false;
  return failure.reason !== 'rejected-key' || rejectedAttempts < rejectedKeyAttempts;
}

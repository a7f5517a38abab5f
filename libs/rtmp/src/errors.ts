/**
 * Every failure raised by @fanout/rtmp is an {@link RtmpError} with a code from this union.
 * Hosts switch on `code`; `message` is for logs and never carries a stream key.
 */
export type RtmpErrorCode =
  // handshake
  | 'HANDSHAKE_BAD_VERSION'
  | 'HANDSHAKE_TIMEOUT'
  | 'HANDSHAKE_INVALID'
  // chunk stream
  | 'CHUNK_WITHOUT_PREVIOUS'
  | 'CHUNK_SIZE_INVALID'
  | 'MESSAGE_TOO_LARGE'
  | 'TOO_MANY_CHUNK_STREAMS'
  | 'REASSEMBLY_LIMIT'
  // AMF
  | 'AMF_TRUNCATED'
  | 'AMF_UNKNOWN_MARKER'
  | 'AMF_DEPTH'
  | 'AMF_BAD_REFERENCE'
  | 'AMF_UNSUPPORTED'
  | 'AMF_LIMIT'
  // messages
  | 'MESSAGE_TRUNCATED'
  | 'MESSAGE_INVALID'
  // session
  | 'PROTOCOL_VIOLATION'
  | 'IDLE_TIMEOUT'
  | 'CONNECT_REJECTED'
  | 'CONNECT_FAILED'
  | 'PUBLISH_BAD_NAME'
  | 'PUBLISH_REJECTED'
  | 'PUBLISH_FAILED'
  | 'PUBLISH_BACKLOG_OVERFLOW'
  | 'COMMAND_TIMEOUT'
  | 'SESSION_CLOSED'
  | 'INVALID_STATE'
  | 'INVALID_ARGUMENT'
  // transport
  | 'DNS_FAILURE'
  | 'CONNECTION_REFUSED'
  | 'CONNECT_TIMEOUT'
  | 'TLS_FAILURE'
  | 'SOCKET_ERROR'
  | 'CONNECTION_CLOSED'
  | 'WRITE_QUEUE_OVERFLOW'
  | 'INVALID_URL';

export class RtmpError extends Error {
  override readonly name: string = 'RtmpError';

  constructor(
    readonly code: RtmpErrorCode,
    message: string = code,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRtmpError(value: unknown, code?: RtmpErrorCode): value is RtmpError {
  return value instanceof RtmpError && (code === undefined || value.code === code);
}

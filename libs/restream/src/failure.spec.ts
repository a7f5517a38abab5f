import { RtmpError, type RtmpErrorCode } from '@fanout/rtmp';
import { describe, expect, it } from 'vitest';
import { failureFromError } from './failure';
import type { FailureReason } from './state';

const table: Array<[RtmpErrorCode, FailureReason]> = [
  ['DNS_FAILURE', 'dns'],
  ['CONNECTION_REFUSED', 'refused'],
  ['TLS_FAILURE', 'tls'],
  ['PUBLISH_BAD_NAME', 'rejected-key'],
  ['PUBLISH_REJECTED', 'rejected-key'],
  ['CONNECT_REJECTED', 'rejected-key'],
  ['CONNECT_TIMEOUT', 'timeout'],
  ['COMMAND_TIMEOUT', 'timeout'],
  ['HANDSHAKE_TIMEOUT', 'timeout'],
  ['IDLE_TIMEOUT', 'timeout'],
  ['WRITE_QUEUE_OVERFLOW', 'stalled'],
  ['CONNECTION_CLOSED', 'closed-by-peer'],
  ['SOCKET_ERROR', 'closed-by-peer'],
  ['CONNECT_FAILED', 'closed-by-peer'],
  ['PUBLISH_FAILED', 'closed-by-peer'],
  ['PROTOCOL_VIOLATION', 'protocol'],
  ['CHUNK_WITHOUT_PREVIOUS', 'protocol'],
];

describe('failureFromError', () => {
  for (const [code, reason] of table) {
    it(`maps ${code} to ${reason}`, () => {
      expect(failureFromError(new RtmpError(code, 'x'))).toEqual({ reason, message: 'x', permanent: false });
    });
  }

  it('gives up at once on an invalid URL: retrying cannot fix it', () => {
    expect(failureFromError(new RtmpError('INVALID_URL', 'bad'))).toMatchObject({ reason: 'protocol', permanent: true });
  });

  it('does not echo the message of a foreign error (it could quote a URL with its key)', () => {
    const failure = failureFromError(new Error('connect rtmp://host/live/SECRETKEY failed'));
    expect(failure.reason).toBe('closed-by-peer');
    expect(failure.message).not.toContain('SECRETKEY');
  });
});

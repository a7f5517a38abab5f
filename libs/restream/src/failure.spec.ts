import { RtmpError, type RtmpErrorCode } from '@fanout/rtmp';
import { describe, expect, it } from 'vitest';
import { boundedFailureText, FAILURE_TEXT_MAX, failureFromError, stallFailure, willRetry } from './failure';
import { FAILURE_REASONS, type FailureReason } from './state';

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

  it('replaces the stream key before cutting, so no prefix of it survives the cap', () => {
    const key = 'SECRET-KEY-0123456789';
    const long = `${'x'.repeat(FAILURE_TEXT_MAX - 5)} rejected ${key}`;
    const failure = failureFromError(new RtmpError('PUBLISH_BAD_NAME', long), key);
    expect(failure.message).not.toContain('SECRET');
    expect([...failure.message].length).toBeLessThanOrEqual(FAILURE_TEXT_MAX);
    expect(failureFromError(new RtmpError('PUBLISH_BAD_NAME', `no stream ${key} here`), key).message).toBe('no stream [stream key] here');
  });
});

describe('boundedFailureText', () => {
  it('turns control characters and bidi overrides into single spaces', () => {
    expect(boundedFailureText('bad\u0000name\r\n\tis\u202ehere\u001b[31m')).toBe('bad name is here [31m');
  });

  it('caps at 200 characters with an ellipsis, counting code points', () => {
    const capped = boundedFailureText('é'.repeat(500));
    expect([...capped]).toHaveLength(FAILURE_TEXT_MAX);
    expect(capped.endsWith('…')).toBe(true);
    expect(boundedFailureText('short')).toBe('short');
  });
});

describe('willRetry: the one retry policy', () => {
  it('retries every failure reason except a rejected key without limit, and never a permanent one', () => {
    for (const reason of FAILURE_REASONS) {
      const failure = { reason, message: '', permanent: false };
      expect(willRetry(failure, 99, 3), reason).toBe(reason !== 'rejected-key');
    }
    expect(willRetry({ reason: 'protocol', message: '', permanent: true }, 0, 3)).toBe(false);
  });

  it('gives a rejected key its attempts, then gives up', () => {
    const rejected = { reason: 'rejected-key' as const, message: '', permanent: false };
    expect([1, 2, 3].map((attempts) => willRetry(rejected, attempts, 3))).toEqual([true, true, false]);
  });

  it('reports a stall as the engine\'s own verdict, not as an RTMP error', () => {
    expect(stallFailure('no delivery progress for 10 s')).toEqual({ reason: 'stalled', message: 'no delivery progress for 10 s', permanent: false });
  });
});

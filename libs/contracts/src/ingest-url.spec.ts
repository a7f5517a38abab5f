import { describe, expect, it } from 'vitest';
import { hostWithoutPort, ingestServerUrl } from './ingest-url';

describe('ingestServerUrl', () => {
  it('uses the host the dashboard was opened with, without its port', () => {
    expect(ingestServerUrl({ requestHost: '192.168.1.20:3000', rtmpPort: 1935 })).toBe('rtmp://192.168.1.20:1935/live');
    expect(ingestServerUrl({ requestHost: 'fanout.example.com', rtmpPort: 1935 })).toBe('rtmp://fanout.example.com:1935/live');
  });

  it('prefers PUBLIC_HOST when it is set', () => {
    expect(ingestServerUrl({ publicHost: 'live.example.com', requestHost: 'localhost:3000', rtmpPort: 1935 })).toBe(
      'rtmp://live.example.com:1935/live',
    );
  });

  it('uses the configured RTMP port', () => {
    expect(ingestServerUrl({ requestHost: 'box:3000', rtmpPort: 19350 })).toBe('rtmp://box:19350/live');
  });

  it('falls back to localhost without a host', () => {
    expect(ingestServerUrl({ requestHost: null, rtmpPort: 1935 })).toBe('rtmp://localhost:1935/live');
  });
});

describe('hostWithoutPort', () => {
  it.each([
    ['example.com:3000', 'example.com'],
    ['example.com', 'example.com'],
    ['[::1]:3000', '[::1]'],
    ['[fe80::1]', '[fe80::1]'],
    ['::1', '::1'],
  ])('%s → %s', (input, expected) => {
    expect(hostWithoutPort(input)).toBe(expected);
  });
});

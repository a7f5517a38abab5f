// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { apiOrigin, publicHost, rtmpPort } from './env';

describe('web env', () => {
  it('defaults to the API on 127.0.0.1:4000 and RTMP on 1935', () => {
    expect(apiOrigin({})).toBe('http://127.0.0.1:4000');
    expect(rtmpPort({})).toBe(1935);
    expect(publicHost({})).toBeUndefined();
  });

  it('reads the values it is started with, empty meaning unset', () => {
    expect(apiOrigin({ API_PORT: '4100' })).toBe('http://127.0.0.1:4100');
    expect(rtmpPort({ RTMP_PORT: '' })).toBe(1935);
    expect(publicHost({ PUBLIC_HOST: ' live.example.com ' })).toBe('live.example.com');
  });

  it('reaches the API on the address it binds to when HOST is not a wildcard', () => {
    expect(apiOrigin({ HOST: '0.0.0.0', API_PORT: '4100' })).toBe('http://127.0.0.1:4100');
    expect(apiOrigin({ HOST: '::' })).toBe('http://[::1]:4000');
    expect(apiOrigin({ HOST: '127.0.0.1' })).toBe('http://127.0.0.1:4000');
    expect(apiOrigin({ HOST: '::1' })).toBe('http://[::1]:4000');
  });

  it('uses API_INTERNAL_URL when the API runs elsewhere (separate containers)', () => {
    expect(apiOrigin({ API_INTERNAL_URL: 'http://api:4000/', API_PORT: '4100' })).toBe('http://api:4000');
    expect(() => apiOrigin({ API_INTERNAL_URL: 'ftp://api' })).toThrow(/API_INTERNAL_URL/);
  });

  it('names the variable when a value is invalid', () => {
    expect(() => apiOrigin({ API_PORT: 'abc' })).toThrow(/API_PORT/);
  });
});

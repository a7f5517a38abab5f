import { describe, expect, it } from 'vitest';
import { trustProxySetting } from './server';

describe('trustProxySetting', () => {
  it('maps TRUST_PROXY to what Fastify expects', () => {
    expect(trustProxySetting('loopback')).toEqual(['loopback']);
    expect(trustProxySetting('none')).toBe(false);
    expect(trustProxySetting('2')).toBe(2);
    expect(trustProxySetting('loopback, 172.16.0.0/12,10.0.0.0/8')).toEqual(['loopback', '172.16.0.0/12', '10.0.0.0/8']);
  });
});

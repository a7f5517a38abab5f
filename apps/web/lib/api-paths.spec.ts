import { describe, expect, it } from 'vitest';
import { apiPaths } from './api-paths';

describe('apiPaths', () => {
  it('encodes ids once, here', () => {
    expect(apiPaths.stream('a/b c')).toBe('/api/streams/a%2Fb%20c');
    expect(apiPaths.destination('d?1')).toBe('/api/destinations/d%3F1');
    expect(apiPaths.webhookRedeliver('x/y')).toBe('/api/webhook-deliveries/x%2Fy/redeliver');
  });

  it('adds only the query parameters given', () => {
    expect(apiPaths.streamMetrics('s1')).toBe('/api/streams/s1/metrics');
    expect(apiPaths.streamMetrics('s1', { from: '2026-11-21T12:00:00.000Z' })).toBe('/api/streams/s1/metrics?from=2026-11-21T12%3A00%3A00.000Z');
    expect(apiPaths.webhookDeliveries('w1', { limit: '10' })).toBe('/api/webhooks/w1/deliveries?limit=10');
    expect(apiPaths.streamSlateImage('s1')).toBe('/api/streams/s1/slate-image');
    expect(apiPaths.streamSlateImage('s1', '3')).toBe('/api/streams/s1/slate-image?v=3');
  });
});

// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, type WebhookDelivery } from '@fanout/contracts';
import { deliveryState, eventLabel, eventsSummary, healthText } from './webhooks';

const NOW = Date.parse('2026-12-03T10:00:00.000Z');

function delivery(overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: 'x1',
    webhookId: 'w1',
    eventId: 'e1',
    eventType: 'stream.live',
    streamId: 's1',
    trigger: 'event',
    status: 'succeeded',
    attempts: 1,
    maxAttempts: 8,
    lastAttemptAt: '2026-12-03T09:59:00.000Z',
    statusCode: 200,
    latencyMs: 43,
    error: null,
    response: 'ok',
    nextAttemptAt: null,
    deliveredAt: '2026-12-03T09:59:00.000Z',
    createdAt: '2026-12-03T09:59:00.000Z',
    ...overrides,
  };
}

describe('webhook words', () => {
  it('labels every event type, and falls back to the id for one added later', () => {
    for (const type of WEBHOOK_EVENT_TYPES) expect(eventLabel(type)).not.toBe(type);
    expect(eventLabel('clip.ready')).toBe('clip.ready');
    expect(eventsSummary([...WEBHOOK_EVENT_TYPES])).toBe('All events');
    expect(eventsSummary(['stream.live', 'destination.failed'])).toBe('Stream went live, Destination failed');
  });

  it('says what happened to a delivery', () => {
    expect(deliveryState(delivery(), NOW)).toEqual({ tone: 'ok', label: 'Delivered', detail: 'HTTP 200 in 43 ms' });
    expect(deliveryState(delivery({ status: 'pending', attempts: 0, statusCode: null, latencyMs: null }), NOW)).toMatchObject({ tone: 'waiting', label: 'Waiting to be sent' });
    expect(deliveryState(delivery({ status: 'pending', statusCode: null, latencyMs: null }), NOW).label).toBe('Sending…');
    const retry = deliveryState(delivery({ status: 'pending', attempts: 2, statusCode: 500, error: 'HTTP 500', nextAttemptAt: '2026-12-03T10:05:00.000Z' }), NOW);
    expect(retry.label).toMatch(/^Retrying at .+ \(attempt 3 of 8\)$/);
    expect(retry.detail).toBe('HTTP 500');
    expect(deliveryState(delivery({ status: 'pending', attempts: 2, error: 'connection refused', nextAttemptAt: '2026-12-03T09:00:00.000Z' }), NOW).label).toBe('Retrying now (attempt 3 of 8)');
    expect(deliveryState(delivery({ status: 'failed', attempts: 8, statusCode: null, error: 'no answer within 10 s' }), NOW)).toEqual({ tone: 'failed', label: 'Gave up after 8 attempts', detail: 'no answer within 10 s' });
  });

  it("sums up an endpoint's health", () => {
    const base = { lastSuccessAt: null, lastFailureAt: null, consecutiveFailures: 0, lastError: null };
    expect(healthText({ health: base, pendingDeliveries: 0 })).toEqual({ tone: 'waiting', text: 'Nothing delivered yet' });
    expect(healthText({ health: { ...base, lastSuccessAt: '2026-12-03T09:00:00.000Z' }, pendingDeliveries: 1 }).text).toMatch(/^Working · last delivered .+ · 1 delivery waiting$/);
    const failing = healthText({ health: { ...base, consecutiveFailures: 3, lastError: 'HTTP 500', lastFailureAt: '2026-12-03T09:00:00.000Z' }, pendingDeliveries: 4 });
    expect(failing.tone).toBe('failed');
    expect(failing.text).toMatch(/^3 failed attempts in a row: HTTP 500, last .+ · 4 deliveries waiting$/);
  });
});

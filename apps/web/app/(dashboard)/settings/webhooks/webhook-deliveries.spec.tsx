import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebhookDelivery } from '@fanout/contracts';
import { jsonResponse } from '../../../../test/fixtures';
import { WebhookDeliveries } from './webhook-deliveries';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const delivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: 'x1',
  webhookId: 'w1',
  eventId: 'e1',
  eventType: 'stream.live',
  streamId: 's1',
  trigger: 'event',
  status: 'succeeded',
  attempts: 1,
  maxAttempts: 8,
  lastAttemptAt: '2026-12-03T10:00:00.000Z',
  statusCode: 200,
  latencyMs: 43,
  error: null,
  response: 'ok',
  nextAttemptAt: null,
  deliveredAt: '2026-12-03T10:00:00.000Z',
  createdAt: '2026-12-03T10:00:00.000Z',
  ...overrides,
});

describe('WebhookDeliveries', () => {
  it('lists deliveries newest first with status code, time taken, attempts and the next retry', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(200, {
        deliveries: [
          delivery({ id: 'x3', eventId: 'e3', eventType: 'destination.failed', status: 'pending', attempts: 2, statusCode: 500, latencyMs: 12, error: 'HTTP 500', response: 'oops', nextAttemptAt: '2099-01-01T00:00:00.000Z', deliveredAt: null }),
          delivery({ id: 'x2', eventId: 'e2', eventType: 'stream.ended', status: 'failed', attempts: 8, statusCode: null, latencyMs: 10_000, error: 'no answer within 10 s', response: null, deliveredAt: null }),
          delivery(),
        ],
        nextCursor: null,
      }),
    );
    render(<WebhookDeliveries webhookId="w1" />);
    const items = await screen.findAllByRole('listitem');
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/webhooks/w1/deliveries?limit=20');
    expect(items[0]!.textContent).toMatch(/Destination failed.*Retrying at .*\(attempt 3 of 8\)HTTP 5002 attempts.*Answer: oops.*webhook-id e3/);
    expect(items[1]!.textContent).toContain('Gave up after 8 attempts');
    expect(items[1]!.textContent).toContain('no answer within 10 s');
    expect(items[2]!.textContent).toContain('DeliveredHTTP 200 in 43 ms1 attempt');
  });

  it('redelivers an event with the same webhook-id, at the top of the log', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { deliveries: [delivery({ status: 'failed', attempts: 8, error: 'HTTP 500', statusCode: 500 })], nextCursor: null }));
    render(<WebhookDeliveries webhookId="w1" />);
    const button = await screen.findByRole('button', { name: /^Redeliver Stream went live of / });
    fetchMock.mockResolvedValueOnce(jsonResponse(201, delivery({ id: 'x9', trigger: 'redeliver', status: 'pending', attempts: 0, statusCode: null, latencyMs: null, response: null, deliveredAt: null })));
    await user.click(button);
    expect(fetchMock.mock.calls[1]![0]).toBe('/api/webhook-deliveries/x1/redeliver');
    expect(fetchMock.mock.calls[1]![1]?.method).toBe('POST');
    expect((await screen.findByRole('status')).textContent).toContain('queued again, with the same webhook-id');
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('(redelivery)');
    expect(items[0]!.textContent).toContain('Waiting to be sent');
  });

  it('pages to older deliveries, and says when there is nothing yet', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { deliveries: [delivery()], nextCursor: 'x1' }));
    render(<WebhookDeliveries webhookId="w1" />);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { deliveries: [delivery({ id: 'x0', eventId: 'e0' })], nextCursor: null }));
    await user.click(await screen.findByRole('button', { name: 'Show older deliveries' }));
    expect(fetchMock.mock.calls[1]![0]).toBe('/api/webhooks/w1/deliveries?limit=20&cursor=x1');
    expect(await screen.findByText('webhook-id e0')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show older deliveries' })).toBeNull();
  });

  it('has an empty state', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { deliveries: [], nextCursor: null }));
    render(<WebhookDeliveries webhookId="w1" />);
    expect(await screen.findByText(/Nothing sent yet/)).toBeTruthy();
  });
});

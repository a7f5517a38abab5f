import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENT_TYPES, type WebhookDelivery, type WebhookEndpoint } from '@fanout/contracts';
import { jsonResponse } from '../../../../test/fixtures';
import { WebhooksClient } from './webhooks-client';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  Reflect.deleteProperty(navigator, 'clipboard');
});

const SECRET = 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0cw==';

function endpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: 'w1',
    url: 'https://hooks.example.com/fanout',
    description: 'Chat bot',
    events: [...WEBHOOK_EVENT_TYPES],
    enabled: true,
    warnings: [],
    health: { lastSuccessAt: null, lastFailureAt: null, consecutiveFailures: 0, lastError: null },
    pendingDeliveries: 0,
    createdAt: '2026-12-03T10:00:00.000Z',
    updatedAt: '2026-12-03T10:00:00.000Z',
    ...overrides,
  };
}

const delivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: 'x1',
  webhookId: 'w1',
  eventId: 'e1',
  eventType: 'ping',
  streamId: null,
  trigger: 'test',
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

const bodyOf = (call: number) => JSON.parse(String(fetchMock.mock.calls[call]![1]?.body));

describe('WebhooksClient', () => {
  it('adds a webhook with the events checked, shows its secret once with a copy button, then never again', async () => {
    const user = userEvent.setup();
    render(<WebhooksClient initial={[]} />);
    expect(screen.getByText(/No webhooks yet/)).toBeTruthy();
    await user.type(screen.getByLabelText('URL'), 'https://hooks.example.com/fanout');
    await user.type(screen.getByLabelText('Description (optional)'), 'Chat bot');
    for (const label of ['Destination live', 'Publisher returned']) await user.click(screen.getByRole('checkbox', { name: new RegExp(label) }));
    fetchMock.mockResolvedValueOnce(jsonResponse(201, { ...endpoint({ events: ['stream.live', 'stream.ended', 'stream.publisher_lost', 'destination.failed', 'destination.recovered'] }), secret: SECRET }));
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));

    expect(fetchMock.mock.calls[0]![0]).toBe('/api/webhooks');
    expect(bodyOf(0)).toEqual({ url: 'https://hooks.example.com/fanout', description: 'Chat bot', events: WEBHOOK_EVENT_TYPES.filter((t) => t !== 'destination.live' && t !== 'stream.publisher_returned'), enabled: true });
    expect(await screen.findByText(/It won’t be shown again/)).toBeTruthy();
    expect((screen.getByLabelText('Signing secret') as HTMLInputElement).value).toBe(SECRET);
    await user.click(screen.getByRole('button', { name: 'Copy secret' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    const list = screen.getByRole('list', { name: 'Webhooks' });
    expect(list.textContent).toContain('https://hooks.example.com/fanout');
    expect(list.textContent).toContain('Stream went live, Stream ended, Publisher lost, Destination failed, Destination recovered');
    await user.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(document.body.textContent).not.toContain(SECRET);
    // The form is fresh: every event checked again.
    expect(screen.getAllByRole('checkbox', { checked: true }).filter((c) => c.getAttribute('name') === 'events')).toHaveLength(WEBHOOK_EVENT_TYPES.length);
  });

  it('validates with the shared schema first, then shows the API refusal on its field', async () => {
    const user = userEvent.setup();
    render(<WebhooksClient initial={[]} />);
    for (const box of screen.getAllByRole('checkbox')) await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));
    expect(screen.getByText('Enter the URL that receives the events')).toBeTruthy();
    expect(screen.getByText('Choose at least one event')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.click(screen.getByRole('checkbox', { name: /Stream went live/ }));
    await user.type(screen.getByLabelText('URL'), 'http://93.184.216.34/in');
    fetchMock.mockResolvedValueOnce(jsonResponse(400, { code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'url', message: 'This URL is not allowed: use https://' }] }));
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));
    expect(await screen.findByText('This URL is not allowed: use https://')).toBeTruthy();
    expect(screen.getByLabelText('URL').getAttribute('aria-invalid')).toBe('true');
  });

  it('switches an endpoint off and on', async () => {
    const user = userEvent.setup();
    render(<WebhooksClient initial={[endpoint()]} />);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, endpoint({ enabled: false })));
    await user.click(screen.getByRole('checkbox', { name: 'Enabled' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/webhooks/w1');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('PATCH');
    expect(bodyOf(0)).toEqual({ enabled: false });
    expect(await screen.findByText(/Disabled: nothing is sent/)).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Enabled' }) as HTMLInputElement).checked).toBe(false);
  });

  it('sends a test and says how it went, in words', async () => {
    const user = userEvent.setup();
    render(<WebhooksClient initial={[endpoint()]} />);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, delivery())).mockResolvedValueOnce(jsonResponse(200, [endpoint({ health: { lastSuccessAt: '2026-12-03T10:00:00.000Z', lastFailureAt: null, consecutiveFailures: 0, lastError: null } })]));
    await user.click(screen.getByRole('button', { name: 'Send a test to https://hooks.example.com/fanout' }));
    expect((await screen.findByRole('status')).textContent).toBe('Test delivered: HTTP 200 in 43 ms.');
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/webhooks/w1/test');
    expect(await screen.findByText(/Working · last delivered/)).toBeTruthy();

    fetchMock.mockResolvedValueOnce(jsonResponse(200, delivery({ status: 'pending', statusCode: null, latencyMs: 3, error: 'connection refused', nextAttemptAt: '2026-12-03T10:00:15.000Z' }))).mockResolvedValueOnce(jsonResponse(200, [endpoint()]));
    await user.click(screen.getByRole('button', { name: 'Send a test to https://hooks.example.com/fanout' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Test not delivered: connection refused. Fanout retries it; the delivery log shows when.');
  });

  it('rotates the secret after confirmation and shows the new one once, saying how long the old one works', async () => {
    const user = userEvent.setup();
    render(<WebhooksClient initial={[endpoint()]} />);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { secret: SECRET, previousSecretExpiresAt: '2026-12-04T10:00:00.000Z' }));
    await user.click(screen.getByRole('button', { name: 'Rotate secret' }));
    expect(screen.getByRole('dialog').textContent).toContain('For 24 hours each event is signed with both');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rotate secret' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/webhooks/w1/rotate');
    expect((await screen.findByLabelText('Signing secret') as HTMLInputElement).value).toBe(SECRET);
    expect(screen.getByText(/The old secret keeps working until/)).toBeTruthy();
  });

  it('edits the URL and events, and deletes after confirmation', async () => {
    const user = userEvent.setup();
    render(<WebhooksClient initial={[endpoint()]} />);
    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit https://hooks.example.com/fanout' });
    await user.clear(within(form).getByLabelText('URL'));
    await user.type(within(form).getByLabelText('URL'), 'https://other.example.com/in');
    for (const box of within(form).getAllByRole('checkbox')) if (!/Stream ended/.test(box.parentElement!.textContent!)) await user.click(box);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, endpoint({ url: 'https://other.example.com/in', events: ['stream.ended'] })));
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(bodyOf(0)).toEqual({ url: 'https://other.example.com/in', description: 'Chat bot', events: ['stream.ended'] });
    expect(await screen.findByText('https://other.example.com/in')).toBeTruthy();
    expect(screen.queryByRole('form', { name: /^Edit/ })).toBeNull();

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await user.click(screen.getByRole('button', { name: 'Delete https://other.example.com/in' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete webhook' }));
    expect(fetchMock.mock.calls[1]![1]?.method).toBe('DELETE');
    expect(await screen.findByText(/No webhooks yet/)).toBeTruthy();
  });

  it('shows warnings and a failing health in words', () => {
    render(
      <WebhooksClient
        initial={[endpoint({ warnings: ['192.168.1.20 is a private network address: Fanout connects to it from inside its own network.'], health: { lastSuccessAt: null, lastFailureAt: '2026-12-03T10:00:00.000Z', consecutiveFailures: 3, lastError: 'HTTP 500' }, pendingDeliveries: 2 })]}
      />,
    );
    expect(screen.getByText(/3 failed attempts in a row: HTTP 500/).textContent).toContain('2 deliveries waiting');
    expect(screen.getByText(/private network address/)).toBeTruthy();
  });
});

import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { destination, jsonResponse } from '../../../../test/fixtures';
import { RetryNowButton, TestConnectionButton } from './destination-actions';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

describe('TestConnectionButton', () => {
  it('says what a test does at the platform before it runs, then reports success in plain words', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ok: true, at: '2026-11-21T22:00:00Z', elapsedMs: 420 }));
    render(<TestConnectionButton destination={destination()} />);
    await user.click(screen.getByRole('button', { name: 'Test connection to YouTube' }));
    const dialog = screen.getByRole('dialog', { name: 'Test YouTube' });
    expect(dialog.textContent).toContain('starts a publish, then stops at once without sending audio or video');
    expect(dialog.textContent).toContain("YouTube Studio may show a brief 'stream starting' event");
    expect(fetchMock).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole('button', { name: 'Run test' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/destinations/d1/test');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('POST');
    const result = await within(dialog).findByText('Connected: YouTube accepted the stream key');
    expect(result.closest('[data-ok]')?.getAttribute('data-ok')).toBe('true');
    expect(dialog.textContent).toContain('in 0.4 s. No video was sent.');
  });

  it('reports a failure with its reason and what to do, and the API’s refusal (live, rate limit) as it is', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ok: false, at: '2026-11-21T22:00:00Z', elapsedMs: 80, reason: 'rejected-key', message: 'publish rejected: NetStream.Publish.BadName' }));
    fetchMock.mockResolvedValueOnce(jsonResponse(429, { code: 'RATE_LIMITED', message: 'You tested destinations 6 times in a minute. Try again in 40 s.', retryAfterS: 40 }));
    render(<TestConnectionButton destination={destination({ platform: 'custom', name: 'Relay', url: 'rtmp://relay.example/live' })} />);
    await user.click(screen.getByRole('button', { name: 'Test connection to Relay' }));
    const dialog = screen.getByRole('dialog', { name: 'Test Relay' });
    expect(dialog.textContent).toContain('The server sees a publish that stops at once');
    await user.click(within(dialog).getByRole('button', { name: 'Run test' }));
    expect(await within(dialog).findByText('Could not publish: Rejected stream key')).toBeTruthy();
    expect(dialog.textContent).toContain('Copy the key again from the platform');
    expect(dialog.textContent).toContain('NetStream.Publish.BadName');
    await user.click(within(dialog).getByRole('button', { name: 'Test again' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('You tested destinations 6 times in a minute. Try again in 40 s.');
  });
});

describe('RetryNowButton', () => {
  it('asks the API to retry at once and shows a refusal in words', async () => {
    const user = userEvent.setup();
    const onError = vi.fn();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    fetchMock.mockResolvedValueOnce(jsonResponse(409, { code: 'CONFLICT', message: 'YouTube is live already.' }));
    render(<RetryNowButton destination={destination()} onError={onError} />);
    await user.click(screen.getByRole('button', { name: 'Retry YouTube now' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/destinations/d1/retry');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('POST');
    expect(onError).toHaveBeenLastCalledWith(null);
    await user.click(screen.getByRole('button', { name: 'Retry YouTube now' }));
    expect(onError).toHaveBeenLastCalledWith('YouTube is live already.');
  });
});

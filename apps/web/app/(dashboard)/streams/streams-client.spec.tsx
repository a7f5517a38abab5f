import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { destination, idleStatus, jsonResponse, liveStatus, statusDestination, streamDetail } from '../../../test/fixtures';
import type { StreamListItem } from '@/lib/streams';
import { StreamsClient, destinationSummary } from './streams-client';

const router = { replace: vi.fn(), refresh: vi.fn(), push: vi.fn() };
vi.mock('next/navigation', () => ({ useRouter: () => router }));
const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  router.push.mockReset();
});

const { streamKey: _key, ...stream } = streamDetail();

function item(overrides: Partial<StreamListItem>): StreamListItem {
  return { stream, status: null, destinations: null, ...overrides };
}

describe('streams list health summary', () => {
  it('says how many enabled destinations are live while the stream is live', () => {
    const status = liveStatus('2026-11-21T22:00:00Z', [
      statusDestination({ id: 'a' }),
      statusDestination({ id: 'b' }),
      statusDestination({ id: 'c' }),
      statusDestination({ id: 'd' }),
      statusDestination({ id: 'e', state: 'reconnecting' }),
      statusDestination({ id: 'f', state: 'disabled' }),
    ]);
    expect(destinationSummary(item({ status }))).toEqual({ text: '4/5 live, 1 failing', tone: 'warn' });
  });

  it('is green when every enabled destination is live', () => {
    const status = liveStatus('2026-11-21T22:00:00Z', [statusDestination({ id: 'a' }), statusDestination({ id: 'b', state: 'disabled' })]);
    expect(destinationSummary(item({ status }))).toEqual({ text: '1/1 live', tone: 'ok' });
  });

  it('counts destinations of an idle stream', () => {
    const status = idleStatus('2026-11-21T22:00:00Z', [statusDestination({ state: 'idle' }), statusDestination({ id: 'b', state: 'disabled' })]);
    expect(destinationSummary(item({ status })).text).toBe('2 destinations, 1 disabled');
    expect(destinationSummary(item({ status: idleStatus('2026-11-21T22:00:00Z') })).text).toBe('No destinations');
  });

  it('falls back to the destination list when the status is unavailable', () => {
    expect(destinationSummary(item({ destinations: [destination()] })).text).toBe('1 destination');
    expect(destinationSummary(item({})).text).toBe('Status unavailable');
  });

  it('renders each stream with its live badge, uptime and summary', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:05:03Z'));
    try {
      const status = liveStatus('2026-11-21T22:05:03Z', [statusDestination(), statusDestination({ id: 'd2', name: 'Twitch', state: 'failed', lastError: { reason: 'rejected-key', message: 'x', at: '2026-11-21T22:05:00Z' } })]);
      render(<StreamsClient items={[item({ status })]} />);
      const row = screen.getByRole('link', { name: 'Sunday service' }).closest('li')!;
      expect(within(row).getByText(/Live/).textContent).toContain('5 min 3 s');
      expect(within(row).getByTestId('destination-summary').textContent).toBe('1/2 live, 1 failing');
      expect(within(row).getByText('Rejected stream key')).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows an empty state when there are no streams', () => {
    render(<StreamsClient items={[]} />);
    expect(screen.getByRole('heading', { name: 'No streams yet' })).toBeTruthy();
  });

  it('validates the new stream name, creates it and opens its page', async () => {
    render(<StreamsClient items={[]} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Create stream' }));
    expect(screen.getByText('Give the stream a name')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();

    fetchMock.mockResolvedValueOnce(jsonResponse(201, streamDetail({ id: 'new1' })));
    await user.type(screen.getByLabelText('New stream name'), 'Podcast');
    await user.click(screen.getByRole('button', { name: 'Create stream' }));
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ name: 'Podcast' });
    expect(router.push).toHaveBeenCalledWith('/streams/new1');
  });
});

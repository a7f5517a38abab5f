import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test/fixtures';
import { StreamsNavBadge } from './streams-nav-badge';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const summary = (name: string, failing: number) => ({ streamId: name, name, state: 'live', startedAt: null, destinations: { live: 1, enabled: 1 + failing, failing } });

describe('StreamsNavBadge', () => {
  it('counts the streams on air with a failing destination, and names them', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { at: '2026-11-21T22:00:00Z', streams: [summary('Main', 1), summary('Backup', 0), summary('Side', 2)], lastBroadcast: null }));
    render(<StreamsNavBadge />);
    const badge = await screen.findByTestId('streams-failing-badge');
    expect(badge.textContent).toBe('2(2 streams have a failing destination)');
    expect(badge.getAttribute('title')).toBe('2 streams have a failing destination: Main, Side');
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/live');
  });

  it('shows nothing while every destination is fine', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { at: '2026-11-21T22:00:00Z', streams: [summary('Main', 0)], lastBroadcast: null }));
    render(<StreamsNavBadge />);
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(screen.queryByTestId('streams-failing-badge')).toBeNull();
  });
});

import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { IngestSession } from '@fanout/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../../../../test/fixtures';
import { HistoryPanel } from './history-panel';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const session: IngestSession = {
  id: 'sess1',
  startedAt: '2026-11-21T20:00:00Z',
  endedAt: '2026-11-21T21:05:00Z',
  durationS: 3900,
  endReason: 'publisher-left',
  live: false,
  video: { codec: 'h264', width: 1920, height: 1080 },
  audio: { codec: 'aac' },
  avgBitrateKbps: 5980.4,
  peakBitrateKbps: 7000,
  avgFps: 29.97,
  inputSwitches: [],
  timeline: [
    { at: '2026-11-21T20:00:01Z', destinationId: 'd1', destinationName: 'YouTube', from: 'connecting', to: 'live', reason: null, message: null },
    { at: '2026-11-21T20:30:00Z', destinationId: 'd1', destinationName: 'YouTube', from: 'live', to: 'reconnecting', reason: 'stalled', message: 'no ack' },
    { at: '2026-11-21T20:00:02Z', destinationId: 'd2', destinationName: 'Twitch', from: 'connecting', to: 'failed', reason: 'rejected-key', message: 'badName' },
  ],
};

describe('HistoryPanel', () => {
  it('lists past sessions with duration and averages', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, [session]));
    render(<HistoryPanel streamId="s1" refreshKey="idle" />);
    const row = (await screen.findByText('1 h 5 min')).closest('li')!;
    expect(within(row).getByText('avg 5980 kb/s')).toBeTruthy();
    expect(within(row).getByText('avg 30.0 fps')).toBeTruthy();
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/streams/s1/sessions');
  });

  it('shows when each destination was up or down and why, and loads the charts of that session', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, [session]));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { from: session.startedAt, to: session.endedAt, resolutionS: 10, ingest: [], destinations: [] }));
    render(<HistoryPanel streamId="s1" refreshKey="idle" />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Details' }));

    expect(screen.getByText('YouTube')).toBeTruthy();
    expect(screen.getByText(': Stalled: the destination stopped reading')).toBeTruthy();
    expect(screen.getByText('Twitch')).toBeTruthy();
    expect(screen.getByText(': Rejected stream key')).toBeTruthy();
    const [url] = fetchMock.mock.calls[1]!;
    expect(String(url)).toBe('/api/streams/s1/metrics?from=2026-11-21T20%3A00%3A00Z&to=2026-11-21T21%3A05%3A00Z');
  });

  it('has an empty state and an error state with retry', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, []));
    const { unmount } = render(<HistoryPanel streamId="s1" refreshKey="idle" />);
    expect(await screen.findByText(/No broadcasts yet/)).toBeTruthy();
    unmount();

    fetchMock.mockResolvedValueOnce(jsonResponse(500, { code: 'INTERNAL', message: 'Database unavailable' }));
    render(<HistoryPanel streamId="s1" refreshKey="idle" />);
    expect((await screen.findByRole('alert')).textContent).toContain('Database unavailable');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});

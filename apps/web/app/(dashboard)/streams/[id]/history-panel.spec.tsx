import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { IngestSession } from '@fanout/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../../../../test/fixtures';
import { HistoryPanel, foldRetries } from './history-panel';

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
  graceS: 0,
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

  it('shows the session as a health timeline with its averages (never a "now"), and every change as an expandable list', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, [session]));
    fetchMock.mockResolvedValueOnce(
      jsonResponse(200, {
        from: session.startedAt,
        to: session.endedAt,
        resolutionS: 10,
        ingest: [{ at: '2026-11-21T20:00:00Z', bitrateKbps: 6000, fps: 30, state: 'live' }],
        destinations: [{ id: 'd1', name: 'YouTube', points: [{ at: '2026-11-21T20:30:00Z', bitrateKbps: 0, droppedFrames: 40, reconnects: 1, state: 'reconnecting' }] }],
      }),
    );
    render(<HistoryPanel streamId="s1" refreshKey="idle" />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Details' }));
    const [url] = fetchMock.mock.calls[1]!;
    expect(String(url)).toBe('/api/streams/s1/metrics?from=2026-11-21T20%3A00%3A00Z&to=2026-11-21T21%3A05%3A00Z');

    const timeline = await screen.findByTestId('session-sess1-health-timeline');
    const youtube = timeline.querySelector('[data-destination-id="d1"]')!;
    expect([...youtube.querySelectorAll('[data-state]')].map((e) => e.getAttribute('data-state'))).toEqual(['connecting', 'live', 'reconnecting']);
    expect(youtube.querySelectorAll('[data-mark="drop"]')).toHaveLength(1);
    expect(youtube.querySelectorAll('[data-mark="reconnect"]')).toHaveLength(1);
    const twitch = timeline.querySelector('[data-destination-id="d2"]')!;
    expect([...twitch.querySelectorAll('[data-state]')].map((e) => e.getAttribute('data-state'))).toEqual(['connecting', 'failed']);
    expect(within(within(timeline).getByRole('list', { name: 'Legend' })).getByText('reconnecting (waiting to retry)')).toBeTruthy();
    expect(within(youtube as HTMLElement).getByTestId('timeline-summary').textContent).toContain('1 reconnect · 40 frames dropped');
    expect(screen.getByTestId('session-sess1-ingest-average').textContent).toBe('6.0 Mb/s');
    expect(screen.queryByText(/^Now/)).toBeNull();

    const log = screen.getByText(/Every change, as a list/).closest('details')!;
    expect(log.open).toBe(false);
    await user.click(within(log).getByText(/Every change, as a list/));
    expect(log.open).toBe(true);
    expect(within(log).getByText(': Stalled: the destination stopped reading')).toBeTruthy();
    expect(within(log).getByText(': Rejected stream key')).toBeTruthy();
  });

  it('lists the session’s encoder switches in words', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(200, [
        {
          ...session,
          inputSwitches: [
            { at: '2026-11-21T20:01:03Z', onAir: 'backup', previous: 'primary', reason: 'primary-lost', gapMs: 33, wallGapMs: 41 },
            { at: '2026-11-21T20:05:00Z', onAir: 'primary', previous: 'backup', reason: 'failback', gapMs: null, wallGapMs: null },
          ],
        },
      ]),
    );
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { from: session.startedAt, to: session.endedAt, resolutionS: 10, ingest: [], destinations: [] }));
    render(<HistoryPanel streamId="s1" refreshKey="idle" />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Details' }));
    const items = within(screen.getByRole('list', { name: 'Encoder switches' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      `${new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' }).format(new Date('2026-11-21T20:01:03Z'))} backup on air (primary lost), gap 33 ms`,
      `${new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' }).format(new Date('2026-11-21T20:05:00Z'))} primary on air (the primary was healthy again)`,
    ]);
  });

  it('folds a run of failed retries into one line', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 20, 0, s)).toISOString();
    const e = (s: number, from: string, to: string, reason: string | null = null) => ({ at: at(s), destinationId: 'd1', destinationName: 'YouTube', from, to, reason, message: null }) as IngestSession['timeline'][number];
    const folded = foldRetries([e(0, 'idle', 'connecting'), e(1, 'connecting', 'reconnecting', 'refused'), e(2, 'reconnecting', 'connecting'), e(3, 'connecting', 'reconnecting', 'refused'), e(5, 'reconnecting', 'connecting'), e(6, 'connecting', 'live')]);
    expect(folded.map((f) => (f.kind === 'change' ? `${f.entry.from}->${f.entry.to}` : `retried ${f.attempts} (${f.reason})`))).toEqual(['idle->connecting', 'connecting->reconnecting', 'retried 2 (refused)', 'connecting->live']);
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

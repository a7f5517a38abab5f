import type { Health, LiveOverview } from '@fanout/contracts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { StatusPanel } from './status-panel';

const healthy: Health = {
  status: 'ok',
  version: '0.1.0',
  uptimeS: 3 * 3600 + 5 * 60,
  database: { status: 'ok', embedded: true },
  rtmp: { status: 'ok', port: 1935, connections: 2 },
};

/** The `<dd>` next to a `<dt>` in the status list. */
function valueOf(term: string): HTMLElement {
  const dt = screen.getByText(term, { selector: 'dt' });
  return dt.nextElementSibling as HTMLElement;
}

describe('StatusPanel', () => {
  it('shows every component up, with the RTMP port, connection count, version and uptime', () => {
    render(<StatusPanel health={healthy} error={null} loading={false} onRetry={() => {}} />);

    expect(screen.getByText('All systems normal')).toBeTruthy();
    const database = valueOf('Database');
    expect(within(database).getByText('Up')).toBeTruthy();
    expect(within(database).getByText('Embedded PostgreSQL')).toBeTruthy();
    const rtmp = valueOf('RTMP listener');
    expect(within(rtmp).getByText('Up')).toBeTruthy();
    expect(within(rtmp).getByText('Port 1935')).toBeTruthy();
    expect(within(rtmp).getByText('2 connections')).toBeTruthy();
    expect(valueOf('Version').textContent).toBe('0.1.0');
    expect(valueOf('Uptime').textContent).toBe('3 h 5 min');
  });

  it('shows a down database and RTMP listener with their details, and the degraded status', () => {
    const degraded: Health = {
      ...healthy,
      status: 'degraded',
      database: { status: 'down', embedded: false, detail: 'connection refused' },
      rtmp: { status: 'down', port: 1935, connections: 0, detail: 'EADDRINUSE' },
    };
    render(<StatusPanel health={degraded} error={null} loading={false} onRetry={() => {}} />);

    expect(screen.getByText('Degraded')).toBeTruthy();
    const database = valueOf('Database');
    expect(within(database).getByText('Down')).toBeTruthy();
    expect(within(database).getByText('External PostgreSQL')).toBeTruthy();
    expect(database.textContent).toContain('connection refused');
    const rtmp = valueOf('RTMP listener');
    expect(within(rtmp).getByText('Down')).toBeTruthy();
    expect(rtmp.textContent).toContain('EADDRINUSE');
    // The "go live" hint only makes sense when the listener is up.
    expect(screen.queryByText(/Nothing is publishing yet/)).toBeNull();
  });

  it('shows the last broadcast when nothing is publishing, instead of a generic hint', () => {
    const idle = { ...healthy, rtmp: { ...healthy.rtmp, connections: 0 } };
    const overview: LiveOverview = {
      at: '2026-11-21T22:00:00Z',
      streams: [],
      lastBroadcast: { streamId: 's1', name: 'Sunday service', startedAt: '2026-11-21T19:00:00Z', endedAt: '2026-11-21T20:00:00Z', durationS: 3570, endReason: 'publisher stopped' },
    };
    render(<StatusPanel health={idle} error={null} loading={false} onRetry={() => {}} overview={overview} now={Date.parse('2026-11-21T22:00:00Z')} />);
    expect(within(valueOf('RTMP listener')).getByText('No connections')).toBeTruthy();
    expect(valueOf('Last broadcast').textContent).toBe('Sunday service, ended 2 h ago after 59 min 30 s on air');
    expect(screen.getByRole('link', { name: 'Sunday service' }).getAttribute('href')).toBe('/streams/s1');
    expect(screen.queryByText(/Nothing is publishing yet/)).toBeNull();
  });

  it('shows what is on air, with failing destinations, and says when nothing was ever broadcast', () => {
    const live: LiveOverview = {
      at: '2026-11-21T22:00:00Z',
      streams: [{ streamId: 's1', name: 'Main', state: 'live', startedAt: '2026-11-21T21:00:00Z', destinations: { live: 2, enabled: 3, failing: 1 } }],
      lastBroadcast: null,
    };
    const { unmount } = render(<StatusPanel health={healthy} error={null} loading={false} onRetry={() => {}} overview={live} />);
    expect(valueOf('On air').textContent).toBe('Main live now · 2/3 destinations live · 1 failing');
    unmount();
    render(<StatusPanel health={healthy} error={null} loading={false} onRetry={() => {}} overview={{ ...live, streams: [] }} />);
    expect(valueOf('Last broadcast').textContent).toMatch(/^Nothing has been broadcast yet/);
  });

  it('shows an error with a working Retry button when the API is down', async () => {
    const onRetry = vi.fn();
    render(<StatusPanel health={null} error="The Fanout API is not reachable." loading={false} onRetry={onRetry} />);

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Could not check the system status.');
    expect(alert.textContent).toContain('The Fanout API is not reachable.');
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('marks the last report as stale when a later check fails', () => {
    render(<StatusPanel health={healthy} error="The Fanout API is not reachable." loading={false} onRetry={() => {}} />);
    expect(screen.getByText('Last known status')).toBeTruthy();
    expect(screen.queryByText('All systems normal')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('The Fanout API is not reachable.');
  });

  it('shows a checking state before the first report arrives', () => {
    render(<StatusPanel health={null} error={null} loading onRetry={() => {}} />);
    expect(screen.getByRole('status').textContent).toBe('Checking…');
    expect(screen.getByRole('region', { name: 'System status' }).getAttribute('aria-busy')).toBe('true');
  });
});

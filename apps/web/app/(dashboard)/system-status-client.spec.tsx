import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemStatusClient } from './system-status-client';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const NOTHING_LIVE = { at: '2026-11-21T22:00:00Z', streams: [], lastBroadcast: null };

describe('SystemStatusClient', () => {
  it('recovers from an API outage when Retry succeeds', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(
      Response.json({
        status: 'ok',
        version: '0.1.0',
        uptimeS: 5,
        database: { status: 'ok', embedded: true },
        rtmp: { status: 'ok', port: 1935, connections: 1 },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    render(<SystemStatusClient initial={{ status: 'error', message: 'The Fanout API is not reachable.' }} initialOverview={NOTHING_LIVE} />);

    await userEvent.setup().click(within(screen.getByRole('alert')).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('All systems normal')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(fetch.mock.calls[0]![0]).toBe('/api/health');
  });

  it('shows a 503 health report as a degraded status, not as an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn<typeof globalThis.fetch>().mockResolvedValue(
        Response.json(
          {
            status: 'degraded',
            version: '0.1.0',
            uptimeS: 5,
            database: { status: 'down', embedded: true, detail: 'starting' },
            rtmp: { status: 'ok', port: 1935, connections: 0 },
          },
          { status: 503 },
        ),
      ),
    );
    render(<SystemStatusClient initial={{ status: 'error', message: 'down' }} initialOverview={NOTHING_LIVE} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('Degraded')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('counts the uptime on between checks', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:00Z'));
    vi.stubGlobal('fetch', vi.fn<typeof globalThis.fetch>().mockResolvedValue(Response.json(NOTHING_LIVE)));
    const health = { status: 'ok' as const, version: '0.1.0', uptimeS: 58, database: { status: 'ok' as const, embedded: true }, rtmp: { status: 'ok' as const, port: 1935, connections: 0 } };
    render(<SystemStatusClient initial={{ status: 'ok', health }} initialOverview={NOTHING_LIVE} />);
    expect(screen.getByTestId('system-uptime').textContent).toBe('58 s');
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(screen.getByTestId('system-uptime').textContent).toBe('1 min 1 s');
  });
});

import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { destination, idleStatus, jsonResponse, liveStatus, stateEvent, statusDestination, streamDetail } from '../../../../test/fixtures';
import { StreamPageClient } from './stream-page-client';

vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh: vi.fn(), push: vi.fn(), replace: vi.fn() }) }));

/** A scriptable EventSource: the test opens it, sends events and drops it. */
class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = [];
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  close() {
    this.closed = true;
  }
  open() {
    act(() => void this.dispatchEvent(new Event('open')));
  }
  send(type: string, data: unknown) {
    act(() => void this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data) })));
  }
  fail() {
    act(() => void this.dispatchEvent(new Event('error')));
  }
  static get last(): FakeEventSource {
    return FakeEventSource.instances.at(-1)!;
  }
}

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal('fetch', fetchMock);
  // History and backfill calls; individual tests add their own answers first.
  fetchMock.mockImplementation(async (url) =>
    String(url).includes('/sessions') ? jsonResponse(200, []) : jsonResponse(200, { from: '', to: '', resolutionS: 1, ingest: [], destinations: [] }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  vi.useRealTimers();
});

function renderPage() {
  return render(
    <StreamPageClient
      initial={{ stream: streamDetail(), destinations: [destination()], status: idleStatus('2026-11-21T21:59:00Z', [statusDestination({ state: 'idle', bitrateKbps: 0 })]) }}
      eventSource={FakeEventSource as unknown as typeof EventSource}
    />,
  );
}

const card = () => screen.getByRole('heading', { name: 'YouTube' }).closest('li')!;

describe('StreamPageClient live status', () => {
  it('goes live from SSE status events and feeds the bitrate readout from the chart series', () => {
    renderPage();
    expect(screen.getByTestId('stream-live').textContent).toContain('Idle');
    const es = FakeEventSource.last;
    expect(es.url).toBe('/api/streams/s1/events');
    es.open();
    es.send('status', liveStatus('2026-11-21T22:00:01Z', [statusDestination({ bitrateKbps: 2480 })]));

    expect(screen.getByTestId('stream-live').textContent).toContain('Live');
    expect(within(card()).getByTestId('state-label').textContent).toBe('Live');
    const readout = screen.getByTestId('destination-bitrate');
    expect(readout.getAttribute('data-kbps')).toBe('2480');
    expect(screen.getByText('H.264 · 1280×720')).toBeTruthy();
  });

  it('shows a state event at once, with the countdown to the next retry', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:02Z'));
    renderPage();
    const es = FakeEventSource.last;
    es.open();
    es.send('status', liveStatus('2026-11-21T22:00:01.500Z'));
    es.send('state', stateEvent({ to: 'reconnecting', reason: 'refused', nextRetryAt: '2026-11-21T22:00:06Z', at: '2026-11-21T22:00:02Z' }));
    expect(within(card()).getByTestId('state-label').textContent).toBe('Reconnecting in 4 s');
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(within(card()).getByTestId('state-label').textContent).toBe('Reconnecting in 3 s');
    expect(within(card()).getByText('Connection refused')).toBeTruthy();
  });

  it('shows platform-rule warnings on the destination', () => {
    renderPage();
    const es = FakeEventSource.last;
    es.open();
    es.send('status', liveStatus('2026-11-21T22:00:01Z', [statusDestination({ warnings: ['Keyframe interval 4 s; Twitch needs 2 s or less'] })]));
    expect(within(card()).getByText('Keyframe interval 4 s; Twitch needs 2 s or less')).toBeTruthy();
  });

  it('reconnects after the connection drops and backfills the gap from /metrics', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:02Z'));
    renderPage();
    const first = FakeEventSource.last;
    first.open();
    first.send('status', liveStatus('2026-11-21T22:00:01Z'));
    first.fail();
    expect(first.closed).toBe(true);
    expect(screen.getByText('Live status lost; reconnecting…')).toBeTruthy();

    await act(() => vi.advanceTimersByTimeAsync(8_000));
    const second = FakeEventSource.last;
    expect(second).not.toBe(first);
    fetchMock.mockClear();
    second.open();
    const backfill = fetchMock.mock.calls.map(([url]) => String(url)).find((u) => u.includes('/metrics'));
    expect(backfill).toContain('/api/streams/s1/metrics?from=2026-11-21T22%3A00%3A01.000Z');
    expect(screen.queryByText('Live status lost; reconnecting…')).toBeNull();
  });

  it('disables a destination while live with its switch', async () => {
    const user = userEvent.setup();
    renderPage();
    FakeEventSource.last.open();
    FakeEventSource.last.send('status', liveStatus('2026-11-21T22:00:01Z'));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, destination({ enabled: false })));
    await user.click(screen.getByRole('switch', { name: 'Send to YouTube' }));
    const patch = fetchMock.mock.calls.find(([url]) => String(url) === '/api/destinations/d1')!;
    expect(patch[1]?.method).toBe('PATCH');
    expect(JSON.parse(String(patch[1]?.body))).toEqual({ enabled: false });
    expect(within(card()).getByTestId('state-label').textContent).toBe('Disabled');
    expect(screen.getByRole('switch', { name: 'Send to YouTube' }).getAttribute('aria-checked')).toBe('false');
  });
});

import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { destination, idleStatus, inputs, inputStatus, inputSwitch, jsonResponse, liveStatus, stateEvent, statusDestination, streamDetail } from '../../../../test/fixtures';
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
    String(url).includes('/sessions') || String(url).includes('/recordings') ? jsonResponse(200, []) : jsonResponse(200, { from: '', to: '', resolutionS: 1, ingest: [], destinations: [] }),
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

  it('fills the whole visible window from /metrics when the page opens mid-broadcast', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T22:10:00Z'));
    render(<StreamPageClient initial={{ stream: streamDetail(), destinations: [destination()], status: liveStatus('2026-11-21T22:10:00Z') }} eventSource={FakeEventSource as unknown as typeof EventSource} />);
    FakeEventSource.last.open();
    const backfill = fetchMock.mock.calls.map(([url]) => String(url)).find((u) => u.includes('/metrics'));
    expect(backfill).toBe('/api/streams/s1/metrics?from=2026-11-21T22%3A07%3A00.000Z&to=2026-11-21T22%3A10%3A00.000Z');
  });

  it('counts down the grace window and shows destinations as holding, not "Live 0 kb/s"', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:03Z'));
    renderPage();
    const es = FakeEventSource.last;
    es.open();
    es.send('status', liveStatus('2026-11-21T22:00:02Z'));
    expect(screen.queryByTestId('grace-countdown')).toBeNull();
    es.send('ingest', { state: 'grace', reason: 'publisher lost', at: '2026-11-21T22:00:03Z', graceEndsAt: '2026-11-21T22:00:10Z', video: null, audio: null, audioPresent: false });
    expect(screen.getByTestId('grace-countdown').textContent).toContain('Publisher lost · destinations end in 7 s');
    expect(within(card()).getByTestId('state-label').textContent).toBe('Holding');
    expect(card().getAttribute('data-state')).toBe('holding');
    expect(within(card()).queryByText(/kb\/s|Mb\/s/)).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(screen.getByTestId('grace-countdown').textContent).toContain('destinations end in 4 s');
    // After a reload in the window, the snapshot alone says how long is left.
    es.send('status', liveStatus('2026-11-21T22:00:06Z', [statusDestination({ bitrateKbps: 0 })], { reconnectGrace: true, graceEndsAt: '2026-11-21T22:00:10Z', bitrateKbps: 0 }));
    expect(screen.getByTestId('grace-countdown').textContent).toContain('destinations end in 4 s');
  });

  it('shows what is on air while live, follows input events, and says the slate is on air in the grace countdown', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:03Z'));
    renderPage();
    expect(screen.queryByTestId('on-air')).toBeNull();
    const es = FakeEventSource.last;
    es.open();
    es.send('status', { ...liveStatus('2026-11-21T22:00:02Z'), inputs: inputs({ backup: inputStatus({ state: 'warm' }) }) });
    expect(screen.getByTestId('on-air-now').textContent).toBe('Primary');
    expect(screen.getByTestId('encoder-backup').textContent).toBe('Connected, standing by');

    es.send('input', inputSwitch({ at: '2026-11-21T22:00:02.500Z', onAir: 'slate', previous: 'primary', reason: 'primary-lost' }));
    expect(screen.getByTestId('on-air-now').textContent).toBe('Slate');
    es.send('ingest', { state: 'grace', reason: 'publisher lost', at: '2026-11-21T22:00:03Z', graceEndsAt: '2026-11-21T22:04:35Z', video: null, audio: null, audioPresent: false });
    expect(screen.getByTestId('grace-countdown').textContent).toContain('Publisher lost · slate on air · destinations end in 4:32');
  });

  it('raises a toast when a destination fails while you watch, and another when it is back; retry now while it is down', async () => {
    const user = userEvent.setup();
    renderPage();
    const es = FakeEventSource.last;
    es.open();
    es.send('status', liveStatus('2026-11-21T22:00:01Z'));
    expect(screen.queryAllByRole('alert')).toEqual([]);
    es.send('state', stateEvent({ to: 'failed', reason: 'rejected-key', at: '2026-11-21T22:00:02Z' }));
    const notifications = screen.getByRole('region', { name: 'Notifications' });
    expect(within(notifications).getByRole('alert').textContent).toContain('YouTube failed');
    expect(within(notifications).getByRole('alert').textContent).toContain('Rejected stream key');

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await user.click(within(card()).getByRole('button', { name: 'Retry YouTube now' }));
    expect(fetchMock.mock.calls.some(([url, init]) => String(url) === '/api/destinations/d1/retry' && init?.method === 'POST')).toBe(true);

    es.send('state', stateEvent({ from: 'failed', to: 'connecting', at: '2026-11-21T22:00:03Z' }));
    es.send('state', stateEvent({ from: 'connecting', to: 'live', at: '2026-11-21T22:00:04Z' }));
    expect(within(notifications).getByRole('status').textContent).toContain('YouTube is live again');
    expect(within(card()).queryByRole('button', { name: 'Retry YouTube now' })).toBeNull();
  });

  it('offers a connection test only while idle, and rename and delete for the stream', () => {
    renderPage();
    FakeEventSource.last.open();
    expect(within(card()).getByRole('button', { name: 'Test connection to YouTube' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Rename' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Delete…' })).toBeTruthy();
    FakeEventSource.last.send('status', liveStatus('2026-11-21T22:00:01Z'));
    expect(within(card()).queryByRole('button', { name: 'Test connection to YouTube' })).toBeNull();
  });
});

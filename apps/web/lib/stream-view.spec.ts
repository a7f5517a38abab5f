import { describe, expect, it } from 'vitest';
import { idleStatus, inputs, inputSwitch, liveStatus, stateEvent, statusDestination } from '../test/fixtures';
import { displayedState, emptyStreamView, healthSummary, reduceStreamView, type StreamView, type StreamViewEvent } from './stream-view';

function run(events: StreamViewEvent[], from: StreamView = emptyStreamView): StreamView {
  return events.reduce(reduceStreamView, from);
}

describe('reduceStreamView', () => {
  it('shows the ingest and every destination of a status snapshot', () => {
    const view = run([{ type: 'status', status: liveStatus('2026-11-21T22:01:00Z') }]);
    expect(view.ingest?.state).toBe('live');
    expect(view.destinations).toMatchObject([{ id: 'd1', name: 'YouTube', state: 'live', bitrateKbps: 2500 }]);
  });

  it('applies a state event between snapshots: reconnecting with its reason and retry time', () => {
    const view = run([
      { type: 'status', status: liveStatus('2026-11-21T22:01:00Z') },
      {
        type: 'state',
        event: stateEvent({ to: 'reconnecting', reason: 'refused', message: 'ECONNREFUSED', nextRetryAt: '2026-11-21T22:01:05Z', at: '2026-11-21T22:01:00.400Z' }),
      },
    ]);
    expect(view.destinations[0]).toMatchObject({
      state: 'reconnecting',
      failure: { reason: 'refused', message: 'ECONNREFUSED' },
      nextRetryAt: '2026-11-21T22:01:05Z',
      bitrateKbps: 0,
    });
  });

  it('does not let an older snapshot undo a newer state event', () => {
    const view = run([
      { type: 'status', status: liveStatus('2026-11-21T22:01:00Z') },
      { type: 'state', event: stateEvent({ to: 'reconnecting', reason: 'timeout', nextRetryAt: '2026-11-21T22:01:03Z', at: '2026-11-21T22:01:00.500Z' }) },
      // The engine's snapshot for the same second was taken before the failure.
      { type: 'status', status: liveStatus('2026-11-21T22:01:00.200Z') },
    ]);
    expect(view.destinations[0]?.state).toBe('reconnecting');
  });

  it('lets a newer snapshot take over from a state event', () => {
    const view = run([
      { type: 'status', status: liveStatus('2026-11-21T22:01:00Z') },
      { type: 'state', event: stateEvent({ to: 'reconnecting', reason: 'timeout', at: '2026-11-21T22:01:00.500Z' }) },
      { type: 'status', status: liveStatus('2026-11-21T22:01:01Z', [statusDestination({ state: 'live', bitrateKbps: 2400 })]) },
    ]);
    expect(view.destinations[0]).toMatchObject({ state: 'live', bitrateKbps: 2400 });
  });

  it('ignores snapshots that arrive out of order', () => {
    const newer = liveStatus('2026-11-21T22:01:02Z', [statusDestination({ bitrateKbps: 3000 })]);
    const older = liveStatus('2026-11-21T22:01:01Z', [statusDestination({ bitrateKbps: 1000 })]);
    const view = run([{ type: 'status', status: newer }, { type: 'status', status: older }]);
    expect(view.destinations[0]?.bitrateKbps).toBe(3000);
  });

  it('clears the failure when a destination comes back live', () => {
    const view = run([
      { type: 'status', status: liveStatus('2026-11-21T22:01:00Z') },
      { type: 'state', event: stateEvent({ to: 'failed', reason: 'rejected-key', at: '2026-11-21T22:01:00.300Z' }) },
      { type: 'state', event: stateEvent({ from: 'connecting', to: 'live', at: '2026-11-21T22:01:00.600Z' }) },
    ]);
    expect(view.destinations[0]).toMatchObject({ state: 'live', failure: null, nextRetryAt: null, liveSince: '2026-11-21T22:01:00.600Z' });
  });

  it('ignores state events for destinations it has not seen in a snapshot', () => {
    const before = run([{ type: 'status', status: liveStatus('2026-11-21T22:01:00Z') }]);
    const after = reduceStreamView(before, { type: 'state', event: stateEvent({ destinationId: 'unknown', to: 'live', at: '2026-11-21T22:01:01Z' }) });
    expect(after).toBe(before);
  });

  it('drops destinations that the next snapshot no longer lists (deleted)', () => {
    const view = run([
      { type: 'status', status: liveStatus('2026-11-21T22:01:00Z', [statusDestination(), statusDestination({ id: 'd2', name: 'Twitch' })]) },
      { type: 'status', status: liveStatus('2026-11-21T22:01:01Z', [statusDestination()]) },
    ]);
    expect(view.destinations.map((d) => d.id)).toEqual(['d1']);
  });

  it('goes idle when the publisher stops', () => {
    const view = run([
      { type: 'status', status: liveStatus('2026-11-21T22:01:00Z') },
      { type: 'status', status: idleStatus('2026-11-21T22:01:01Z', [statusDestination({ state: 'idle', bitrateKbps: 0 })]) },
    ]);
    expect(view.ingest?.state).toBe('idle');
    expect(view.destinations[0]?.state).toBe('idle');
  });
});

describe('reduceStreamView ingest events', () => {
  const video = { codec: 'h264', width: 1920, height: 1080 };
  const audio = { codec: 'aac', sampleRate: 48000, channels: 2 };

  it('goes live the moment the publisher arrives, before the next snapshot', () => {
    const view = run([
      { type: 'status', status: idleStatus('2026-11-21T22:00:00Z') },
      { type: 'ingest', event: { state: 'live', reason: null, at: '2026-11-21T22:00:02Z', graceEndsAt: null, video, audio, audioPresent: true } },
    ]);
    expect(view.ingest).toMatchObject({ state: 'live', reconnectGrace: false, startedAt: '2026-11-21T22:00:02Z', video, audioPresent: true });
  });

  it('marks the grace window while the publisher is gone, then idle when the stream ends', () => {
    const grace = run([
      { type: 'status', status: liveStatus('2026-11-21T22:00:00Z') },
      { type: 'ingest', event: { state: 'grace', reason: 'publisher left', at: '2026-11-21T22:00:01Z', graceEndsAt: '2026-11-21T22:00:11Z', video: null, audio: null, audioPresent: false } },
    ]);
    expect(grace.ingest).toMatchObject({ state: 'live', reconnectGrace: true, graceEndsAt: '2026-11-21T22:00:11Z', bitrateKbps: 0 });
    const ended = reduceStreamView(grace, {
      type: 'ingest',
      event: { state: 'ended', reason: 'grace expired', at: '2026-11-21T22:00:11Z', graceEndsAt: null, video: null, audio: null, audioPresent: false },
    });
    expect(ended.ingest).toMatchObject({ state: 'idle', reconnectGrace: false, graceEndsAt: null, bitrateKbps: 0, startedAt: null });
  });
});

describe('healthSummary', () => {
  it('keeps the inputs of a snapshot, and shows an input switch at once', () => {
    const view = run([
      { type: 'status', status: { ...liveStatus('2026-11-21T22:01:00Z'), inputs: inputs() } },
      { type: 'input', event: inputSwitch({ at: '2026-11-21T22:01:00.500Z', onAir: 'backup' }) },
    ]);
    expect(view.inputs?.onAir).toBe('backup');
    expect(view.lastSwitch?.reason).toBe('primary-lost');
  });

  it('does not let an older snapshot undo a newer input switch, and a newer one takes over', () => {
    const switched = run([
      { type: 'status', status: { ...liveStatus('2026-11-21T22:01:00Z'), inputs: inputs() } },
      { type: 'input', event: inputSwitch({ at: '2026-11-21T22:01:00.500Z', onAir: 'slate' }) },
      { type: 'status', status: { ...liveStatus('2026-11-21T22:01:00.200Z'), inputs: inputs() } },
    ]);
    expect(switched.inputs?.onAir).toBe('slate');
    const later = run([{ type: 'status', status: { ...liveStatus('2026-11-21T22:01:02Z'), inputs: inputs({ onAir: 'primary' }) } }], switched);
    expect(later.inputs?.onAir).toBe('primary');
  });

  it('forgets the inputs and the last switch when the stream ends', () => {
    const view = run([
      { type: 'status', status: { ...liveStatus('2026-11-21T22:01:00Z'), inputs: inputs() } },
      { type: 'input', event: inputSwitch({ at: '2026-11-21T22:01:01Z' }) },
      { type: 'ingest', event: { state: 'ended', reason: null, at: '2026-11-21T22:01:05Z', graceEndsAt: null, video: null, audio: null, audioPresent: false } },
    ]);
    expect(view.inputs).toBeNull();
    expect(view.lastSwitch).toBeNull();
  });

  it('counts live destinations out of the enabled ones, and the failing ones', () => {
    expect(
      healthSummary([{ state: 'live' }, { state: 'live' }, { state: 'reconnecting' }, { state: 'failed' }, { state: 'disabled' }]),
    ).toEqual({ live: 2, enabled: 4, total: 5, failing: 2 });
  });
});

describe('displayedState', () => {
  it('shows a switched-off destination as disabled, whatever the engine said', () => {
    expect(displayedState(false, { state: 'live' }, true)).toBe('disabled');
  });

  it("shows the engine's state once it has one, and connecting or idle before that", () => {
    expect(displayedState(true, { state: 'reconnecting' }, true)).toBe('reconnecting');
    expect(displayedState(true, undefined, true)).toBe('connecting');
    expect(displayedState(true, undefined, false)).toBe('idle');
    // Just re-enabled: the engine's last word was 'disabled', which no longer holds.
    expect(displayedState(true, { state: 'disabled' }, true)).toBe('connecting');
    // Connected while the publisher is gone: holding, not "Live 0 kb/s".
    expect(displayedState(true, { state: 'live' }, true, true)).toBe('holding');
    expect(displayedState(true, { state: 'reconnecting' }, true, true)).toBe('reconnecting');
    expect(displayedState(false, { state: 'live' }, true, true)).toBe('disabled');
  });
});

import { describe, expect, it } from 'vitest';
import { liveStatus, statusDestination } from '../test/fixtures';
import { healthTimeline, sampleStep } from './health-timeline';
import { appendStatus, emptySeries, mergeMetrics, type Series } from './metrics';

const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 22, 0, s)).toISOString();
const T0 = Date.UTC(2026, 10, 21, 22, 0, 0) / 1000;

function live(states: [string, Partial<Parameters<typeof statusDestination>[0]>, boolean?][]): Series {
  let series = emptySeries;
  states.forEach(([, d, grace], s) => {
    series = appendStatus(series, liveStatus(at(s), [statusDestination(d)], grace ? { reconnectGrace: true, bitrateKbps: 0 } : {}));
  });
  return series;
}

describe('healthTimeline', () => {
  it('joins seconds of one state into segments, one row per destination, with drops and reconnects as marks', () => {
    const series = live([
      ['', { state: 'live' }],
      ['', { state: 'live', droppedFrames: 5 }],
      ['', { state: 'reconnecting', droppedFrames: 5 }],
      ['', { state: 'connecting', droppedFrames: 5, reconnects: 1 }],
      ['', { state: 'live', droppedFrames: 5, reconnects: 1 }],
    ]);
    const model = healthTimeline(series);
    expect(model.from).toBe(T0);
    expect(model.to).toBe(T0 + 5);
    const [row] = model.rows;
    expect(row!.segments.map((s) => [s.state, s.from - T0, s.to - T0])).toEqual([
      ['live', 0, 2],
      ['reconnecting', 2, 3],
      ['connecting', 3, 4],
      ['live', 4, 5],
    ]);
    expect(row!.marks).toEqual([
      { t: T0 + 1, kind: 'drop', count: 5 },
      { t: T0 + 3, kind: 'reconnect', count: 1 },
    ]);
    expect(row).toMatchObject({ droppedFrames: 5, reconnects: 1, seconds: { live: 3, reconnecting: 1, connecting: 1 } });
  });

  it('shows a live destination in a grace window as holding', () => {
    const series = live([
      ['', { state: 'live' }],
      ['', { state: 'live' }, true],
      ['', { state: 'live' }, true],
      ['', { state: 'live' }],
    ]);
    const model = healthTimeline(series);
    expect(model.grace).toEqual([{ from: T0 + 1, to: T0 + 3 }]);
    expect(model.rows[0]!.segments.map((s) => s.state)).toEqual(['live', 'holding', 'live']);
  });

  it('takes exact states from transitions when given (a past session), clipped to the session, at the samples’ resolution', () => {
    const series = mergeMetrics(
      emptySeries,
      {
        from: at(0),
        to: at(60),
        resolutionS: 10,
        ingest: [0, 10, 20, 30, 40, 50].map((s) => ({ at: at(s), bitrateKbps: 2500, fps: 30, state: 'live' as const })),
        destinations: [{ id: 'd1', name: 'YouTube', points: [{ at: at(20), bitrateKbps: 0, droppedFrames: 0, reconnects: 2, state: 'reconnecting' }] }],
      },
      Number.POSITIVE_INFINITY,
    );
    expect(sampleStep(series.t)).toBe(10);
    const model = healthTimeline(series, {
      from: T0,
      to: T0 + 60,
      events: [
        { at: at(2), destinationId: 'd1', destinationName: 'YouTube', from: 'connecting', to: 'live', reason: null, message: null },
        { at: at(21), destinationId: 'd1', destinationName: 'YouTube', from: 'live', to: 'reconnecting', reason: 'refused', message: null },
        { at: at(25), destinationId: 'd1', destinationName: 'YouTube', from: 'reconnecting', to: 'connecting', reason: null, message: null },
        { at: at(26), destinationId: 'd1', destinationName: 'YouTube', from: 'connecting', to: 'live', reason: null, message: null },
        { at: at(90), destinationId: 'd2', destinationName: 'Twitch', from: 'live', to: 'idle', reason: null, message: null },
      ],
    });
    expect(model.rows.map((r) => r.name)).toEqual(['YouTube', 'Twitch']);
    expect(model.rows[0]!.segments.map((s) => [s.state, s.from - T0, s.to - T0])).toEqual([
      ['connecting', 0, 2],
      ['live', 2, 21],
      ['reconnecting', 21, 25],
      ['connecting', 25, 26],
      ['live', 26, 60],
    ]);
    expect(model.rows[0]!.reconnects).toBe(2);
    // A change after the session's end does not reach back into it.
    expect(model.rows[1]!.segments).toEqual([{ from: T0, to: T0 + 60, state: 'live' }]);
  });

  it('leaves gaps where samples are missing for longer than a moment', () => {
    let series = appendStatus(emptySeries, liveStatus(at(0)));
    series = appendStatus(series, liveStatus(at(2))); // one second skipped: joined
    series = appendStatus(series, liveStatus(at(3)));
    series = appendStatus(series, liveStatus(at(5))); // a second skipped again: joined
    series = appendStatus(series, liveStatus(at(9))); // three: a gap
    expect(healthTimeline(series, { stepS: 1 }).rows[0]!.segments.map((s) => [s.from - T0, s.to - T0])).toEqual([
      [0, 6],
      [9, 10],
    ]);
  });

  it('leaves gaps where there are no samples', () => {
    let series = appendStatus(emptySeries, liveStatus(at(0)));
    series = appendStatus(series, liveStatus(at(5)));
    expect(healthTimeline(series, { stepS: 1 }).rows[0]!.segments.map((s) => [s.from - T0, s.to - T0])).toEqual([
      [0, 1],
      [5, 6],
    ]);
  });
});

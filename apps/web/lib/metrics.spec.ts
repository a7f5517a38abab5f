import { describe, expect, it } from 'vitest';
import { liveStatus, statusDestination } from '../test/fixtures';
import { appendStatus, emptySeries, lastValue, mergeMetrics, type StreamMetrics } from './metrics';

describe('live chart series', () => {
  it('adds one point per status snapshot for the ingest and each destination', () => {
    let series = appendStatus(emptySeries, liveStatus('2026-11-21T22:00:01Z'));
    series = appendStatus(series, liveStatus('2026-11-21T22:00:02Z', [statusDestination({ bitrateKbps: 2400 })], { bitrateKbps: 2700, fps: 29.9 }));
    const t0 = Date.parse('2026-11-21T22:00:00Z') / 1000;
    expect(series.t).toEqual([t0 + 1, t0 + 2]);
    expect(series.ingestBitrateKbps).toEqual([2600, 2700]);
    expect(series.ingestFps).toEqual([30, 29.9]);
    expect(series.destinations['d1']?.bitrateKbps).toEqual([2500, 2400]);
    expect(lastValue(series.destinations['d1']!.bitrateKbps)).toBe(2400);
  });

  it('charts dropped frames and reconnects per interval from the engine counters', () => {
    let series = appendStatus(emptySeries, liveStatus('2026-11-21T22:00:01Z', [statusDestination({ droppedFrames: 10, reconnects: 1 })]));
    series = appendStatus(series, liveStatus('2026-11-21T22:00:02Z', [statusDestination({ droppedFrames: 14, reconnects: 1 })]));
    series = appendStatus(series, liveStatus('2026-11-21T22:00:03Z', [statusDestination({ droppedFrames: 14, reconnects: 2 })]));
    expect(series.destinations['d1']?.droppedFrames).toEqual([0, 4, 0]);
    expect(series.destinations['d1']?.reconnects).toEqual([0, 0, 1]);
  });

  it('keeps only the last window of seconds', () => {
    let series = emptySeries;
    for (let s = 0; s < 10; s++) series = appendStatus(series, liveStatus(new Date(Date.UTC(2026, 10, 21, 22, 0, s)).toISOString()), 5);
    expect(series.t).toHaveLength(5);
    expect(series.t.at(-1)! - series.t[0]!).toBe(4);
  });

  it('backfills a gap from /metrics without overwriting live points', () => {
    let series = appendStatus(emptySeries, liveStatus('2026-11-21T22:00:00Z'));
    series = appendStatus(series, liveStatus('2026-11-21T22:00:05Z'));
    const metrics: StreamMetrics = {
      from: '2026-11-21T22:00:00Z',
      to: '2026-11-21T22:00:05Z',
      resolutionS: 1,
      ingest: [
        { at: '2026-11-21T22:00:00Z', bitrateKbps: 1, fps: 1, state: 'live' },
        { at: '2026-11-21T22:00:02Z', bitrateKbps: 2500, fps: 30, state: 'live' },
        { at: '2026-11-21T22:00:03Z', bitrateKbps: 2550, fps: 30, state: 'live' },
      ],
      destinations: [
        {
          id: 'd1',
          name: 'YouTube',
          points: [{ at: '2026-11-21T22:00:02Z', bitrateKbps: 2400, droppedFrames: 3, reconnects: 0, state: 'live' }],
        },
      ],
    };
    series = mergeMetrics(series, metrics);
    expect(series.t.map((t) => t - Date.parse('2026-11-21T22:00:00Z') / 1000)).toEqual([0, 2, 3, 5]);
    expect(series.ingestBitrateKbps).toEqual([2600, 2500, 2550, 2600]);
    expect(series.destinations['d1']?.bitrateKbps).toEqual([2500, 2400, null, 2500]);
    expect(series.destinations['d1']?.droppedFrames).toEqual([0, 3, null, 0]);
  });

  it('leaves a gap (not zero) for a disabled destination', () => {
    const series = appendStatus(emptySeries, liveStatus('2026-11-21T22:00:01Z', [statusDestination({ state: 'disabled', bitrateKbps: 0 })]));
    expect(series.destinations['d1']?.bitrateKbps).toEqual([null]);
  });
});

import { describe, expect, it } from 'vitest';
import { engineStats } from '../../test/support/engine-stats';
import { type CounterMemory, rowsFromStats } from './metric-rows';
import { floorTo, maintenancePlan, resolutionFor } from './retention';

const NOW = new Date('2026-11-21T12:34:56.789Z');

describe('downsampling plan', () => {
  it('cuts 1 s rows at an hour and 10 s rows at a day, each on a bucket boundary of the coarser resolution', () => {
    expect(maintenancePlan(NOW)).toEqual({
      steps: [
        { from: 1, to: 10, before: new Date('2026-11-21T11:34:50.000Z') },
        { from: 10, to: 60, before: new Date('2026-11-20T12:34:00.000Z') },
      ],
      deleteBefore: new Date('2026-10-22T12:34:56.789Z'),
    });
  });

  it('floors to multiples of the resolution since the epoch', () => {
    expect(floorTo(Date.parse('2026-11-21T12:00:09.999Z'), 10).toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(floorTo(Date.parse('2026-11-21T12:00:10.000Z'), 10).toISOString()).toBe('2026-11-21T12:00:10.000Z');
    expect(floorTo(Date.parse('2026-11-21T12:00:59.000Z'), 60).toISOString()).toBe('2026-11-21T12:00:00.000Z');
  });

  it('serves a range at the finest resolution still kept for its start', () => {
    const ago = (s: number) => new Date(NOW.getTime() - s * 1000);
    expect(resolutionFor(ago(15 * 60), NOW)).toBe(1);
    expect(resolutionFor(ago(3600), NOW)).toBe(1);
    expect(resolutionFor(ago(3601), NOW)).toBe(10);
    expect(resolutionFor(ago(86_400), NOW)).toBe(10);
    expect(resolutionFor(ago(86_401), NOW)).toBe(60);
    expect(resolutionFor(ago(90 * 86_400), NOW)).toBe(60);
  });
});

describe('metric rows from engine stats', () => {
  it('writes one ingest row and one per destination, at the whole second, counters as per-second deltas', () => {
    const memory: CounterMemory = new Map();
    const first = rowsFromStats(engineStats({ destinations: [{ droppedFrames: 5, reconnects: 1, state: 'reconnecting', bitrateKbps: 12.6 }] }), memory);
    expect(first).toEqual([
      { streamId: '00000000-0000-4000-8000-000000000001', destinationId: null, at: new Date('2026-11-21T12:00:00.000Z'), resolution: 1, bitrateKbps: 2600, fps: 29.9, droppedFrames: 0, reconnects: 0, state: 'live' },
      { streamId: '00000000-0000-4000-8000-000000000001', destinationId: '00000000-0000-4000-8000-000000000100', at: new Date('2026-11-21T12:00:00.000Z'), resolution: 1, bitrateKbps: 13, fps: 0, droppedFrames: 5, reconnects: 1, state: 'reconnecting' },
    ]);
    const second = rowsFromStats(engineStats({ at: '2026-11-21T12:00:01.400Z', destinations: [{ droppedFrames: 8, reconnects: 1 }] }), memory);
    expect(second[1]).toMatchObject({ droppedFrames: 3, reconnects: 0 });
    // A destination re-created by the engine restarts its counters: count from its new zero.
    const third = rowsFromStats(engineStats({ destinations: [{ droppedFrames: 2, reconnects: 0 }] }), memory);
    expect(third[1]).toMatchObject({ droppedFrames: 2, reconnects: 0 });
  });

  it('writes nothing while the ingest is idle', () => {
    expect(rowsFromStats(engineStats({ ingest: { state: 'idle' }, destinations: [{}] }), new Map())).toEqual([]);
  });

  it('keeps the grace window (the stream is still on air for destinations)', () => {
    expect(rowsFromStats(engineStats({ ingest: { state: 'grace', bitrateKbps: 0 } }), new Map())[0]).toMatchObject({ state: 'grace', bitrateKbps: 0 });
  });
});

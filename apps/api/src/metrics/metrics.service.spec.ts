import { describe, expect, it } from 'vitest';
import { metricsSeriesSchema } from '@fanout/contracts';
import { AppError } from '../common/app-error';
import { metricsRange, toSeries } from './metrics.service';

const NOW = new Date('2026-11-21T12:00:00.000Z');

describe('metrics range', () => {
  it('defaults to the last 15 minutes', () => {
    expect(metricsRange({}, NOW)).toEqual({ from: new Date('2026-11-21T11:45:00.000Z'), to: NOW });
    expect(metricsRange({ to: '2026-11-21T10:00:00Z' }, NOW)).toEqual({ from: new Date('2026-11-21T09:45:00.000Z'), to: new Date('2026-11-21T10:00:00.000Z') });
  });

  it('refuses a reversed, empty or longer than 30 day range with VALIDATION_FAILED', () => {
    for (const query of [{ from: '2026-11-21T12:00:00Z', to: '2026-11-21T11:00:00Z' }, { from: '2026-11-21T12:00:00Z', to: '2026-11-21T12:00:00Z' }, { from: '2026-10-01T00:00:00Z', to: '2026-11-21T00:00:00Z' }]) {
      const error = (() => {
        try {
          metricsRange(query, NOW);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('metrics series', () => {
  it('splits buckets into the ingest series and one series per destination, keeping destinations without points', () => {
    const at = new Date('2026-11-21T11:59:50.000Z');
    const series = toSeries({
      from: new Date('2026-11-21T11:45:00Z'),
      to: NOW,
      resolutionS: 10,
      destinations: [{ id: 'a', name: 'YouTube' }, { id: 'b', name: 'Twitch' }],
      buckets: [
        { destinationId: null, at, bitrateKbps: 2500.4, fps: 29.96, droppedFrames: 0, reconnects: 0, state: 'live' },
        { destinationId: null, at: new Date('2026-11-21T12:00:00Z'), bitrateKbps: 0, fps: 0, droppedFrames: 0, reconnects: 0, state: 'grace' },
        { destinationId: 'a', at, bitrateKbps: 2400.6, fps: 0, droppedFrames: 4, reconnects: 1, state: 'reconnecting' },
        { destinationId: 'gone', at, bitrateKbps: 1, fps: 0, droppedFrames: 0, reconnects: 0, state: 'live' },
        { destinationId: 'a', at: new Date('2026-11-21T11:59:40Z'), bitrateKbps: 1, fps: 0, droppedFrames: 0, reconnects: 0, state: 'grace' },
      ],
    });
    expect(metricsSeriesSchema.parse(series)).toEqual(series);
    expect(series).toEqual({
      from: '2026-11-21T11:45:00.000Z',
      to: '2026-11-21T12:00:00.000Z',
      resolutionS: 10,
      ingest: [
        { at: '2026-11-21T11:59:50.000Z', bitrateKbps: 2500, fps: 30, state: 'live' },
        { at: '2026-11-21T12:00:00.000Z', bitrateKbps: 0, fps: 0, state: 'grace' },
      ],
      destinations: [
        {
          id: 'a',
          name: 'YouTube',
          points: [
            { at: '2026-11-21T11:59:50.000Z', bitrateKbps: 2401, droppedFrames: 4, reconnects: 1, state: 'reconnecting' },
            { at: '2026-11-21T11:59:40.000Z', bitrateKbps: 1, droppedFrames: 0, reconnects: 0, state: null },
          ],
        },
        { id: 'b', name: 'Twitch', points: [] },
      ],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { engineStats } from '../../test/support/engine-stats';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { User } from '../auth/auth.types';
import type { Clock } from '../common/clock';
import type { LiveControl } from '../ingest/live-control';
import type { StreamsRepository } from '../streams/streams.repository';
import type { HistoryRepository } from './history.repository';
import { LiveOverviewService } from './live-overview.service';

const MEMBER: User = { id: 'm1', email: 'm@example.com', role: 'member', createdAt: '2026-01-01T00:00:00.000Z' };
const OWNER: User = { id: 'o1', email: 'o@example.com', role: 'owner', createdAt: '2026-01-01T00:00:00.000Z' };

function setup() {
  const asked: (string | undefined)[] = [];
  const control = strictFake<LiveControl>('LiveControl', {
    liveStats: () => [
      engineStats({ streamId: 'a', destinations: [{ state: 'live' }, { state: 'reconnecting' }, { state: 'disabled' }, { state: 'failed' }] }),
      engineStats({ streamId: 'b', ingest: { state: 'grace' }, destinations: [{ state: 'live' }] }),
      engineStats({ streamId: 'c', ingest: { state: 'idle' } }), // ended, settling its destinations
    ],
  });
  const streams = strictFake<StreamsRepository>('StreamsRepository', {
    namesOf: async (ids) =>
      [
        { id: 'a', name: 'Main', ownerId: 'm1' },
        { id: 'b', name: 'Backup', ownerId: 'o1' },
        { id: 'c', name: 'Done', ownerId: 'm1' },
      ].filter((r) => ids.includes(r.id)),
  });
  const history = strictFake<HistoryRepository>('HistoryRepository', {
    lastEnded: async (ownerId) => {
      asked.push(ownerId);
      return {
        id: 'x',
        streamId: 'a',
        stream: { name: 'Main' },
        startedAt: new Date('2026-11-21T10:00:00Z'),
        endedAt: new Date('2026-11-21T11:00:00Z'),
        graceMs: 30_000,
        endReason: 'publisher stopped',
        videoCodec: null,
        audioCodec: null,
        width: null,
        height: null,
        fps: null,
        avgBitrateKbps: null,
        peakBitrateKbps: null,
      };
    },
  });
  return { service: new LiveOverviewService(control, streams, history, new FakeClock() as unknown as Clock), asked };
}

describe('LiveOverviewService', () => {
  it('lists the streams on air a user may see, with live, enabled and failing destinations, and their last broadcast', async () => {
    const { service, asked } = setup();
    const mine = await service.overview(MEMBER);
    expect(mine.streams).toEqual([{ streamId: 'a', name: 'Main', state: 'live', startedAt: '2026-11-21T11:59:00.000Z', destinations: { live: 1, enabled: 3, failing: 2 } }]);
    expect(mine.lastBroadcast).toEqual({ streamId: 'a', name: 'Main', startedAt: '2026-11-21T10:00:00.000Z', endedAt: '2026-11-21T11:00:00.000Z', durationS: 3570, endReason: 'publisher stopped' });
    const all = await service.overview(OWNER);
    expect(all.streams.map((s) => [s.name, s.state])).toEqual([
      ['Backup', 'grace'],
      ['Main', 'live'],
    ]);
    expect(asked).toEqual(['m1', undefined]);
  });
});

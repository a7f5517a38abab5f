import { Injectable } from '@nestjs/common';
import type { LiveOverview, LiveStreamSummary } from '@fanout/contracts';
import type { StreamStats } from '@fanout/restream';
import type { User } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { LiveControl } from '../ingest/live-control';
import { StreamsRepository } from '../streams/streams.repository';
import { canManageStream } from '../streams/stream-access';
import { HistoryRepository } from './history.repository';
import { onAirS } from './history.service';

/** One live stream's destinations in three numbers. */
export function destinationCounts(stats: StreamStats): LiveStreamSummary['destinations'] {
  let live = 0;
  let enabled = 0;
  let failing = 0;
  for (const d of stats.destinations) {
    if (d.state === 'disabled') continue;
    enabled += 1;
    if (d.state === 'live') live += 1;
    else if (d.state === 'reconnecting' || d.state === 'failed') failing += 1;
  }
  return { live, enabled, failing };
}

/**
 * `GET /api/live`: the streams on air that the user can see (owners and admins: all; members:
 * their own), with their destination health, and the last broadcast that ended. What the
 * navigation badge and the settings page poll; the live part costs one query only when
 * something is live.
 */
@Injectable()
export class LiveOverviewService {
  constructor(
    private readonly control: LiveControl,
    private readonly streams: StreamsRepository,
    private readonly history: HistoryRepository,
    private readonly clock: Clock,
  ) {}

  async overview(user: User): Promise<LiveOverview> {
    const now = this.clock.now();
    const active = this.control.liveStats().filter((s) => s.ingest.state !== 'idle');
    const [rows, last] = await Promise.all([this.streams.namesOf(active.map((s) => s.streamId)), this.history.lastEnded(user.role === 'member' ? user.id : undefined)]);
    const byId = new Map(rows.filter((r) => canManageStream(user, r.ownerId)).map((r) => [r.id, r]));
    const streams = active.flatMap((stats): LiveStreamSummary[] => {
      const row = byId.get(stats.streamId);
      if (!row) return [];
      return [{ streamId: row.id, name: row.name, state: stats.ingest.state === 'grace' ? 'grace' : 'live', startedAt: stats.ingest.startedAt, destinations: destinationCounts(stats) }];
    });
    streams.sort((a, b) => a.name.localeCompare(b.name) || a.streamId.localeCompare(b.streamId));
    return {
      at: now.toISOString(),
      streams,
      lastBroadcast:
        last === null || last.endedAt === null
          ? null
          : { streamId: last.streamId, name: last.stream.name, startedAt: last.startedAt.toISOString(), endedAt: last.endedAt.toISOString(), durationS: onAirS(last, now), endReason: last.endReason },
    };
  }
}

import { Injectable } from '@nestjs/common';
import { type IngestSession, destinationStateSchema, inputSwitchEventSchema } from '@fanout/contracts';
import type { User } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { HistoryRepository, type InputSwitchRow, type SessionRow, type TimelineRow } from './history.repository';
import { StreamAccess } from '../streams/stream-access';
import { type FailureDetail, failureDetailFor, shownFailure } from './status-mapper';

/** `GET /api/streams/:id/sessions`: publish history, newest first, each with its destination timeline. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly access: StreamAccess,
    private readonly history: HistoryRepository,
    private readonly clock: Clock,
  ) {}

  async sessions(user: User, streamId: string, limit: number): Promise<IngestSession[]> {
    await this.access.visible(user, streamId);
    const rows = await this.history.sessions(streamId, limit);
    if (rows.length === 0) return [];
    const now = this.clock.now();
    const from = rows[rows.length - 1]!.startedAt;
    const [events, switches] = await Promise.all([this.history.timeline(streamId, from, now), this.history.inputSwitches(streamId, from, now)]);
    // Newest first: a session's destination events run until the next one started (its grace
    // window and the destinations' release come after its end, which is when the publisher left).
    return rows.map((row, i) => toSession(row, events, now, failureDetailFor(user), rows[i - 1]?.startedAt, switches));
  }
}

/** One session in the contract's shape; `events` are the stream's, oldest first, up to `until` (the next session's start). */
export function toSession(row: SessionRow, events: readonly TimelineRow[], now: Date, detail: FailureDetail = 'full', until?: Date, switches: readonly InputSwitchRow[] = []): IngestSession {
  const within = (at: Date) => at >= row.startedAt && (until === undefined ? at <= now : at < until);
  return {
    id: row.id,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    durationS: onAirS(row, now),
    graceS: Math.round(row.graceMs / 100) / 10,
    endReason: row.endReason,
    live: row.endedAt === null,
    video: row.videoCodec === null ? null : { codec: row.videoCodec, width: row.width, height: row.height },
    audio: row.audioCodec === null ? null : { codec: row.audioCodec },
    avgBitrateKbps: row.avgBitrateKbps,
    peakBitrateKbps: row.peakBitrateKbps,
    avgFps: row.fps,
    timeline: events
      .filter((e) => within(e.at))
      .flatMap((e) => {
        const from = destinationStateSchema.safeParse(e.fromState);
        const to = destinationStateSchema.safeParse(e.toState);
        if (!from.success || !to.success) return []; // not a state we ever write
        return [{ at: e.at.toISOString(), destinationId: e.destinationId, destinationName: e.destination.name, from: from.data, to: to.data, ...timelineFailure(e, detail) }];
      }),
    inputSwitches: switches.filter((e) => within(e.at)).flatMap((e) => {
      const parsed = inputSwitchEventSchema.safeParse({ at: e.at.toISOString(), onAir: e.onAir, previous: e.previous, reason: e.reason, gapMs: e.gapMs, wallGapMs: e.wallGapMs });
      return parsed.success ? [parsed.data] : []; // a reason a newer engine wrote: left out, not a 500
    }),
  };
}

/** Seconds on air: start to end (or now), without the grace windows the publisher came back from. */
export function onAirS(row: Pick<SessionRow, 'startedAt' | 'endedAt' | 'graceMs'>, now: Date): number {
  const end = row.endedAt ?? now;
  return Math.max(0, Math.round((end.getTime() - row.startedAt.getTime() - row.graceMs) / 100) / 10);
}

/** A stored reason and message as the viewer may see them (members: coarse; everyone: bounded text). */
function timelineFailure(e: Pick<TimelineRow, 'reason' | 'message'>, detail: FailureDetail): { reason: string | null; message: string | null } {
  if (e.reason === null) return { reason: null, message: e.message === null ? null : shownFailure('none', e.message, 'full').message };
  const shown = shownFailure(e.reason, e.message ?? '', detail);
  return { reason: shown.reason, message: e.message === null && shown.reason !== 'unreachable' ? null : shown.message };
}

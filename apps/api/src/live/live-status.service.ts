import { Injectable } from '@nestjs/common';
import type { StreamStatus } from '@fanout/contracts';
import type { User } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { LiveControl } from '../ingest/live-control';
import { LiveRepository } from './live.repository';
import { type FailureDetail, failureDetailFor, idleStatus, statusFromStats } from './status-mapper';
import { StreamAccess } from './stream-access.service';

/** `GET /api/streams/:id/status`: the engine's live statistics, or the configured destinations when idle. */
@Injectable()
export class LiveStatusService {
  constructor(
    private readonly access: StreamAccess,
    private readonly control: LiveControl,
    private readonly live: LiveRepository,
    private readonly clock: Clock,
  ) {}

  async status(user: User, streamId: string): Promise<StreamStatus> {
    await this.access.visible(user, streamId);
    return this.current(streamId, failureDetailFor(user));
  }

  /** No access check: for callers that did it already (the events stream). */
  async current(streamId: string, detail: FailureDetail = 'full'): Promise<StreamStatus> {
    const stats = this.control.stats(streamId);
    if (stats) return statusFromStats(stats, detail);
    return idleStatus(streamId, await this.live.destinations(streamId), this.clock.now());
  }
}

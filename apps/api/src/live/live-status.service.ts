import { Injectable } from '@nestjs/common';
import type { StreamStatus } from '@fanout/contracts';
import type { User } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { LiveControl } from '../ingest/live-control';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { type FailureDetail, failureDetailFor, idleStatus, statusFromStats } from './status-mapper';
import { StreamAccess } from '../streams/stream-access';

/** `GET /api/streams/:id/status`: the engine's live statistics, or the configured destinations when idle. */
@Injectable()
export class LiveStatusService {
  constructor(
    private readonly access: StreamAccess,
    private readonly control: LiveControl,
    private readonly destinations: DestinationsRepository,
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
    return idleStatus(streamId, await this.destinations.listForStream(streamId), this.clock.now());
  }
}

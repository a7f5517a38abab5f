import { Inject, Injectable } from '@nestjs/common';
import type { DestinationTestResult } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { DestinationProbe } from '../ingest/destination-probe';
import { LiveControl } from '../ingest/live-control';
import { failureDetailFor, shownFailure } from '../live/status-mapper';
import { LOGGER, type Logger } from '../logging/logger';
import { DestinationTestLimiter } from './destination-test-limiter';
import { DestinationsService } from './destinations.service';

const conflict = (message: string, internal: string) => new AppError('CONFLICT', { message, internal });

/**
 * What a streamer does to one destination besides editing it: "retry now" while live (skips the
 * backoff wait of a reconnecting or failed destination) and "test connection" while idle
 * (publish with the key, unpublish at once, no media). Access is the destination's stream rule
 * (another user's destination is 404); every action is audited.
 */
@Injectable()
export class DestinationActionsService {
  private readonly log: Logger;

  constructor(
    private readonly destinations: DestinationsService,
    private readonly live: LiveControl,
    private readonly probe: DestinationProbe,
    private readonly limiter: DestinationTestLimiter,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'destinations' });
  }

  /**
   * 204 when the destination connects again now (or already is connecting); 409 with the reason
   * in plain words when there is nothing to retry: the stream is not live, the destination is
   * switched off, or it is live already.
   */
  async retry(user: User, id: string): Promise<void> {
    const row = await this.destinations.visible(user, id);
    if (!row.enabled) throw conflict('This destination is switched off. Switch it on to send to it.', 'retry of a disabled destination');
    const stats = this.live.stats(row.streamId);
    const current = stats?.destinations.find((d) => d.id === id);
    if (stats === undefined || stats.ingest.state === 'idle' || current === undefined) {
      throw conflict('Nothing is publishing to this stream. Destinations connect when you go live.', 'retry while the stream is idle');
    }
    if (current.state === 'live') throw conflict(`${row.name} is live already.`, 'retry of a live destination');
    if (current.state === 'reconnecting' || current.state === 'failed') this.live.retryDestination(row.streamId, id);
    this.log.info({ streamId: row.streamId, destinationId: id, from: current.state, userId: user.id }, 'destination retried now');
    await this.audit.record(user, 'destination.retry', { type: 'destination', id }, { streamId: row.streamId, name: row.name, state: current.state });
  }

  /**
   * Connect, handshake and publish with the destination's key, then unpublish at once without
   * media; the result in the status vocabulary (members see one coarse reason for every
   * connection failure). 409 while the stream is live; 429 past the per-user limit.
   */
  async test(user: User, id: string): Promise<DestinationTestResult> {
    const row = await this.destinations.visible(user, id);
    if (this.live.stats(row.streamId) !== undefined) {
      throw conflict(
        'This stream is live, so Fanout is already connected to its destinations and a test would only get in their way. Test while nothing is publishing.',
        'connection test while the stream is live',
      );
    }
    this.limiter.take(user.id);
    const result = await this.probe.probe(row.streamId, id);
    if (result === undefined) throw new AppError('NOT_FOUND', { message: 'No such destination.', internal: 'destination gone before its test' });
    const at = this.clock.now().toISOString();
    const answer: DestinationTestResult = result.ok
      ? { ok: true, at, elapsedMs: result.elapsedMs }
      : { ok: false, at, elapsedMs: result.elapsedMs, ...shownFailure(result.reason, result.message, failureDetailFor(user)) };
    this.log.info({ streamId: row.streamId, destinationId: id, ok: result.ok, reason: result.ok ? null : result.reason, elapsedMs: result.elapsedMs, userId: user.id }, 'destination tested');
    await this.audit.record(user, 'destination.test', { type: 'destination', id }, { streamId: row.streamId, name: row.name, ok: result.ok, reason: answer.ok ? null : answer.reason });
    return answer;
  }
}

import { Injectable } from '@nestjs/common';
import { METRICS_DEFAULT_RANGE_S, METRICS_MAX_RANGE_S, type MetricsQuery, type MetricsSeries, destinationStateSchema } from '@fanout/contracts';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { StreamAccess } from '../streams/stream-access';
import { type BucketRow, MetricsRepository } from './metrics.repository';
import { resolutionFor } from './retention';

/** `GET /api/streams/:id/metrics?from&to`: chart series at the finest resolution still kept for the range. */
@Injectable()
export class MetricsService {
  constructor(
    private readonly access: StreamAccess,
    private readonly metrics: MetricsRepository,
    private readonly destinations: DestinationsRepository,
    private readonly clock: Clock,
  ) {}

  async series(user: User, streamId: string, query: MetricsQuery): Promise<MetricsSeries> {
    await this.access.visible(user, streamId);
    const now = this.clock.now();
    const { from, to } = metricsRange(query, now);
    const resolutionS = resolutionFor(from, now);
    const [buckets, destinations] = await Promise.all([this.metrics.buckets(streamId, resolutionS, from, to), this.destinations.listForStream(streamId)]);
    return toSeries({ from, to, resolutionS, buckets, destinations });
  }
}

/** The validated range: `to` defaults to now, `from` to 15 minutes before `to`; at most 30 days, `from` before `to`. */
export function metricsRange(query: MetricsQuery, now: Date): { from: Date; to: Date } {
  const to = query.to !== undefined ? new Date(query.to) : now;
  const from = query.from !== undefined ? new Date(query.from) : new Date(to.getTime() - METRICS_DEFAULT_RANGE_S * 1000);
  const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', { errors: [{ path, message }] });
  if (from.getTime() >= to.getTime()) throw invalid('from', 'Must be before `to`.');
  if (to.getTime() - from.getTime() > METRICS_MAX_RANGE_S * 1000) throw invalid('from', 'The range can be at most 30 days.');
  return { from, to };
}

export function toSeries(input: { from: Date; to: Date; resolutionS: MetricsSeries['resolutionS']; buckets: BucketRow[]; destinations: { id: string; name: string }[] }): MetricsSeries {
  const byDestination = new Map<string, MetricsSeries['destinations'][number]['points']>(input.destinations.map((d) => [d.id, []]));
  const ingest: MetricsSeries['ingest'] = [];
  for (const b of input.buckets) {
    const at = b.at.toISOString();
    if (b.destinationId === null) {
      ingest.push({ at, bitrateKbps: Math.round(b.bitrateKbps), fps: Math.round(b.fps * 10) / 10, state: b.state === 'grace' || b.state === 'live' ? b.state : null });
      continue;
    }
    byDestination.get(b.destinationId)?.push({
      at,
      bitrateKbps: Math.round(b.bitrateKbps),
      droppedFrames: b.droppedFrames,
      reconnects: b.reconnects,
      state: destinationStateSchema.safeParse(b.state).data ?? null,
    });
  }
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    resolutionS: input.resolutionS,
    ingest,
    destinations: input.destinations.map((d) => ({ id: d.id, name: d.name, points: byDestination.get(d.id) ?? [] })),
  };
}

import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import { isPrismaError } from '../common/prisma-errors';
import type { MetricRow } from './metric-rows';
import type { MaintenancePlan, Resolution } from './retention';

export interface MaintenanceResult {
  /** Rows written per target resolution, and rows deleted (aggregated plus expired). */
  aggregated: Record<string, number>;
  expired: number;
}

export interface BucketRow {
  destinationId: string | null;
  at: Date;
  bitrateKbps: number;
  fps: number;
  droppedFrames: number;
  reconnects: number;
  state: string | null;
}

// Buckets are aligned on the Unix epoch, the same origin maintenancePlan's cutoffs use.
const binOf = (seconds: Resolution) => Prisma.raw(`date_bin(interval '${Number(seconds)} seconds', at, TIMESTAMPTZ '1970-01-01 00:00:00+00')`);

@Injectable()
export class MetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One batch insert. A stream or destination deleted since its samples were taken would
   * fail the whole batch (foreign keys): then only the rows whose owners still exist are written.
   */
  async insert(rows: MetricRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      return (await this.prisma.client.metricSample.createMany({ data: rows })).count;
    } catch (error) {
      if (!isPrismaError(error, 'P2003')) throw error;
      const streams = new Set((await this.prisma.client.stream.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.streamId))] } }, select: { id: true } })).map((s) => s.id));
      const destinationIds = [...new Set(rows.flatMap((r) => (r.destinationId === null ? [] : [r.destinationId])))];
      const destinations = new Set((await this.prisma.client.destination.findMany({ where: { id: { in: destinationIds } }, select: { id: true } })).map((d) => d.id));
      const kept = rows.filter((r) => streams.has(r.streamId) && (r.destinationId === null || destinations.has(r.destinationId)));
      return kept.length === 0 ? 0 : (await this.prisma.client.metricSample.createMany({ data: kept })).count;
    }
  }

  /**
   * Downsampling and expiry in one transaction: for each step, average (bitrate, fps), sum
   * (dropped frames, reconnects) and keep the last state of each bucket, insert the coarser
   * rows, delete the finer ones; then delete everything past the last cutoff.
   */
  async maintain(plan: MaintenancePlan): Promise<MaintenanceResult> {
    const statements: Prisma.PrismaPromise<number>[] = [];
    for (const step of plan.steps) {
      statements.push(this.prisma.client.$executeRaw`
        INSERT INTO metric_samples (stream_id, destination_id, at, resolution, bitrate_kbps, fps, dropped_frames, reconnects, state)
        SELECT stream_id, destination_id, ${binOf(step.to)} AS bucket, ${step.to}::int,
               round(avg(bitrate_kbps))::int, avg(fps)::float8, sum(dropped_frames)::int, sum(reconnects)::int,
               (array_agg(state ORDER BY at DESC))[1]
          FROM metric_samples
         WHERE resolution = ${step.from}::int AND at < ${step.before}
         GROUP BY stream_id, destination_id, bucket`);
      statements.push(this.prisma.client.$executeRaw`DELETE FROM metric_samples WHERE resolution = ${step.from}::int AND at < ${step.before}`);
    }
    statements.push(this.prisma.client.$executeRaw`DELETE FROM metric_samples WHERE at < ${plan.deleteBefore}`);
    const counts = await this.prisma.client.$transaction(statements);
    const aggregated: Record<string, number> = {};
    plan.steps.forEach((step, i) => (aggregated[`${step.from}s->${step.to}s`] = counts[i * 2]!));
    return { aggregated, expired: counts[counts.length - 1]! };
  }

  /** A stream's samples in [from, to) averaged into buckets of `resolution` (finer rows folded in, coarser as they are). */
  buckets(streamId: string, resolution: Resolution, from: Date, to: Date): Promise<BucketRow[]> {
    return this.prisma.client.$queryRaw<BucketRow[]>`
      SELECT destination_id AS "destinationId", ${binOf(resolution)} AS at,
             avg(bitrate_kbps)::float8 AS "bitrateKbps", avg(fps)::float8 AS fps,
             sum(dropped_frames)::int AS "droppedFrames", sum(reconnects)::int AS reconnects,
             (array_agg(state ORDER BY at DESC))[1] AS state
        FROM metric_samples
       WHERE stream_id = ${streamId}::uuid AND resolution <= ${resolution}::int AND at >= ${from} AND at < ${to}
       GROUP BY destination_id, 2
       ORDER BY 2, destination_id NULLS FIRST`;
  }

  /** Rows per resolution (tests and diagnostics). */
  async countByResolution(): Promise<Record<number, number>> {
    const groups = await this.prisma.client.metricSample.groupBy({ by: ['resolution'], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.resolution, g._count._all]));
  }
}

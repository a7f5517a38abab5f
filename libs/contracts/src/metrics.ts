import { z } from 'zod';
import { destinationStateSchema } from './status';

/** Longest range `GET /api/streams/:id/metrics` answers: the 30 days metrics are kept. */
export const METRICS_MAX_RANGE_S = 30 * 24 * 3600;
/** Range when the query gives neither end: the last 15 minutes. */
export const METRICS_DEFAULT_RANGE_S = 15 * 60;

/** Bucket lengths samples are kept at, and how long each is kept before it is averaged into the next. */
export const METRICS_RETENTION = [
  { resolutionS: 1, keepS: 3600 },
  { resolutionS: 10, keepS: 24 * 3600 },
  { resolutionS: 60, keepS: METRICS_MAX_RANGE_S },
] as const;

/** `?from&to`, ISO date-times; both optional (to defaults to now, from to 15 minutes before to). */
export const metricsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

/** `state`: `grace` while the publisher was gone and destinations were held open for its return. */
export const ingestPointSchema = z.object({ at: z.string(), bitrateKbps: z.number(), fps: z.number(), state: z.enum(['live', 'grace']).nullable() });
export type IngestPoint = z.infer<typeof ingestPointSchema>;

/** Counters are per bucket (frames dropped, reconnects in that bucket); state is the last one seen in it. */
export const destinationPointSchema = z.object({
  at: z.string(),
  bitrateKbps: z.number(),
  droppedFrames: z.number(),
  reconnects: z.number(),
  state: destinationStateSchema.nullable(),
});
export type DestinationPoint = z.infer<typeof destinationPointSchema>;

/** `GET /api/streams/:id/metrics`: time series for the charts, at the finest resolution that covers the range. */
export const metricsSeriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  resolutionS: z.union([z.literal(1), z.literal(10), z.literal(60)]),
  ingest: z.array(ingestPointSchema),
  destinations: z.array(z.object({ id: z.string(), name: z.string(), points: z.array(destinationPointSchema) })),
});
export type MetricsSeries = z.infer<typeof metricsSeriesSchema>;

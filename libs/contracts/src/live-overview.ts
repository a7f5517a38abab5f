import { z } from 'zod';

/** One stream on air, as the navigation badge and the settings page summarise it. */
export const liveStreamSummarySchema = z.object({
  streamId: z.string(),
  name: z.string(),
  /** `grace`: the publisher is gone and destinations are held open for its return. */
  state: z.enum(['live', 'grace']),
  startedAt: z.string().nullable(),
  destinations: z.object({
    live: z.number().int().nonnegative(),
    /** Switched on (disabled ones are not expected to be live). */
    enabled: z.number().int().nonnegative(),
    /** Enabled and reconnecting or failed. */
    failing: z.number().int().nonnegative(),
  }),
});
export type LiveStreamSummary = z.infer<typeof liveStreamSummarySchema>;

/** The most recent publish session that ended, of the streams a user can see. */
export const lastBroadcastSchema = z.object({
  streamId: z.string(),
  name: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  /** On air, without grace windows the publisher came back from. */
  durationS: z.number(),
  endReason: z.string().nullable(),
});
export type LastBroadcast = z.infer<typeof lastBroadcastSchema>;

/**
 * `GET /api/live`: what is on air among the streams the user can see (members: their own), and
 * the last broadcast that ended. Cheap enough to poll every few seconds: no database read while
 * nothing is live, apart from the last broadcast.
 */
export const liveOverviewSchema = z.object({
  at: z.string(),
  streams: z.array(liveStreamSummarySchema),
  lastBroadcast: lastBroadcastSchema.nullable(),
});
export type LiveOverview = z.infer<typeof liveOverviewSchema>;

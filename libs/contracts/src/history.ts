import { z } from 'zod';
import { inputSwitchEventSchema } from './status';
import { destinationStateSchema } from './status';

/** `?limit` (1-100, default 20) sessions, newest first. */
export const sessionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SessionsQuery = z.infer<typeof sessionsQuerySchema>;

/** One destination state change inside a publish session. */
export const destinationTimelineEntrySchema = z.object({
  at: z.string(),
  destinationId: z.string(),
  /** The destination's current name (events are deleted with their destination). */
  destinationName: z.string(),
  from: destinationStateSchema,
  to: destinationStateSchema,
  reason: z.string().nullable(),
  message: z.string().nullable(),
});
export type DestinationTimelineEntry = z.infer<typeof destinationTimelineEntrySchema>;

/** One publish of a stream, from going live to the end of its grace window. */
export const ingestSessionSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  /** Null while the session is still live. */
  endedAt: z.string().nullable(),
  /**
   * Seconds on air from start to end (or to now while live), without the grace windows in
   * which the publisher was gone and came back (`graceS`).
   */
  durationS: z.number(),
  /** Seconds the publisher was gone within the session (grace windows it returned from). */
  graceS: z.number(),
  endReason: z.string().nullable(),
  live: z.boolean(),
  video: z.object({ codec: z.string(), width: z.number().nullable(), height: z.number().nullable() }).nullable(),
  audio: z.object({ codec: z.string() }).nullable(),
  avgBitrateKbps: z.number().nullable(),
  peakBitrateKbps: z.number().nullable(),
  avgFps: z.number().nullable(),
  /** Destination state changes between start and the next session (grace windows and release included), oldest first. */
  timeline: z.array(destinationTimelineEntrySchema),
  /** What went on air and why (failover to the backup, the slate, failback), oldest first. */
  inputSwitches: z.array(inputSwitchEventSchema),
});
export type IngestSession = z.infer<typeof ingestSessionSchema>;

/** `GET /api/streams/:id/sessions`. */
export const ingestSessionListSchema = z.array(ingestSessionSchema);

/** `ingest` events of `GET /api/streams/:id/events`: the publisher went live, left (grace) or the stream ended. */
export const ingestEventSchema = z.object({
  state: z.enum(['live', 'grace', 'ended']),
  reason: z.string().nullable(),
  at: z.string(),
  /** `grace` only: when the destinations are released unless the publisher returns (server time); null otherwise. */
  graceEndsAt: z.string().nullable(),
  video: z.object({ codec: z.string(), width: z.number().nullable(), height: z.number().nullable() }).nullable(),
  audio: z.object({ codec: z.string(), sampleRate: z.number().nullable(), channels: z.number().nullable() }).nullable(),
  audioPresent: z.boolean(),
});
export type IngestEvent = z.infer<typeof ingestEventSchema>;

import { z } from 'zod';

export const recordingStateSchema = z.enum(['recording', 'complete', 'interrupted', 'failed']);
export type RecordingState = z.infer<typeof recordingStateSchema>;

/**
 * Why a recording stopped early, as the engine names it: `disk-full`, `low-disk-space`,
 * `not-writable`, `io`, `stalled`, `unsupported`, or `empty` (nothing playable was recorded).
 */
export const recordingFailureSchema = z.object({ reason: z.string(), message: z.string() });

/** One recording file: `GET /api/streams/:id/recordings`. */
export const recordingSchema = z.object({
  id: z.string(),
  streamId: z.string(),
  /** The publish session (`GET /api/streams/:id/sessions`) it belongs to, when known. */
  sessionId: z.string().nullable(),
  /** 1, then 2, 3 … when the codecs changed within a broadcast. */
  part: z.number(),
  /** `recording` while written; `interrupted`: the server stopped mid-broadcast (it plays up to its last fragment). */
  state: recordingStateSchema,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number(),
  bytes: z.number(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
  failure: recordingFailureSchema.nullable(),
  /** `GET` it to play (HTTP Range) or download the MP4. */
  fileUrl: z.string(),
});
export type Recording = z.infer<typeof recordingSchema>;
export const recordingListSchema = z.array(recordingSchema);

/** `GET /api/settings`: instance-wide settings (owners change them). */
export const instanceSettingsSchema = z.object({
  /** New streams start with "Record broadcasts" on. */
  recordNewStreams: z.boolean(),
});
export type InstanceSettings = z.infer<typeof instanceSettingsSchema>;

/** `PATCH /api/settings` (owners only). */
export const updateInstanceSettingsSchema = z.strictObject({
  recordNewStreams: z.boolean('Send true or false').optional(),
});
export type UpdateInstanceSettingsInput = z.input<typeof updateInstanceSettingsSchema>;

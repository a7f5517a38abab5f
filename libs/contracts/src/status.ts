import { z } from 'zod';

export const destinationStateSchema = z.enum(['disabled', 'idle', 'connecting', 'live', 'reconnecting', 'failed']);
export type DestinationState = z.infer<typeof destinationStateSchema>;

/**
 * The engine's reasons, plus `unreachable`: what members are shown instead of `dns`, `refused`,
 * `tls`, `timeout`, `closed-by-peer` and `protocol`, so a destination cannot map a network.
 */
export const failureReasonSchema = z.enum(['dns', 'refused', 'tls', 'rejected-key', 'timeout', 'stalled', 'closed-by-peer', 'protocol', 'unreachable']);
export type FailureReason = z.infer<typeof failureReasonSchema>;

/** What the destinations are getting: an encoder, the slate, or nothing. */
export const onAirSchema = z.enum(['primary', 'backup', 'slate', 'none']);
export type OnAir = z.infer<typeof onAirSchema>;

/** Why what is on air changed (the engine's reasons). */
export const inputSwitchReasonSchema = z.enum(['publish-start', 'primary-lost', 'primary-stalled', 'backup-lost', 'backup-stalled', 'backup-keyframe', 'primary-keyframe', 'failback', 'manual', 'publisher-returned', 'takeover', 'ended']);

/** One encoder input: `live` on air, `warm` healthy and held ready, `stalled` connected but silent, `gone`. */
export const inputStatusSchema = z.object({
  state: z.enum(['live', 'warm', 'stalled', 'gone']),
  since: z.string().nullable(),
  lastMediaAgoMs: z.number().nullable(),
  bitrateKbps: z.number(),
  fps: z.number(),
  video: z.object({ codec: z.string(), width: z.number().nullable(), height: z.number().nullable() }).nullable(),
  audio: z.object({ codec: z.string(), sampleRate: z.number().nullable(), channels: z.number().nullable() }).nullable(),
});
export type InputStatus = z.infer<typeof inputStatusSchema>;

/** `event: input` of the events stream, and a row of a session's history: what went on air, and why. */
export const inputSwitchEventSchema = z.object({
  at: z.string(),
  onAir: onAirSchema,
  previous: onAirSchema,
  reason: inputSwitchReasonSchema,
  /** Media time from the last frame before to the first after (ms); null when one side sent nothing. */
  gapMs: z.number().nullable(),
  wallGapMs: z.number().nullable(),
});
export type InputSwitchEvent = z.infer<typeof inputSwitchEventSchema>;

/** `GET /api/streams/:id/status` and every `status` event of `GET /api/streams/:id/events`. */
export const streamStatusSchema = z.object({
  streamId: z.string(),
  at: z.string(),
  ingest: z.object({
    state: z.enum(['idle', 'live']),
    /** True while the publisher is gone but destinations are held open for its return. */
    reconnectGrace: z.boolean(),
    /** While `reconnectGrace`: when the destinations are released unless the publisher returns (server time, ISO). */
    graceEndsAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    uptimeS: z.number(),
    bitrateKbps: z.number(),
    fps: z.number(),
    keyframeIntervalS: z.number().nullable(),
    audioPresent: z.boolean(),
    video: z.object({ codec: z.string(), width: z.number().nullable(), height: z.number().nullable() }).nullable(),
    audio: z.object({ codec: z.string(), sampleRate: z.number().nullable(), channels: z.number().nullable() }).nullable(),
  }),
  /** The encoders and the slate (null while nothing is publishing). */
  inputs: z
    .object({
      onAir: onAirSchema,
      /** The encoder preferred by hand ("stay on backup"), or null: the primary. */
      pinned: z.enum(['primary', 'backup']).nullable(),
      primary: inputStatusSchema,
      backup: inputStatusSchema,
      /** A slate matching the ingest is rendered and ready. */
      slateReady: z.boolean(),
    })
    .nullable(),
  destinations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      state: destinationStateSchema,
      bitrateKbps: z.number(),
      bytesSent: z.number(),
      queueBytes: z.number(),
      droppedFrames: z.number(),
      reconnects: z.number(),
      lastError: z.object({ reason: failureReasonSchema, message: z.string(), at: z.string() }).nullable(),
      nextRetryAt: z.string().nullable(),
      liveSince: z.string().nullable(),
      warnings: z.array(z.string()),
    }),
  ),
});
export type StreamStatus = z.infer<typeof streamStatusSchema>;

/** The ingest part of a status while nothing is publishing. */
export const IDLE_INGEST: Readonly<StreamStatus['ingest']> = Object.freeze({
  state: 'idle',
  reconnectGrace: false,
  graceEndsAt: null,
  startedAt: null,
  uptimeS: 0,
  bitrateKbps: 0,
  fps: 0,
  keyframeIntervalS: null,
  audioPresent: false,
  video: null,
  audio: null,
});

/** A destination changed state; sent on the events stream as `state` events. */
export const destinationStateEventSchema = z.object({
  destinationId: z.string(),
  from: destinationStateSchema,
  to: destinationStateSchema,
  reason: failureReasonSchema.optional(),
  message: z.string().optional(),
  nextRetryAt: z.string().nullable().optional(),
  at: z.string(),
});
export type DestinationStateEvent = z.infer<typeof destinationStateEventSchema>;

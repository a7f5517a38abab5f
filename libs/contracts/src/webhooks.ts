import { z } from 'zod';
import { onAirSchema } from './status';
import { hasUnsafeCharacters, UNSAFE_TEXT_MESSAGE } from './text';

/**
 * Every event type an endpoint may subscribe to. Adding one is a line here plus emitting it
 * (apps/api/src/webhooks/webhook-outbox.ts `enqueue`); the dashboard's checklist, the API's
 * validation and the OpenAPI document follow from this list.
 */
export const WEBHOOK_EVENT_TYPES = [
  /** A broadcast started: the encoder went live (not a reconnect within the grace window). */
  'stream.live',
  /** The broadcast ended: `reason`, `startedAt`, `endedAt` (when the publisher left) and `durationS`. */
  'stream.ended',
  /** The publisher left; destinations stay connected for the grace window (`reason`, `graceS`). */
  'stream.publisher_lost',
  /** The publisher came back within the grace window: the same broadcast goes on. */
  'stream.publisher_returned',
  /** A destination went live (its first connection of the broadcast, or after a clean reconnect). */
  'destination.live',
  /** A destination lost its connection or could not connect (`reason`), once per outage, and again when it gives up (`retrying: false`). */
  'destination.failed',
  /** A destination that had failed is live again (`downS`: how long it was down). */
  'destination.recovered',
  /**
   * One input replaced another on air: `onAir` and `previous` (primary, backup, slate), `reason`
   * (primary-lost, backup-keyframe, failback, manual...) and the measured `gapMs` / `wallGapMs`.
   * Not sent to or from nothing (stream.live, publisher_lost, publisher_returned, stream.ended).
   */
  'stream.input_switched',
  /** A recording file is complete (`recording`: id, part, durationS, bytes, videoCodec, audioCodec). */
  'recording.ready',
  /** A recording stopped early or could not start (`reason`: disk-full, not-writable...; `message` in words); the broadcast went on. */
  'recording.failed',
] as const;

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES, 'Choose events from the list');
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** Sent by `POST /api/webhooks/:id/test` only; nothing subscribes to it. */
export const WEBHOOK_PING = 'ping';

/** Standard Webhooks: a symmetric secret is `whsec_` + base64 of its bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_DESCRIPTION_MAX = 200;
/** Endpoints one server may have (each gets every event it asks for). */
export const MAX_WEBHOOK_ENDPOINTS = 20;

/**
 * Why a URL cannot be a webhook endpoint, or null: an absolute http(s) URL with a host, no
 * user name or password in it (those would be shown and logged like the rest of the URL) and
 * no fragment. Which addresses it may reach is the server's address policy, at save time and
 * at every delivery.
 */
export function webhookUrlProblem(value: string): string | null {
  if (/[\s\p{Cc}\p{Cs}]/u.test(value)) return 'Remove spaces and control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Use an https:// URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Use an https:// URL';
  if (url.hostname === '') return 'Use a URL with a server name';
  if (url.username !== '' || url.password !== '') return 'Leave the user name and password out of the URL';
  if (url.hash !== '' || value.includes('#')) return 'Leave the #fragment out of the URL';
  return null;
}

export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'Enter the URL that receives the events')
  .max(WEBHOOK_URL_MAX, `Use at most ${WEBHOOK_URL_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

export const webhookDescriptionSchema = z
  .string()
  .trim()
  .max(WEBHOOK_DESCRIPTION_MAX, `Use at most ${WEBHOOK_DESCRIPTION_MAX} characters`)
  .refine((value) => !hasUnsafeCharacters(value), UNSAFE_TEXT_MESSAGE);

/** At least one event; duplicates are dropped, the list's own order kept. */
export const webhookEventListSchema = z
  .array(webhookEventTypeSchema)
  .min(1, 'Choose at least one event')
  .max(WEBHOOK_EVENT_TYPES.length * 4, 'List each event once')
  .transform((events) => WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type)));

/** `POST /api/webhooks` (owner/admin). */
export const createWebhookSchema = z.strictObject({
  url: webhookUrlSchema,
  events: webhookEventListSchema,
  description: webhookDescriptionSchema.default(''),
  enabled: z.boolean().default(true),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

/** `PATCH /api/webhooks/:id`: any subset. The secret changes only through rotate. */
export const updateWebhookSchema = z.strictObject({
  url: webhookUrlSchema.optional(),
  events: webhookEventListSchema.optional(),
  description: webhookDescriptionSchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>;

/** How deliveries to an endpoint have gone lately. */
export const webhookHealthSchema = z.object({
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  /** Failed attempts since the last success (0 when healthy). */
  consecutiveFailures: z.number().int().nonnegative(),
  /** What the last failed attempt got: `HTTP 500`, `timed out after 10 s`, `connection refused`... */
  lastError: z.string().nullable(),
});
export type WebhookHealth = z.infer<typeof webhookHealthSchema>;

/** An endpoint as the API shows it: never its secret. */
export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(webhookEventTypeSchema),
  enabled: z.boolean(),
  /** E.g. the URL is on a private network (allowed for owners and admins, shown to them). */
  warnings: z.array(z.string()),
  health: webhookHealthSchema,
  /** Deliveries waiting for their first attempt or a retry. */
  pendingDeliveries: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointListSchema = z.array(webhookEndpointSchema);

export const webhookSecretSchema = z.string().startsWith(WEBHOOK_SECRET_PREFIX);

/** `POST /api/webhooks` answer: the only time the secret is shown (until a rotation). */
export const createdWebhookEndpointSchema = webhookEndpointSchema.extend({ secret: webhookSecretSchema });
export type CreatedWebhookEndpoint = z.infer<typeof createdWebhookEndpointSchema>;

/**
 * `POST /api/webhooks/:id/rotate` answer: the new secret, shown once. Deliveries carry a
 * signature with the old secret too until `previousSecretExpiresAt` (24 h), so a receiver can
 * switch without missing an event.
 */
export const rotatedWebhookSecretSchema = z.object({
  secret: webhookSecretSchema,
  previousSecretExpiresAt: z.string(),
});
export type RotatedWebhookSecret = z.infer<typeof rotatedWebhookSecretSchema>;

/** `pending`: waiting for its first attempt or a retry; `failed`: every attempt failed, given up. */
export const webhookDeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatusSchema>;

/** What made a delivery: an event, the test button, or a redeliver of an earlier delivery. */
export const webhookDeliveryTriggerSchema = z.enum(['event', 'test', 'redeliver']);
export type WebhookDeliveryTrigger = z.infer<typeof webhookDeliveryTriggerSchema>;

/** One event sent (or to be sent) to one endpoint, with its last attempt. */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  /** The `webhook-id` header: the same on every attempt and every redelivery. */
  eventId: z.string(),
  // A string, not the enum: `ping`, and types a newer API may add.
  eventType: z.string(),
  streamId: z.string().nullable(),
  trigger: webhookDeliveryTriggerSchema,
  status: webhookDeliveryStatusSchema,
  /** Attempts made so far. */
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  lastAttemptAt: z.string().nullable(),
  /** HTTP status of the last attempt; null when it got no answer (refused, timed out...). */
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().nonnegative().nullable(),
  /** Why the last attempt failed, in words; null after a success. */
  error: z.string().nullable(),
  /** The start of the receiver's answer (at most 256 characters), shown as text. */
  response: z.string().nullable(),
  /** When the next attempt is due (pending only). */
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** `GET /api/webhooks/:id/deliveries?cursor&limit`: newest first. */
export const webhookDeliveriesQuerySchema = z.strictObject({
  /** `nextCursor` of the previous page. */
  cursor: z.uuid('Use the nextCursor of the previous page').optional(),
  limit: z.coerce.number().int('Use a whole number').min(1, 'Use at least 1').max(100, 'Use at most 100').default(25),
});
export type WebhookDeliveriesQuery = z.input<typeof webhookDeliveriesQuerySchema>;

export const webhookDeliveryPageSchema = z.object({
  deliveries: z.array(webhookDeliverySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;

/** The resources an event names: ids always, names as they were when it happened (null once deleted). */
export const webhookStreamRefSchema = z.object({ id: z.string(), name: z.string().nullable() });
export const webhookDestinationRefSchema = z.object({ id: z.string(), name: z.string().nullable(), platform: z.string().nullable() });

/**
 * `data` of an event. Every stream and destination event names its `stream`; destination events
 * their `destination` (id, name, platform: never its URL or key). The other fields belong to
 * the event types noted; receivers must ignore fields they do not know.
 */
export const webhookEventDataSchema = z.looseObject({
  stream: webhookStreamRefSchema.optional(),
  destination: webhookDestinationRefSchema.optional(),
  /** stream.input_switched: why the input changed; recording.failed: `disk-full`, `not-writable`, `low-disk-space`, `io`...; stream.publisher_lost, stream.ended: `publisher stopped`, `publisher lost`, `server shutting down`...; destination.failed: `dns`, `refused`, `tls`, `rejected-key`, `timeout`, `stalled`, `closed-by-peer`, `protocol`. */
  reason: z.string().optional(),
  /** stream.live, stream.ended: when the broadcast started (null when this server did not see it start). */
  startedAt: z.string().nullable().optional(),
  /** stream.ended: when the publisher left (the grace window is not counted). */
  endedAt: z.string().optional(),
  /** stream.ended: seconds from start to end, null when the start is unknown. */
  durationS: z.number().nullable().optional(),
  /** stream.publisher_lost: seconds the destinations wait for the publisher. */
  graceS: z.number().optional(),
  /** destination.failed: whether it will try again (false: it gave up until the next broadcast or a retry). */
  retrying: z.boolean().optional(),
  /** destination.failed: when it tries again, if it does. */
  nextRetryAt: z.string().nullable().optional(),
  /** destination.recovered: seconds since the outage began. */
  downS: z.number().optional(),
  /** ping: which endpoint was tested. */
  webhook: z.object({ id: z.string() }).optional(),
  /** stream.input_switched: what the destinations get now, and before. */
  onAir: onAirSchema.optional(),
  previous: onAirSchema.optional(),
  /** stream.input_switched: media time (ms) from the last frame before the switch to the first after; null when one side sent nothing. */
  gapMs: z.number().nullable().optional(),
  /** stream.input_switched: wall time (ms) between those two frames leaving the server. */
  wallGapMs: z.number().nullable().optional(),
  /** recording.ready, recording.failed: which file (download: GET /api/recordings/:id/file). */
  recording: z
    .object({ id: z.string(), part: z.number().int(), durationS: z.number(), bytes: z.number(), videoCodec: z.string().nullable(), audioCodec: z.string().nullable() })
    .optional(),
  /** recording.failed: why, in words. */
  message: z.string().nullable().optional(),
});

/**
 * Every webhook body (Standard Webhooks payload shape): `id` is also the `webhook-id` header,
 * `timestamp` is when the event happened (the `webhook-timestamp` header is the attempt's).
 */
export const webhookEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  timestamp: z.string(),
  data: webhookEventDataSchema,
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
export type WebhookEventData = z.infer<typeof webhookEventDataSchema>;

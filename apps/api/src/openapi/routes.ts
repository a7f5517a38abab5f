import { z } from 'zod';
import {
  apiTokenListSchema,
  auditPageSchema,
  auditQuerySchema,
  authStateSchema,
  changePasswordSchema,
  createApiTokenSchema,
  createdApiTokenSchema,
  createDestinationSchema,
  createStreamSchema,
  createUserSchema,
  destinationListSchema,
  destinationSchema,
  destinationStateEventSchema,
  destinationTestResultSchema,
  healthSchema,
  ingestEventSchema,
  ingestSessionListSchema,
  liveOverviewSchema,
  loginSchema,
  metricsQuerySchema,
  metricsSeriesSchema,
  platformPresetListSchema,
  previewUrlSchema,
  inputControlSchema,
  recordingListSchema,
  instanceSettingsSchema,
  updateInstanceSettingsSchema,
  revokedSessionsSchema,
  sessionInfoListSchema,
  sessionsQuerySchema,
  setupSchema,
  streamDetailSchema,
  streamListSchema,
  streamSchema,
  streamStatusSchema,
  updateDestinationSchema,
  updateStreamSchema,
  updateUserSchema,
  userListSchema,
  userSchema,
  createWebhookSchema,
  createdWebhookEndpointSchema,
  rotatedWebhookSecretSchema,
  updateWebhookSchema,
  webhookDeliveriesQuerySchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
} from '@fanout/contracts';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** Who may call a route: anyone, any signed-in user (session cookie or API token), or these roles. */
export type RouteAuth = 'public' | 'user' | readonly ('owner' | 'admin' | 'member')[];

export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

export interface RouteDoc {
  method: HttpMethod;
  /** Full path as Nest maps it, with `:params` (e.g. `/api/streams/:id`). */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  query?: NamedSchema;
  body?: NamedSchema;
  /** Success status and body; no schema for 204. */
  status: number;
  response?: NamedSchema;
  /** Media type of the success body (default application/json). */
  contentType?: string;
  description?: string;
}

const named = (name: string, schema: z.ZodType): NamedSchema => ({ name, schema });

const User = named('User', userSchema);
const Stream = named('Stream', streamSchema);
const StreamDetail = named('StreamDetail', streamDetailSchema);
const Destination = named('Destination', destinationSchema);
const WebhookEndpoint = named('WebhookEndpoint', webhookEndpointSchema);
const WebhookDelivery = named('WebhookDelivery', webhookDeliverySchema);
const STAFF = ['owner', 'admin'] as const;

/**
 * Every route of the API, with the contracts' zod schemas for its input and output. The
 * OpenAPI document is generated from this table, and a test checks it against the routes
 * Nest actually maps (and their @Public/@Roles metadata), so the two cannot drift.
 */
export const ROUTES: readonly RouteDoc[] = [
  { method: 'get', path: '/api/health', tag: 'health', summary: 'Health of the database and the RTMP ingest (503 when a component is down).', auth: 'public', status: 200, response: named('Health', healthSchema) },

  { method: 'get', path: '/api/auth/state', tag: 'auth', summary: 'Whether the first-run setup replaces sign-in.', auth: 'public', status: 200, response: named('AuthState', authStateSchema) },
  { method: 'post', path: '/api/auth/setup', tag: 'auth', summary: 'Create the first owner and sign in (409 SETUP_DONE afterwards).', auth: 'public', body: named('SetupRequest', setupSchema), status: 201, response: User },
  { method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Sign in; sets the session cookie.', auth: 'public', body: named('LoginRequest', loginSchema), status: 200, response: User },
  { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'Revoke the session and clear the cookie.', auth: 'user', status: 204 },
  { method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'The signed-in user.', auth: 'user', status: 200, response: User },
  {
    method: 'post',
    path: '/api/auth/password',
    tag: 'auth',
    summary: 'Change your own password; revokes your other sessions and all your API tokens.',
    description: 'Session only (403 with an API token). A wrong `currentPassword` is a 400 naming that field and is throttled like sign-in.',
    auth: 'user',
    body: named('ChangePasswordRequest', changePasswordSchema),
    status: 204,
  },
  { method: 'get', path: '/api/auth/sessions', tag: 'auth', summary: 'Your signed-in sessions, the current one marked.', auth: 'user', status: 200, response: named('SessionList', sessionInfoListSchema) },
  { method: 'delete', path: '/api/auth/sessions/:id', tag: 'auth', summary: 'Sign one of your sessions out (session only).', auth: 'user', status: 204 },
  {
    method: 'delete',
    path: '/api/auth/sessions',
    tag: 'auth',
    summary: 'Sign out every session of yours but this one (session only).',
    description: 'Each revoked session fails its next request with 401, and its open events streams end within `EVENTS_RECHECK_S`.',
    auth: 'user',
    status: 200,
    response: named('RevokedSessions', revokedSessionsSchema),
  },

  { method: 'post', path: '/api/tokens', tag: 'tokens', summary: 'Create a personal API token (the only response carrying it); session only, optional expiry and read-only scope.', auth: 'user', body: named('CreateApiTokenRequest', createApiTokenSchema), status: 201, response: named('CreatedApiToken', createdApiTokenSchema) },
  { method: 'get', path: '/api/tokens', tag: 'tokens', summary: 'Live tokens of the signed-in user, newest first.', auth: 'user', status: 200, response: named('ApiTokenList', apiTokenListSchema) },
  { method: 'delete', path: '/api/tokens/:id', tag: 'tokens', summary: 'Revoke a token.', auth: 'user', status: 204 },

  { method: 'get', path: '/api/users', tag: 'users', summary: 'Every account.', auth: ['owner', 'admin'], status: 200, response: named('UserList', userListSchema) },
  { method: 'post', path: '/api/users', tag: 'users', summary: 'Create an account.', auth: ['owner', 'admin'], body: named('CreateUserRequest', createUserSchema), status: 201, response: User },
  { method: 'patch', path: '/api/users/:id', tag: 'users', summary: 'Change role and/or password (a new password revokes their sessions and tokens).', auth: ['owner', 'admin'], body: named('UpdateUserRequest', updateUserSchema), status: 200, response: User },
  { method: 'delete', path: '/api/users/:id', tag: 'users', summary: 'Delete an account.', auth: ['owner', 'admin'], status: 204 },
  { method: 'get', path: '/api/users/:userId/tokens', tag: 'users', summary: "A user's live API tokens.", auth: ['owner', 'admin'], status: 200, response: named('UserApiTokenList', apiTokenListSchema) },
  { method: 'delete', path: '/api/users/:userId/tokens/:id', tag: 'users', summary: "Revoke a user's API token.", auth: ['owner', 'admin'], status: 204 },

  { method: 'get', path: '/api/audit', tag: 'audit', summary: 'Audit log, newest first, paged by cursor; filter by user (`actorId`) and `action`.', auth: ['owner', 'admin'], query: named('AuditQuery', auditQuerySchema), status: 200, response: named('AuditPage', auditPageSchema) },
  { method: 'get', path: '/api/platforms', tag: 'platforms', summary: 'Platform presets: servers and rules.', auth: 'user', status: 200, response: named('PlatformPresetList', platformPresetListSchema) },

  { method: 'get', path: '/api/streams', tag: 'streams', summary: 'Streams visible to the user (members: their own).', auth: 'user', status: 200, response: named('StreamList', streamListSchema) },
  { method: 'post', path: '/api/streams', tag: 'streams', summary: 'Create a stream; the answer carries its key.', auth: 'user', body: named('CreateStreamRequest', createStreamSchema), status: 201, response: StreamDetail },
  { method: 'get', path: '/api/streams/:id', tag: 'streams', summary: 'A stream; the key only for its owner.', auth: 'user', status: 200, response: StreamDetail },
  { method: 'patch', path: '/api/streams/:id', tag: 'streams', summary: 'Rename or change settings.', auth: 'user', body: named('UpdateStreamRequest', updateStreamSchema), status: 200, response: Stream },
  { method: 'delete', path: '/api/streams/:id', tag: 'streams', summary: 'Delete a stream and its destinations.', auth: 'user', status: 204 },
  { method: 'post', path: '/api/streams/:id/rotate-key', tag: 'streams', summary: 'Replace the stream key.', auth: 'user', status: 200, response: StreamDetail },
  { method: 'post', path: '/api/streams/:id/rotate-backup-key', tag: 'streams', summary: 'Replace the backup encoder\'s key; a backup live with the old one is disconnected.', auth: 'user', status: 200, response: StreamDetail },
  {
    method: 'post',
    path: '/api/streams/:id/input',
    tag: 'streams',
    summary: 'Put the primary, the backup or the slate on air now (`switchTo`), and/or pin the preferred encoder (`pin`: primary, backup or null).',
    description: 'The switch happens at the chosen encoder\'s next keyframe, its sequence headers first. 409 CONFLICT in words when nothing publishes, that input is not connected, or no slate is rendered.',
    auth: 'user',
    body: named('InputControlRequest', inputControlSchema),
    status: 200,
    response: named('StreamInputs', streamStatusSchema.shape.inputs.unwrap()),
  },
  {
    method: 'put',
    path: '/api/streams/:id/slate-image',
    tag: 'streams',
    summary: 'Use this PNG or JPEG (the request body, at most 5 MB) as the stream\'s slate instead of the default card.',
    description: 'Send `Content-Type: image/png` or `image/jpeg`. 400 naming `image` when it is not one, 413 past 5 MB. A live stream re-renders its slate at once.',
    auth: 'user',
    status: 204,
  },
  { method: 'delete', path: '/api/streams/:id/slate-image', tag: 'streams', summary: 'Go back to the default slate card.', auth: 'user', status: 204 },
  { method: 'get', path: '/api/streams/:id/slate-image', tag: 'streams', summary: 'The stream\'s own slate image (404 while it uses the default card).', auth: 'user', status: 200, contentType: 'image/png', response: named('SlateImage', z.string()) },

  { method: 'get', path: '/api/streams/:streamId/destinations', tag: 'destinations', summary: "A stream's destinations (keys masked).", auth: 'user', status: 200, response: named('DestinationList', destinationListSchema) },
  { method: 'post', path: '/api/streams/:streamId/destinations', tag: 'destinations', summary: 'Add a destination.', auth: 'user', body: named('CreateDestinationRequest', createDestinationSchema), status: 201, response: Destination },
  { method: 'patch', path: '/api/destinations/:id', tag: 'destinations', summary: 'Change a destination (omit streamKey to keep it).', auth: 'user', body: named('UpdateDestinationRequest', updateDestinationSchema), status: 200, response: Destination },
  { method: 'delete', path: '/api/destinations/:id', tag: 'destinations', summary: 'Delete a destination.', auth: 'user', status: 204 },
  {
    method: 'post',
    path: '/api/destinations/:id/retry',
    tag: 'destinations',
    summary: 'Retry now: a reconnecting or failed destination of a live stream connects at once, skipping the backoff wait.',
    description: '409 CONFLICT with the reason in words when there is nothing to retry: the stream is not live, the destination is switched off, or it is live already.',
    auth: 'user',
    status: 204,
  },
  {
    method: 'post',
    path: '/api/destinations/:id/test',
    tag: 'destinations',
    summary: 'Test the connection while the stream is idle: publish with the key, then unpublish at once without media.',
    description:
      'The same address policy as a real connection applies (private addresses refused unless allowed, the checked address pinned). `reason` uses the status vocabulary; members see `unreachable` for every connection failure. 409 CONFLICT while the stream is live; 429 RATE_LIMITED after 6 tests a minute per user.',
    auth: 'user',
    status: 200,
    response: named('DestinationTestResult', destinationTestResultSchema),
  },

  { method: 'get', path: '/api/live', tag: 'live', summary: 'Streams on air that you can see, with their destination health, and your last broadcast.', auth: 'user', status: 200, response: named('LiveOverview', liveOverviewSchema) },
  { method: 'get', path: '/api/streams/:id/status', tag: 'live', summary: 'Live status: ingest and destinations (idle shape when nothing publishes).', auth: 'user', status: 200, response: named('StreamStatus', streamStatusSchema) },
  {
    method: 'get',
    path: '/api/streams/:id/events',
    tag: 'live',
    summary: 'Server-Sent Events: status, state, ingest.',
    description:
      '`retry: 3000`, then `event: status` (StreamStatus) at once and every second while live (every 5 s idle); `event: state` (DestinationStateEvent) per destination change; `event: ingest` (IngestEvent) when the publisher goes live, leaves (grace) or the stream ends; a `: ping` comment every 15 s. The server ends the stream within `EVENTS_RECHECK_S` (default 2 s) once the session or token is revoked, the user deleted, or the stream no longer theirs to see. Members see `unreachable` for every connection failure. The schema below is the union of the event payloads.',
    auth: 'user',
    status: 200,
    contentType: 'text/event-stream',
    response: named('LiveEventData', z.union([streamStatusSchema, destinationStateEventSchema, ingestEventSchema])),
  },
  { method: 'get', path: '/api/streams/:id/sessions', tag: 'live', summary: 'Publish history, newest first, with each destination timeline.', auth: 'user', query: named('SessionsQuery', sessionsQuerySchema), status: 200, response: named('IngestSessionList', ingestSessionListSchema) },
  { method: 'get', path: '/api/streams/:id/metrics', tag: 'live', summary: 'Metrics time series for charts (default last 15 min, at most 30 days).', auth: 'user', query: named('MetricsQuery', metricsQuerySchema), status: 200, response: named('MetricsSeries', metricsSeriesSchema) },

  {
    method: 'get',
    path: '/api/streams/:id/preview',
    tag: 'preview',
    summary: 'Live preview of the ingest as HTTP-FLV, from its current keyframe.',
    description:
      'Plays while the stream is live (409 CONFLICT when nothing publishes, and 409 LIMIT_REACHED past `PREVIEW_MAX_VIEWERS`). Each viewer has its own bounded queue: a slow one skips to the next keyframe, one that stops reading is dropped after 5 s, and no viewer changes what a destination receives. The server ends the response within `EVENTS_RECHECK_S` once the session or token is revoked or the stream is no longer the user\'s to see, and when the broadcast ends.',
    auth: 'user',
    status: 200,
    contentType: 'video/x-flv',
    response: named('FlvStream', z.string()),
  },
  { method: 'post', path: '/api/streams/:id/preview-url', tag: 'preview', summary: 'A URL that plays the preview without a cookie, usable for 60 s to start; it dies with the session or token that made it.', auth: 'user', status: 200, response: named('PreviewUrl', previewUrlSchema) },
  { method: 'get', path: '/api/preview/:token', tag: 'preview', summary: 'The preview a signed URL names (401 when expired, tampered or its credential revoked).', auth: 'public', status: 200, contentType: 'video/x-flv', response: named('FlvStream', z.string()) },
  { method: 'get', path: '/api/webhooks', tag: 'webhooks', summary: 'Webhook endpoints, oldest first, with their health (never their secrets).', auth: STAFF, status: 200, response: named('WebhookEndpointList', webhookEndpointListSchema) },
  {
    method: 'post',
    path: '/api/webhooks',
    tag: 'webhooks',
    summary: 'Add a webhook endpoint; the answer carries its signing secret (`whsec_…`), the only time it is shown.',
    description:
      'Every stream\'s events of the chosen types go to it, signed per Standard Webhooks (see `webhooks` in this document). `url` is https, or http to a private address; private, loopback, link-local and metadata addresses follow the destinations\' rules for whoever sets the URL (400 naming `url`). 409 LIMIT_REACHED past 20 endpoints.',
    auth: STAFF,
    body: named('CreateWebhookRequest', createWebhookSchema),
    status: 201,
    response: named('CreatedWebhookEndpoint', createdWebhookEndpointSchema),
  },
  { method: 'patch', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'Change the URL, description, events or enabled (the secret only through rotate).', auth: STAFF, body: named('UpdateWebhookRequest', updateWebhookSchema), status: 200, response: WebhookEndpoint },
  { method: 'delete', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'Delete an endpoint and its delivery log.', auth: STAFF, status: 204 },
  {
    method: 'post',
    path: '/api/webhooks/:id/rotate',
    tag: 'webhooks',
    summary: 'Replace the signing secret; the answer carries the new one, shown once.',
    description: 'For 24 h (`previousSecretExpiresAt`) every delivery carries two signatures in `webhook-signature`, one per secret, so the receiver can switch without missing an event.',
    auth: STAFF,
    status: 200,
    response: named('RotatedWebhookSecret', rotatedWebhookSecretSchema),
  },
  { method: 'post', path: '/api/webhooks/:id/test', tag: 'webhooks', summary: 'Send a `ping` event now (even while disabled); answers with the delivery after its first attempt.', auth: STAFF, status: 200, response: WebhookDelivery },
  {
    method: 'get',
    path: '/api/webhooks/:id/deliveries',
    tag: 'webhooks',
    summary: 'Delivery log of an endpoint, newest first, paged by cursor: status code, latency, attempts, next retry.',
    auth: STAFF,
    query: named('WebhookDeliveriesQuery', webhookDeliveriesQuerySchema),
    status: 200,
    response: named('WebhookDeliveryPage', webhookDeliveryPageSchema),
  },
  { method: 'post', path: '/api/webhook-deliveries/:id/redeliver', tag: 'webhooks', summary: 'Send a delivery\'s event again (same `webhook-id`), as a new delivery due now.', auth: STAFF, status: 201, response: WebhookDelivery },

  { method: 'get', path: '/api/streams/:id/recordings', tag: 'recordings', summary: 'Recordings of the stream, newest first: start, duration, size, codecs, state (recording, complete, interrupted, failed with its reason).', auth: 'user', status: 200, response: named('RecordingList', recordingListSchema) },
  {
    method: 'get',
    path: '/api/recordings/:id/file',
    tag: 'recordings',
    summary: 'The recording as MP4 (fragmented), whole or a byte range.',
    description: 'Honours `Range: bytes=…` (206 with `Content-Range`; 416 past the end) and `If-Range`, so a `<video>` element seeks through it. `Content-Type: video/mp4`, `Content-Disposition: attachment` with a name made of the stream name and start time. A recording being written can be read as far as it is written.',
    auth: 'user',
    status: 200,
    contentType: 'video/mp4',
    response: named('Mp4File', z.string()),
  },
  { method: 'delete', path: '/api/recordings/:id', tag: 'recordings', summary: 'Delete a recording and its file (409 while it is being written).', auth: 'user', status: 204 },
  { method: 'get', path: '/api/settings', tag: 'settings', summary: 'Instance-wide settings.', auth: 'user', status: 200, response: named('InstanceSettings', instanceSettingsSchema) },
  { method: 'patch', path: '/api/settings', tag: 'settings', summary: 'Change instance-wide settings (owners only).', auth: ['owner'], body: named('UpdateInstanceSettingsRequest', updateInstanceSettingsSchema), status: 200, response: named('InstanceSettings', instanceSettingsSchema) },

  { method: 'get', path: '/api/docs', tag: 'docs', summary: 'This OpenAPI 3.1 document.', auth: 'public', status: 200, response: named('OpenApiDocument', z.record(z.string(), z.unknown())) },
];

/** Outside `/api`: documented for completeness, not mapped by Nest. */
export const PROMETHEUS_ROUTE: RouteDoc = {
  method: 'get',
  path: '/metrics',
  tag: 'metrics',
  summary: 'Prometheus text exposition 0.0.4: aggregate gauges and counters, HTTP and process metrics.',
  auth: 'public',
  status: 200,
  contentType: 'text/plain; version=0.0.4',
  response: named('PrometheusExposition', z.string()),
};

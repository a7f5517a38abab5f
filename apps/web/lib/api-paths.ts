/**
 * Every API path the dashboard calls, built in one place (ids encoded once, here), so a route
 * renamed in the API is renamed once in the dashboard, and no page hand-builds a URL.
 */
const id = encodeURIComponent;

export const apiPaths = {
  health: () => '/api/health',
  streams: () => '/api/streams',
  stream: (streamId: string) => `/api/streams/${id(streamId)}`,
  streamRotateKey: (streamId: string) => `/api/streams/${id(streamId)}/rotate-key`,
  streamRotateBackupKey: (streamId: string) => `/api/streams/${id(streamId)}/rotate-backup-key`,
  streamInput: (streamId: string) => `/api/streams/${id(streamId)}/input`,
  /** `?v=` busts the browser's copy after an upload (the API sends `no-cache`, but an <img> may still reuse it). */
  streamSlateImage: (streamId: string, version?: string) => withQuery(`/api/streams/${id(streamId)}/slate-image`, { v: version }),
  streamRecordings: (streamId: string) => `/api/streams/${id(streamId)}/recordings`,
  recording: (recordingId: string) => `/api/recordings/${id(recordingId)}`,
  recordingFile: (recordingId: string) => `/api/recordings/${id(recordingId)}/file`,
  settings: () => '/api/settings',
  streamStatus: (streamId: string) => `/api/streams/${id(streamId)}/status`,
  streamEvents: (streamId: string) => `/api/streams/${id(streamId)}/events`,
  streamSessions: (streamId: string) => `/api/streams/${id(streamId)}/sessions`,
  streamMetrics: (streamId: string, query: { from?: string; to?: string } = {}) => withQuery(`/api/streams/${id(streamId)}/metrics`, query),
  streamPreview: (streamId: string) => `/api/streams/${id(streamId)}/preview`,
  streamDestinations: (streamId: string) => `/api/streams/${id(streamId)}/destinations`,
  destination: (destinationId: string) => `/api/destinations/${id(destinationId)}`,
  destinationRetry: (destinationId: string) => `/api/destinations/${id(destinationId)}/retry`,
  destinationTest: (destinationId: string) => `/api/destinations/${id(destinationId)}/test`,
  live: () => '/api/live',
  audit: (query: { cursor?: string; limit?: string; actorId?: string; action?: string } = {}) => withQuery('/api/audit', query),
  users: () => '/api/users',
  user: (userId: string) => `/api/users/${id(userId)}`,
  tokens: () => '/api/tokens',
  token: (tokenId: string) => `/api/tokens/${id(tokenId)}`,
  sessions: () => '/api/auth/sessions',
  session: (sessionId: string) => `/api/auth/sessions/${id(sessionId)}`,
  me: () => '/api/auth/me',
  authState: () => '/api/auth/state',
  login: () => '/api/auth/login',
  logout: () => '/api/auth/logout',
  setup: () => '/api/auth/setup',
  password: () => '/api/auth/password',
  webhooks: () => '/api/webhooks',
  webhook: (webhookId: string) => `/api/webhooks/${id(webhookId)}`,
  webhookRotate: (webhookId: string) => `/api/webhooks/${id(webhookId)}/rotate`,
  webhookTest: (webhookId: string) => `/api/webhooks/${id(webhookId)}/test`,
  webhookDeliveries: (webhookId: string, query: { cursor?: string; limit?: string } = {}) => withQuery(`/api/webhooks/${id(webhookId)}/deliveries`, query),
  webhookRedeliver: (deliveryId: string) => `/api/webhook-deliveries/${id(deliveryId)}/redeliver`,
} as const;

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

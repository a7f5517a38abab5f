import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdApiTokenSchema, createdWebhookEndpointSchema, destinationSchema, sessionInfoSchema, streamDetailSchema, userSchema, webhookDeliverySchema, webhookEndpointListSchema } from '@fanout/contracts';
import { type Actor, setUpTeam, signIn } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { PrismaService } from '../src/database/prisma.service';
import { type Exchange, recordingClient } from './support/http';
import { freePort } from './support/ports';

/**
 * Who may call what. "member" owns the resources under test; "stranger" is another member.
 * Owners and admins manage every stream (and its destinations) and the accounts; members
 * manage only their own streams; a stream or destination that is not yours is 404, never
 * 403, so its id reveals nothing. Tokens are personal; owners and admins may list and revoke
 * anyone's through /api/users/:id/tokens. Sessions and passwords are each user's own.
 * Webhooks belong to the server, not to a user: owners and admins manage all of them, members none.
 */
type Who = 'owner' | 'admin' | 'member' | 'stranger' | 'anonymous';
const WHO: Who[] = ['owner', 'admin', 'member', 'stranger', 'anonymous'];

/** Ids of fresh resources made for one request, so mutations never depend on each other. */
interface Fixture {
  streamId: string;
  destinationId: string;
  /** A destination on a loopback port nothing listens on: a connection test fails fast, offline. */
  localDestinationId: string;
  userId: string;
  tokenId: string;
  /** A token of "member" (for the staff routes), and one of member's sessions. */
  memberId: string;
  memberTokenId: string;
  sessionId: string;
  recordingId: string;
  /** A webhook endpoint (made by the owner), and one delivery of it. */
  webhookId: string;
  deliveryId: string;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Which fixtures the path needs (made fresh for every caller). */
  needs?: (keyof Fixture)[];
  body?: () => unknown;
  /** A response that never ends (Server-Sent Events): read the status, then hang up. */
  stream?: true;
  /** The body is the caller's own password change to the same password. */
  samePassword?: true;
  expected: Record<Who, number>;
}

let unique = 0;
const next = () => ++unique;

const everyone = (status: number): Record<Who, number> => ({ owner: status, admin: status, member: status, stranger: status, anonymous: 401 });
const ownStream = (status: number): Record<Who, number> => ({ owner: status, admin: status, member: status, stranger: 404, anonymous: 401 });
const staffOnly = (status: number): Record<Who, number> => ({ owner: status, admin: status, member: 403, stranger: 403, anonymous: 401 });
const personal = (status: number): Record<Who, number> => ({ owner: 404, admin: 404, member: status, stranger: 404, anonymous: 401 });

const ROUTES: Route[] = [
  { method: 'GET', path: '/api/streams', expected: everyone(200) },
  { method: 'POST', path: '/api/streams', body: () => ({ name: `S${next()}` }), expected: everyone(201) },
  { method: 'GET', path: '/api/streams/:streamId', needs: ['streamId'], expected: ownStream(200) },
  { method: 'PATCH', path: '/api/streams/:streamId', needs: ['streamId'], body: () => ({ name: 'Renamed' }), expected: ownStream(200) },
  { method: 'DELETE', path: '/api/streams/:streamId', needs: ['streamId'], expected: ownStream(204) },
  { method: 'POST', path: '/api/streams/:streamId/rotate-key', needs: ['streamId'], expected: ownStream(200) },
  { method: 'POST', path: '/api/streams/:streamId/rotate-backup-key', needs: ['streamId'], expected: ownStream(200) },
  { method: 'POST', path: '/api/streams/:streamId/input', needs: ['streamId'], body: () => ({ switchTo: 'slate' }), expected: ownStream(409) },
  { method: 'PUT', path: '/api/streams/:streamId/slate-image', needs: ['streamId'], body: () => ({}), expected: ownStream(400) },
  { method: 'DELETE', path: '/api/streams/:streamId/slate-image', needs: ['streamId'], expected: ownStream(204) },
  { method: 'GET', path: '/api/streams/:streamId/slate-image', needs: ['streamId'], expected: ownStream(404) },
  { method: 'GET', path: '/api/streams/:streamId/destinations', needs: ['streamId'], expected: ownStream(200) },
  {
    method: 'POST',
    path: '/api/streams/:streamId/destinations',
    needs: ['streamId'],
    body: () => ({ name: 'Twitch', platform: 'twitch', streamKey: `live_matrix_${next()}_abcdef` }),
    expected: ownStream(201),
  },
  { method: 'PATCH', path: '/api/destinations/:destinationId', needs: ['destinationId'], body: () => ({ enabled: false }), expected: ownStream(200) },
  { method: 'DELETE', path: '/api/destinations/:destinationId', needs: ['destinationId'], expected: ownStream(204) },
  // The stream is idle: nothing to retry (409), but only for those who may see it.
  { method: 'POST', path: '/api/destinations/:destinationId/retry', needs: ['destinationId'], expected: ownStream(409) },
  { method: 'POST', path: '/api/destinations/:localDestinationId/test', needs: ['localDestinationId'], expected: ownStream(200) },
  { method: 'GET', path: '/api/live', expected: everyone(200) },
  { method: 'GET', path: '/api/streams/:streamId/status', needs: ['streamId'], expected: ownStream(200) },
  { method: 'GET', path: '/api/streams/:streamId/events', needs: ['streamId'], stream: true, expected: ownStream(200) },
  { method: 'GET', path: '/api/streams/:streamId/sessions', needs: ['streamId'], expected: ownStream(200) },
  { method: 'GET', path: '/api/streams/:streamId/metrics', needs: ['streamId'], expected: ownStream(200) },
  // Nothing publishes to a fixture stream: those who may see it get 409, not the preview.
  { method: 'GET', path: '/api/streams/:streamId/preview', needs: ['streamId'], stream: true, expected: ownStream(409) },
  { method: 'POST', path: '/api/streams/:streamId/preview-url', needs: ['streamId'], expected: ownStream(200) },
  { method: 'GET', path: '/api/streams/:streamId/recordings', needs: ['streamId'], expected: ownStream(200) },
  // A recording of member's stream (a failed one: no file, so GET is a 404 even for those who may see it).
  { method: 'GET', path: '/api/recordings/:recordingId/file', needs: ['recordingId'], expected: { owner: 404, admin: 404, member: 404, stranger: 404, anonymous: 401 } },
  { method: 'DELETE', path: '/api/recordings/:recordingId', needs: ['recordingId'], expected: ownStream(204) },
  { method: 'GET', path: '/api/settings', expected: everyone(200) },
  { method: 'PATCH', path: '/api/settings', body: () => ({ recordNewStreams: false }), expected: { owner: 200, admin: 403, member: 403, stranger: 403, anonymous: 401 } },
  { method: 'GET', path: '/api/users', expected: staffOnly(200) },
  { method: 'POST', path: '/api/users', body: () => ({ email: `new${next()}@example.com`, password: 'new user password', role: 'member' }), expected: staffOnly(201) },
  { method: 'PATCH', path: '/api/users/:userId', needs: ['userId'], body: () => ({ role: 'admin' }), expected: staffOnly(200) },
  { method: 'DELETE', path: '/api/users/:userId', needs: ['userId'], expected: staffOnly(204) },
  { method: 'GET', path: '/api/platforms', expected: everyone(200) },
  { method: 'GET', path: '/api/audit', expected: staffOnly(200) },
  { method: 'GET', path: '/api/audit?limit=5', expected: staffOnly(200) },
  { method: 'GET', path: '/api/tokens', expected: everyone(200) },
  { method: 'POST', path: '/api/tokens', body: () => ({ name: `T${next()}` }), expected: everyone(201) },
  { method: 'DELETE', path: '/api/tokens/:tokenId', needs: ['tokenId'], expected: personal(204) },
  { method: 'GET', path: '/api/users/:memberId/tokens', needs: ['memberId'], expected: staffOnly(200) },
  { method: 'DELETE', path: '/api/users/:memberId/tokens/:memberTokenId', needs: ['memberId', 'memberTokenId'], expected: staffOnly(204) },
  { method: 'GET', path: '/api/auth/sessions', expected: everyone(200) },
  { method: 'DELETE', path: '/api/auth/sessions/:sessionId', needs: ['sessionId'], expected: personal(204) },
  { method: 'DELETE', path: '/api/auth/sessions', expected: everyone(200) },
  { method: 'GET', path: '/api/webhooks', expected: staffOnly(200) },
  { method: 'POST', path: '/api/webhooks', body: () => ({ url: `https://hooks${next()}.example.com/fanout`, events: ['stream.live'] }), expected: staffOnly(201) },
  { method: 'PATCH', path: '/api/webhooks/:webhookId', needs: ['webhookId'], body: () => ({ enabled: false }), expected: staffOnly(200) },
  { method: 'DELETE', path: '/api/webhooks/:webhookId', needs: ['webhookId'], expected: staffOnly(204) },
  { method: 'POST', path: '/api/webhooks/:webhookId/rotate', needs: ['webhookId'], expected: staffOnly(200) },
  { method: 'POST', path: '/api/webhooks/:webhookId/test', needs: ['webhookId'], expected: staffOnly(200) },
  { method: 'GET', path: '/api/webhooks/:webhookId/deliveries', needs: ['webhookId'], expected: staffOnly(200) },
  { method: 'POST', path: '/api/webhook-deliveries/:deliveryId/redeliver', needs: ['deliveryId'], expected: staffOnly(201) },
  // Each caller changes its own password to the one it already has, so later rows still sign in.
  { method: 'POST', path: '/api/auth/password', body: undefined, samePassword: true, expected: everyone(204) },
];

describe('authorization matrix', () => {
  let api: TestApi;
  let client: ReturnType<typeof recordingClient>;
  let team: Record<Exclude<Who, 'anonymous'>, Actor>;
  let closedPort: number;

  /** Fresh resources owned by "member" (and a fresh account for the user routes). */
  async function fixture(needs: (keyof Fixture)[]): Promise<Partial<Fixture>> {
    const made: Partial<Fixture> = {};
    if (needs.includes('streamId') || needs.includes('destinationId') || needs.includes('recordingId') || needs.includes('localDestinationId')) {
      made.streamId = streamDetailSchema.parse((await team.member.call('POST', '/api/streams', { name: `Fixture ${next()}` })).body).id;
    }
    if (needs.includes('destinationId')) {
      const res = await team.member.call('POST', `/api/streams/${made.streamId}/destinations`, { name: 'YouTube', platform: 'youtube', streamKey: `yt-matrix-${next()}-abcdef` });
      made.destinationId = destinationSchema.parse(res.body).id;
    }
    if (needs.includes('recordingId')) {
      const row = await api.app.get(PrismaService).client.recording.create({ data: { streamId: made.streamId!, file: `${made.streamId}/matrix-${next()}.mp4`, state: 'failed', startedAt: new Date(), failureReason: 'not-writable' } });
      made.recordingId = row.id;
    }
    if (needs.includes('localDestinationId')) {
      const url = `rtmp://127.0.0.1:${await freePort()}/live`;
      const res = await team.member.call('POST', `/api/streams/${made.streamId}/destinations`, { name: 'Local', platform: 'custom', url, streamKey: `local-matrix-${next()}-abcdef` });
      made.localDestinationId = destinationSchema.parse(res.body).id;
    }
    if (needs.includes('userId')) {
      made.userId = userSchema.parse((await team.owner.call('POST', '/api/users', { email: `target${next()}@example.com`, password: 'target password 1', role: 'member' })).body).id;
    }
    if (needs.includes('tokenId') || needs.includes('memberTokenId')) {
      made.tokenId = made.memberTokenId = createdApiTokenSchema.parse((await team.member.call('POST', '/api/tokens', { name: `T${next()}` })).body).id;
    }
    if (needs.includes('memberId')) made.memberId = team.member.user.id;
    if (needs.includes('sessionId')) {
      // A second sign-in of "member", so revoking it leaves the suite's own session alive.
      const extra = await signIn(client, team.member.user.email, team.member.password);
      const sessions = sessionInfoSchema.array().parse((await extra.call('GET', '/api/auth/sessions')).body);
      made.sessionId = sessions.find((s) => s.current)!.id;
    }
    if (needs.includes('webhookId') || needs.includes('deliveryId')) {
      // A receiver that refuses at once (a closed loopback port), so a test ping's first attempt is quick.
      const res = await team.owner.call('POST', '/api/webhooks', { url: `http://127.0.0.1:${closedPort}/hook`, events: ['stream.ended'] });
      made.webhookId = createdWebhookEndpointSchema.parse(res.body).id;
    }
    if (needs.includes('deliveryId')) {
      made.deliveryId = webhookDeliverySchema.parse((await team.owner.call('POST', `/api/webhooks/${made.webhookId}/test`)).body).id;
    }
    return made;
  }

  async function call(who: Who, route: Route): Promise<Exchange> {
    const ids = await fixture(route.needs ?? []);
    const path = route.path.replace(/:(\w+)/g, (_, name: keyof Fixture) => ids[name]!);
    const body = route.samePassword ? (who === 'anonymous' ? { currentPassword: 'x', newPassword: 'x' } : { currentPassword: team[who].password, newPassword: team[who].password }) : route.body?.();
    if (route.stream) {
      const controller = new AbortController();
      const res = await fetch(`${api.url}${path}`, { headers: who === 'anonymous' ? {} : { cookie: team[who].cookie }, signal: controller.signal });
      controller.abort();
      return { method: route.method, path, status: res.status, headers: res.headers, text: '', body: undefined, setCookies: [] };
    }
    if (who === 'anonymous') return client.request(route.method, path, { json: body, sameOrigin: true });
    return team[who].call(route.method, path, body);
  }

  beforeAll(async () => {
    // Members' destinations may use loopback here, so a connection test has a local target (a closed port).
    api = await startTestApi({ ALLOW_PRIVATE_DESTINATIONS: 'true' });
    client = recordingClient(api.url);
    team = await setUpTeam(client, { admin: 'admin', member: 'member', stranger: 'member' });
    closedPort = await freePort();
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('covers every route of the control plane and tokens that the app maps', () => {
    const shape = (method: string, path: string) => `${method} ${path.replace(/\?.*/, '').replace(/:\w+/g, ':id')}`;
    const mapped = api.logs
      .map((line) => JSON.parse(line) as { context?: string; msg?: string })
      .flatMap((l) => (l.context === 'RouterExplorer' ? [/^Mapped \{(\S+), (\w+)\}/.exec(l.msg ?? '')] : []))
      .flatMap((m) => (m ? [shape(m[2]!, m[1]!)] : []))
      .filter((r) => /^\w+ \/api\/(streams|destinations|users|platforms|audit|tokens|recordings|settings|live|auth\/(sessions|password)|webhooks|webhook-deliveries)/.test(r));
    expect(mapped).toHaveLength(52);
    expect(new Set(ROUTES.map((r) => shape(r.method, r.path)))).toEqual(new Set(mapped));
  });

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}`, async () => {
      const seen = {} as Record<Who, number>;
      for (const who of WHO) seen[who] = (await call(who, route)).status;
      expect(seen).toEqual(route.expected);
      // Webhooks are few per server (MAX_WEBHOOK_ENDPOINTS): clear this route's before the next.
      if (route.path.includes('webhook')) {
        for (const { id } of webhookEndpointListSchema.parse((await team.owner.call('GET', '/api/webhooks')).body)) await team.owner.call('DELETE', `/api/webhooks/${id}`);
      }
    });
  }

  it('answers every refusal with the same body for its status', () => {
    const bodies: Record<number, unknown> = {
      401: { code: 'UNAUTHENTICATED', message: 'Sign in to continue.' },
      403: { code: 'FORBIDDEN', message: 'You do not have permission to do that.' },
    };
    const refused = client.exchanges.filter((e) => e.status === 401 || e.status === 403);
    expect(refused.length).toBeGreaterThan(20);
    for (const e of refused) expect(e.body, `${e.method} ${e.path}`).toEqual(bodies[e.status]);
    const hidden = client.exchanges.filter((e) => e.status === 404);
    for (const e of hidden) expect((e.body as { code: string }).code, `${e.method} ${e.path}`).toBe('NOT_FOUND');
  });

  it('leaves no destination key in any answer or log line', () => {
    const text = [...client.exchanges.map((e) => e.text), ...api.logs].join('\n');
    expect(text).not.toMatch(/yt-matrix-|live_matrix_|local-matrix-/);
    // Webhook secrets are shown in the create and rotate answers only, never logged.
    expect(api.logs.join('\n')).not.toContain('whsec_');
  });
});

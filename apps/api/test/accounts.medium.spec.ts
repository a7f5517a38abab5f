import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokenSchema, auditPageSchema, createdApiTokenSchema, sessionInfoSchema, streamDetailSchema, userSchema } from '@fanout/contracts';
import { PrismaService } from '../src/database/prisma.service';
import { type Actor, type Client, setUpTeam, signIn } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { recordingClient } from './support/http';
import { isEvent, openEventStream } from './support/sse';

/** Waits until the events stream ends from the server's side, at most `ms`. */
async function endsWithin(sse: Awaited<ReturnType<typeof openEventStream>>, ms: number): Promise<number> {
  const started = Date.now();
  while (!sse.ended()) {
    if (Date.now() - started > ms) throw new Error(`the events stream was still open after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

describe('accounts: password policy, own password and sessions, token scope and lifetime, audit, live streams that lose access', () => {
  let api: TestApi;
  let client: Client;
  let owner: Actor;
  let admin: Actor;
  let member: Actor;

  const newUser = async (name: string, role: 'member' | 'admin' = 'member') => {
    const password = `${name} password 789`;
    const res = await owner.call('POST', '/api/users', { email: `${name}@example.com`, password, role });
    expect(res.status).toBe(201);
    return signIn(client, `${name}@example.com`, password);
  };
  const token = async (actor: Actor, body: object = {}) => createdApiTokenSchema.parse((await actor.call('POST', '/api/tokens', { name: 'script', ...body })).body);
  const me = (credential: { cookie?: string; bearer?: string }) => client.request('GET', '/api/auth/me', credential);

  beforeAll(async () => {
    api = await startTestApi({ HTTP_REQUEST_TIMEOUT_S: '30' });
    client = recordingClient(api.url);
    ({ owner, admin, member } = await setUpTeam(client, { admin: 'admin', member: 'member' }));
  });

  afterAll(async () => {
    await api?.dispose();
  });

  describe('password policy (one rule in contracts for API and dashboard)', () => {
    const cases: [string, string][] = [
      ['short', 'Use at least 10 characters'],
      ['          ', 'Use something other than spaces'],
      ['1234567890', 'This password is too common; choose another'],
      ['Password123', 'This password is too common; choose another'],
      ['qwerty uiop', 'This password is too common; choose another'],
      ['aaaaaaaaaaaa', 'Use more than one repeated character'],
    ];
    for (const [password, message] of cases) {
      it(`refuses ${JSON.stringify(password)} for a new user and a password change`, async () => {
        const res = await owner.call('POST', '/api/users', { email: 'weak@example.com', password, role: 'member' });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'password', message }] });
        const change = await member.call('POST', '/api/auth/password', { currentPassword: member.password, newPassword: password });
        expect(change.body).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'newPassword', message }] });
      });
    }
  });

  describe('names reject control characters with a 400 naming the field', () => {
    it('answers a NUL byte, an escape or a bidi override in a stream, destination or token name', async () => {
      for (const name of ['bad\u0000name', 'esc\u001b[31m', 'evil\u202etxt.exe', 'line\nbreak']) {
        const stream = await member.call('POST', '/api/streams', { name });
        expect(stream.status, JSON.stringify(name)).toBe(400);
        expect(stream.body).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'name', message: 'Remove control characters' }] });
        expect((await member.call('POST', '/api/tokens', { name })).body).toMatchObject({ errors: [{ path: 'name', message: 'Remove control characters' }] });
      }
      const id = streamDetailSchema.parse((await member.call('POST', '/api/streams', { name: 'Fine' })).body).id;
      const dest = await member.call('POST', `/api/streams/${id}/destinations`, { name: 'x\u0000', platform: 'twitch', streamKey: 'abc-key-1234' });
      expect(dest.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'name', message: 'Remove control characters' }] });
      const settings = await member.call('PATCH', `/api/streams/${id}`, { settings: { note: 'nul\u0000here' } });
      expect(settings.status).toBe(400);
      expect((await member.call('POST', '/api/streams', { name: 'Café 🎥 live' })).status).toBe(201);
    });
  });

  describe('your own password and sessions', () => {
    it('lists your live sessions with the current one marked, and signs another one out', async () => {
      const alice = await newUser('alice');
      const laptop = await signIn(client, 'alice@example.com', alice.password);
      const sessions = sessionInfoSchema.array().parse((await alice.call('GET', '/api/auth/sessions')).body);
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      expect(sessions[0]).toEqual({ id: expect.any(String), createdAt: expect.any(String), lastSeenAt: expect.any(String), expiresAt: expect.any(String), userAgent: expect.any(String), ip: expect.stringMatching(/^203\.0\.113\./), current: expect.any(Boolean) });
      const other = sessions.find((s) => !s.current)!;
      expect((await member.call('DELETE', `/api/auth/sessions/${other.id}`)).status).toBe(404);
      expect((await alice.call('DELETE', `/api/auth/sessions/${other.id}`)).status).toBe(204);
      expect((await me({ cookie: laptop.cookie })).status).toBe(401);
      expect((await me({ cookie: alice.cookie })).status).toBe(200);
      expect((await alice.call('DELETE', `/api/auth/sessions/${other.id}`)).status).toBe(404);
    });

    it('changes the password with the current one: other sessions and every token die, this session lives', async () => {
      const bob = await newUser('bob');
      const phone = await signIn(client, 'bob@example.com', bob.password);
      const script = await token(bob);
      const wrong = await bob.call('POST', '/api/auth/password', { currentPassword: 'not my password', newPassword: 'bob brand new password' });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'currentPassword', message: 'That is not your current password' }] });
      expect((await client.request('POST', '/api/auth/password', { bearer: script.token, json: { currentPassword: bob.password, newPassword: 'bob brand new password' } })).status).toBe(403);
      const ok = await bob.call('POST', '/api/auth/password', { currentPassword: bob.password, newPassword: 'bob brand new password' });
      expect(ok.status).toBe(204);
      expect((await me({ cookie: bob.cookie })).status).toBe(200);
      expect((await me({ cookie: phone.cookie })).status).toBe(401);
      expect((await me({ bearer: script.token })).status).toBe(401);
      expect((await client.request('POST', '/api/auth/login', { json: { email: 'bob@example.com', password: bob.password }, headers: { 'x-forwarded-for': '192.0.2.9' } })).status).toBe(401);
      await signIn(client, 'bob@example.com', 'bob brand new password');
    });

    it('a password reset by an admin revokes every session and every API token of the user', async () => {
      const carol = await newUser('carol');
      const script = await token(carol);
      expect((await me({ bearer: script.token })).status).toBe(200);
      expect((await admin.call('PATCH', `/api/users/${carol.user.id}`, { password: 'carol reset password 1' })).status).toBe(200);
      expect((await me({ bearer: script.token })).status).toBe(401);
      expect((await me({ cookie: carol.cookie })).status).toBe(401);
    });
  });

  describe('API tokens: scope, expiry, administration', () => {
    it('lets a read-only token read but not change anything', async () => {
      const readOnly = await token(member, { scope: 'read-only' });
      expect(readOnly.scope).toBe('read-only');
      expect((await client.request('GET', '/api/streams', { bearer: readOnly.token })).status).toBe(200);
      for (const [method, path, json] of [
        ['POST', '/api/streams', { name: 'nope' }],
        ['DELETE', `/api/tokens/${readOnly.id}`, undefined],
        ['POST', '/api/auth/logout', undefined],
      ] as const) {
        const res = await client.request(method, path, { bearer: readOnly.token, json });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body).toEqual({ code: 'FORBIDDEN', message: 'This API token is read-only.' });
      }
      const readWrite = await token(member);
      expect((await client.request('POST', '/api/streams', { bearer: readWrite.token, json: { name: 'scripted' } })).status).toBe(201);
    });

    it('expires a token at its expiry', async () => {
      const shortLived = await token(member, { expiresInDays: 1 });
      expect(Date.parse(shortLived.expiresAt!) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
      expect((await me({ bearer: shortLived.token })).status).toBe(200);
      await api.app.get(PrismaService).client.apiToken.update({ where: { id: shortLived.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await me({ bearer: shortLived.token })).status).toBe(401);
      const listed = apiTokenSchema.array().parse((await member.call('GET', '/api/tokens')).body);
      expect(listed.map((t) => t.id)).not.toContain(shortLived.id);
      expect((await member.call('POST', '/api/tokens', { name: 'x', expiresInDays: 0 })).body).toMatchObject({ errors: [{ path: 'expiresInDays' }] });
    });

    it("lets owners and admins list and revoke any user's tokens; members get 403", async () => {
      const leaked = await token(member);
      const listed = apiTokenSchema.array().parse((await admin.call('GET', `/api/users/${member.user.id}/tokens`)).body);
      expect(listed.map((t) => t.id)).toContain(leaked.id);
      expect(JSON.stringify(listed)).not.toContain(leaked.token);
      expect((await member.call('GET', `/api/users/${admin.user.id}/tokens`)).status).toBe(403);
      expect((await admin.call('DELETE', `/api/users/${member.user.id}/tokens/${leaked.id}`)).status).toBe(204);
      expect((await me({ bearer: leaked.token })).status).toBe(401);
      expect((await admin.call('DELETE', `/api/users/${admin.user.id}/tokens/${leaked.id}`)).status).toBe(404);
    });
  });

  describe('audit log', () => {
    it('records setup, sign-in, failed sign-in, sign-out, token creation and revocation, with the client address', async () => {
      const dave = await newUser('dave');
      await client.request('POST', '/api/auth/login', { json: { email: 'dave@example.com', password: 'wrong password 000' }, headers: { 'x-forwarded-for': '198.51.100.77' } });
      await client.request('POST', '/api/auth/login', { json: { email: 'nobody@example.com', password: 'wrong password 000' }, headers: { 'x-forwarded-for': '198.51.100.78' } });
      const made = await token(dave);
      await dave.call('DELETE', `/api/tokens/${made.id}`);
      await dave.call('POST', '/api/auth/logout');
      const entries = auditPageSchema.parse((await owner.call('GET', '/api/audit?limit=100')).body).entries;
      const actions = entries.map((e) => e.action);
      for (const action of ['auth.setup', 'auth.login', 'auth.login-failed', 'auth.logout', 'token.create', 'token.revoke']) expect(actions).toContain(action);
      expect(entries.find((e) => e.action === 'auth.login-failed' && e.metadata.email === 'dave@example.com')).toMatchObject({ actor: { id: dave.user.id }, metadata: { ip: '198.51.100.77', reason: 'wrong-password' } });
      expect(entries.find((e) => e.action === 'auth.login-failed' && e.metadata.email === 'nobody@example.com')).toMatchObject({ actor: null, targetId: null, metadata: { ip: '198.51.100.78', reason: 'unknown-email' } });
      expect(entries.find((e) => e.action === 'token.create' && e.targetId === made.id)).toMatchObject({ actor: { id: dave.user.id }, metadata: { name: 'script', scope: 'read-write' } });
      expect(JSON.stringify(entries)).not.toMatch(/wrong password 000|fo_pat_/);
    });
  });

  describe('events streams close within 5 s when their viewer loses access', () => {
    it('after a sign-out', async () => {
      const erin = await newUser('erin');
      const stream = streamDetailSchema.parse((await erin.call('POST', '/api/streams', { name: 'Erin live' })).body);
      const sse = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { cookie: erin.cookie });
      await sse.next(isEvent('status'), 3_000);
      expect((await erin.call('POST', '/api/auth/logout')).status).toBe(204);
      expect(await endsWithin(sse, 5_000)).toBeLessThan(5_000);
      expect((await fetch(`${api.url}/api/streams/${stream.id}/events`, { headers: { cookie: erin.cookie } })).status).toBe(401);
    });

    it("after a demotion that takes away another user's stream", async () => {
      const frank = await newUser('frank', 'admin');
      const stream = streamDetailSchema.parse((await member.call('POST', '/api/streams', { name: 'Watched' })).body);
      const sse = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { cookie: frank.cookie });
      await sse.next(isEvent('status'), 3_000);
      expect(userSchema.parse((await owner.call('PATCH', `/api/users/${frank.user.id}`, { role: 'member' })).body).role).toBe('member');
      expect(await endsWithin(sse, 5_000)).toBeLessThan(5_000);
      expect((await fetch(`${api.url}/api/streams/${stream.id}/events`, { headers: { cookie: frank.cookie } })).status).toBe(404);
    });

    it('after the user is deleted, and after a token is revoked', async () => {
      const gina = await newUser('gina');
      const stream = streamDetailSchema.parse((await gina.call('POST', '/api/streams', { name: 'Gina live' })).body);
      const viaToken = await token(gina);
      const byCookie = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { cookie: gina.cookie });
      const byToken = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { authorization: `Bearer ${viaToken.token}` });
      await byCookie.next(isEvent('status'), 3_000, 0);
      await byToken.next(isEvent('status'), 3_000, 0);
      const helen = await newUser('helen');
      const helenStream = streamDetailSchema.parse((await helen.call('POST', '/api/streams', { name: 'Helen live' })).body);
      const helenToken = await token(helen);
      const byRevokedToken = await openEventStream(`${api.url}/api/streams/${helenStream.id}/events`, { authorization: `Bearer ${helenToken.token}` });
      await byRevokedToken.next(isEvent('status'), 3_000);
      expect((await helen.call('DELETE', `/api/tokens/${helenToken.id}`)).status).toBe(204);
      expect((await owner.call('DELETE', `/api/users/${gina.user.id}`)).status).toBe(204);
      await Promise.all([endsWithin(byCookie, 5_000), endsWithin(byToken, 5_000), endsWithin(byRevokedToken, 5_000)]);
    });
  });
});

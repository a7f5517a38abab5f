import { createHash } from 'node:crypto';
import { Controller, Get } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiTokenSchema, createdApiTokenSchema, userSchema, type User } from '@fanout/contracts';
import { PrismaService } from '../src/database/prisma.service';
import { PasswordHasher } from '../src/auth/password-hasher';
import { CurrentUser, Roles } from '../src/auth/decorators';
import { createApp } from '../src/server';
import { startTestApi, type TestApi } from './support/api';
import { type Exchange, recordingClient, sessionCookieOf } from './support/http';

/** Mounted only in this test: the smallest route behind @Roles. */
@Controller('test-only/admin')
class AdminProbeController {
  @Roles('owner', 'admin')
  @Get()
  get(@CurrentUser() user: User): { email: string } {
    return { email: user.email };
  }
}

const OWNER = { email: 'Owner@Example.com', password: 'owner password 123' };
const MEMBER = { email: 'member@example.com', password: 'member password 456' };
const WRONG_PASSWORD = 'not the password 789';
const SESSION_COOKIE = /^fanout_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('authentication API', () => {
  let api: TestApi;
  let client: ReturnType<typeof recordingClient>;
  let request: ReturnType<typeof recordingClient>['request'];
  let prisma: PrismaService;
  let owner: User;
  let ownerCookie: string;
  /** Secrets this suite handled: none may appear in a log line or a response body except where shown on purpose. */
  const sessionTokens: string[] = [];
  const apiTokens: string[] = [];
  /** Each test signs in from its own address, so the per-address limit stays out of the way. */
  let nextAddress = 1;
  const from = () => ({ 'x-forwarded-for': `198.51.100.${nextAddress++}` });

  const login = async (email: string, password: string, headers: Record<string, string> = from()) => {
    const res = await request('POST', '/api/auth/login', { json: { email, password }, headers });
    if (res.status === 200) sessionTokens.push(sessionCookieOf(res).split('=')[1]!);
    return res;
  };

  beforeAll(async () => {
    api = await startTestApi();
    client = recordingClient(api.url);
    request = client.request;
    prisma = api.app.get(PrismaService);
  });

  afterAll(async () => {
    await api?.dispose();
  });

  describe('first-run setup', () => {
    it('reports setup as required while no user exists', async () => {
      const res = await request('GET', '/api/auth/state');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ setupRequired: true });
    });

    it('rejects a bad body with every field error and no echo of the input', async () => {
      const res = await request('POST', '/api/auth/setup', { json: { email: 'nope', password: 'short' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'Some fields are not valid.',
        errors: [
          { path: 'email', message: 'Enter a valid email address' },
          { path: 'password', message: 'Use at least 10 characters' },
        ],
      });
    });

    it('rejects unknown fields (strict objects)', async () => {
      const res = await request('POST', '/api/auth/setup', { json: { ...OWNER, role: 'owner' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: '(body)', message: 'Unrecognized key: "role"' }] });
    });

    it('creates exactly one owner when setups race, and signs that one in', async () => {
      const attempts = await Promise.all(
        [OWNER.email, 'racer1@example.com', 'racer2@example.com', 'racer3@example.com'].map((email) =>
          request('POST', '/api/auth/setup', { json: { email, password: OWNER.password } }),
        ),
      );
      const created = attempts.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      for (const refused of attempts.filter((r) => r.status !== 201)) {
        expect(refused.status).toBe(409);
        expect(refused.body).toEqual({ code: 'SETUP_DONE', message: 'Fanout is already set up. Sign in with the owner account.' });
      }
      const user = userSchema.parse(created[0]!.body);
      expect(user).toMatchObject({ role: 'owner' });
      expect(created[0]!.setCookies).toEqual([expect.stringMatching(SESSION_COOKIE)]);
      expect(await prisma.client.user.count()).toBe(1);
      // The rest of the suite uses OWNER; rename whoever won the race.
      await prisma.client.user.update({ where: { id: user.id }, data: { email: OWNER.email.toLowerCase() } });
      sessionTokens.push(sessionCookieOf(created[0]!).split('=')[1]!);
    });

    it('answers 409 SETUP_DONE once a user exists, and reports setup as done', async () => {
      const res = await request('POST', '/api/auth/setup', { json: { email: 'late@example.com', password: 'late password 1' } });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ code: 'SETUP_DONE', message: 'Fanout is already set up. Sign in with the owner account.' });
      expect((await request('GET', '/api/auth/state')).body).toEqual({ setupRequired: false });
    });
  });

  describe('sign-in', () => {
    it('signs in with the email in any case and sets the session cookie', async () => {
      // Setup's racers shared one address; sign in from a fresh one.
      const res = await login(OWNER.email.toUpperCase(), OWNER.password);
      expect(res.status).toBe(200);
      owner = userSchema.parse(res.body);
      expect(owner).toEqual({ id: expect.any(String), email: 'owner@example.com', role: 'owner', createdAt: expect.any(String) });
      expect(res.setCookies).toEqual([expect.stringMatching(SESSION_COOKIE)]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      ownerCookie = sessionCookieOf(res);
    });

    it('stores only the SHA-256 of the session token', async () => {
      const token = ownerCookie.split('=')[1]!;
      const session = await prisma.client.session.findUnique({ where: { tokenHash: sha256(token) }, omit: { tokenHash: false } });
      expect(session).toMatchObject({ userId: owner.id, revokedAt: null, ip: expect.stringMatching(/^198\.51\.100\./) });
      expect(session!.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
      expect(JSON.stringify(await prisma.client.session.findMany({ omit: { tokenHash: false } }))).not.toContain(token);
    });

    it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
      const res = await login(OWNER.email, OWNER.password, { ...from(), 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(200);
      expect(res.setCookies[0]).toMatch(/^fanout_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    });

    it('returns the user from GET /api/auth/me with the cookie, and 401 without', async () => {
      const me = await request('GET', '/api/auth/me', { cookie: ownerCookie });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(owner);
      const anonymous = await request('GET', '/api/auth/me');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to continue.' });
      const forged = await request('GET', '/api/auth/me', { cookie: `fanout_session=${'A'.repeat(43)}` });
      expect(forged.status).toBe(401);
      expect(forged.body).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to continue.' });
    });

    it('answers a wrong password and an unknown email with the same 401 after the same argon2 work', async () => {
      const headers = from();
      const verify = vi.spyOn(api.app.get(PasswordHasher), 'verify');
      try {
        const wrong = await login(OWNER.email, WRONG_PASSWORD, headers);
        const unknown = await login('nobody@example.com', WRONG_PASSWORD, headers);
        for (const res of [wrong, unknown]) {
          expect(res.status).toBe(401);
          expect(res.body).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Wrong email or password.' });
          expect(res.setCookies).toEqual([]);
        }
        expect(wrong.text).toBe(unknown.text);
        // One argon2id verification each: the unknown email is checked against a dummy hash with the same parameters.
        expect(verify).toHaveBeenCalledTimes(2);
        const [ownerHash, dummyHash] = verify.mock.calls.map(([phc]) => phc);
        expect(dummyHash).not.toBe(ownerHash);
        expect(dummyHash!.split('$').slice(0, 4)).toEqual(ownerHash!.split('$').slice(0, 4));
      } finally {
        verify.mockRestore();
      }
    });
  });

  describe('login rate limiting', () => {
    it('refuses the sixth failure for an account from one address with 429, Retry-After and a delay that starts at 30 s', async () => {
      const email = 'target@example.com';
      const headers = from();
      for (let i = 0; i < 5; i++) expect((await login(email, WRONG_PASSWORD, headers)).status).toBe(401);
      const limited = await login(email, WRONG_PASSWORD, headers);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(28);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(limited.body).toEqual({ code: 'RATE_LIMITED', message: 'Too many sign-in attempts. Try again later.', retryAfterS: retryAfter });
    });

    it("never lets failures from other addresses lock the account's owner out of theirs", async () => {
      await prisma.client.user.create({ data: { email: 'locked@example.com', passwordHash: await api.app.get(PasswordHasher).hash(MEMBER.password), role: 'member' } });
      const attackers = [from(), from(), from()];
      for (const headers of attackers) for (let i = 0; i < 6; i++) await login('locked@example.com', WRONG_PASSWORD, headers);
      // Each attacker address is throttled, even with the right password...
      expect((await login('locked@example.com', MEMBER.password, attackers[0])).status).toBe(429);
      // ...while the owner of the account signs in from their own address.
      expect((await login('locked@example.com', MEMBER.password)).status).toBe(200);
    });

    it('resets the account count after a successful sign-in', async () => {
      const email = 'forgetful@example.com';
      await prisma.client.user.create({ data: { email, passwordHash: await api.app.get(PasswordHasher).hash(MEMBER.password), role: 'member' } });
      for (let i = 0; i < 4; i++) expect((await login(email, WRONG_PASSWORD)).status).toBe(401);
      expect((await login(email, MEMBER.password)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await login(email, WRONG_PASSWORD)).status).toBe(401);
      expect((await login(email, MEMBER.password)).status).toBe(200);
    });

    it('refuses the 21st failure from one address across different accounts', async () => {
      const headers = from();
      for (let i = 0; i < 20; i++) expect((await login(`spray${i}@example.com`, WRONG_PASSWORD, headers)).status).toBe(401);
      const limited = await login('spray-last@example.com', WRONG_PASSWORD, headers);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
      // Another address is not affected.
      expect((await login('spray-last@example.com', WRONG_PASSWORD)).status).toBe(401);
    });
  });

  describe('CSRF: cookie-authenticated changes must come from this origin', () => {
    const mismatch = { code: 'CSRF_ORIGIN_MISMATCH', message: 'This request did not come from the Fanout dashboard.' };

    it('refuses a change with no Origin or Referer', async () => {
      const res = await request('POST', '/api/tokens', { cookie: ownerCookie, json: { name: 'x' } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: 'CSRF_ORIGIN_MISMATCH', message: 'This request did not say where it came from.' });
    });

    it('refuses a change from another origin', async () => {
      const res = await request('POST', '/api/tokens', { cookie: ownerCookie, json: { name: 'x' }, headers: { origin: 'http://evil.example' } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(mismatch);
      const byReferer = await request('POST', '/api/auth/logout', { cookie: ownerCookie, headers: { referer: 'http://evil.example/page' } });
      expect(byReferer.status).toBe(403);
      expect(byReferer.body).toEqual(mismatch);
      const nullOrigin = await request('POST', '/api/auth/logout', { cookie: ownerCookie, headers: { origin: 'null' } });
      expect(nullOrigin.body).toEqual(mismatch);
    });

    it('accepts a change whose Origin or Referer is this host', async () => {
      expect((await request('POST', '/api/tokens', { cookie: ownerCookie, json: { name: 'csrf-origin' }, sameOrigin: true })).status).toBe(201);
      expect((await request('POST', '/api/tokens', { cookie: ownerCookie, json: { name: 'csrf-referer' }, headers: { referer: `${api.url}/settings` } })).status).toBe(201);
    });

    it('accepts the dashboard origin forwarded by the web proxy (X-Forwarded-Host from loopback)', async () => {
      const res = await request('POST', '/api/tokens', {
        cookie: ownerCookie,
        json: { name: 'via-proxy' },
        headers: { origin: 'http://localhost:3000', 'x-forwarded-host': 'localhost:3000', 'x-forwarded-proto': 'http' },
      });
      expect(res.status).toBe(201);
      apiTokens.push(createdApiTokenSchema.parse(res.body).token);
    });

    it('does not require an Origin on reads', async () => {
      expect((await request('GET', '/api/tokens', { cookie: ownerCookie })).status).toBe(200);
    });

    it('refuses a sign-in posted from another site (login CSRF)', async () => {
      const res = await request('POST', '/api/auth/login', { json: OWNER, headers: { ...from(), origin: 'http://evil.example' } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(mismatch);
      expect(res.setCookies).toEqual([]);
    });
  });

  describe('personal access tokens', () => {
    let created: { id: string; name: string; token: string; createdAt: string };

    it('creates a token shown once, prefixed, stored as its SHA-256', async () => {
      const res = await request('POST', '/api/tokens', { cookie: ownerCookie, json: { name: '  CI deploy  ' }, sameOrigin: true });
      expect(res.status).toBe(201);
      created = createdApiTokenSchema.parse(res.body);
      apiTokens.push(created.token);
      expect(Object.keys(res.body as object).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name', 'scope', 'token']);
      expect(created.name).toBe('CI deploy');
      expect(created.token).toMatch(/^fo_pat_[A-Za-z0-9_-]{43}$/);
      const row = await prisma.client.apiToken.findUniqueOrThrow({ where: { id: created.id }, omit: { tokenHash: false } });
      expect(row).toMatchObject({ userId: owner.id, tokenHash: sha256(created.token), lastUsedAt: null, revokedAt: null });
    });

    it('lists tokens without any secret', async () => {
      const res = await request('GET', '/api/tokens', { cookie: ownerCookie });
      expect(res.status).toBe(200);
      const list = apiTokenSchema.array().parse(res.body);
      expect(list[0]).toEqual({ id: created.id, name: 'CI deploy', scope: 'read-write', createdAt: created.createdAt, lastUsedAt: null, expiresAt: null });
      for (const entry of res.body as object[]) expect(Object.keys(entry).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'scope']);
      expect(res.text).not.toContain('fo_pat_');
    });

    it('authenticates a bearer request, with no Origin needed for changes, and records lastUsedAt', async () => {
      const me = await request('GET', '/api/auth/me', { bearer: created.token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(owner);
      const post = await request('POST', '/api/streams', { bearer: created.token, json: { name: 'made by a token' } });
      expect(post.status).toBe(201);
      const row = await prisma.client.apiToken.findUniqueOrThrow({ where: { id: created.id }, omit: { tokenHash: false } });
      expect(row.lastUsedAt).not.toBeNull();
    });

    it('rejects unknown and malformed bearer credentials with 401, ignoring any cookie', async () => {
      const unknown = await request('GET', '/api/auth/me', { bearer: `fo_pat_${'x'.repeat(43)}`, cookie: ownerCookie });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual({ code: 'UNAUTHENTICATED', message: 'The API token is not valid.' });
      const basic = await request('GET', '/api/auth/me', { headers: { authorization: 'Basic b3duZXI6cGFzcw==' } });
      expect(basic.status).toBe(401);
      expect(basic.body).toEqual({ code: 'UNAUTHENTICATED', message: 'The API token is not valid.' });
    });

    it('refuses to let a token create a token', async () => {
      const res = await request('POST', '/api/tokens', { bearer: created.token, json: { name: 'made by a token' } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: 'FORBIDDEN', message: 'Create API tokens from a signed-in session, not with a token.' });
    });

    it('validates the name', async () => {
      const res = await request('POST', '/api/tokens', { cookie: ownerCookie, sameOrigin: true, json: { name: '   ' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'name', message: 'Give the token a name' }] });
      const extra = await request('POST', '/api/tokens', { cookie: ownerCookie, sameOrigin: true, json: { name: 'x', scopes: ['all'] } });
      expect(extra.status).toBe(400);
      expect((extra.body as { errors: unknown[] }).errors).toEqual([{ path: '(body)', message: 'Unrecognized key: "scopes"' }]);
    });

    it('revokes a token: it stops working and leaves the list; a second revoke is 404', async () => {
      const res = await request('DELETE', `/api/tokens/${created.id}`, { cookie: ownerCookie, sameOrigin: true });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const after = await request('GET', '/api/auth/me', { bearer: created.token });
      expect(after.status).toBe(401);
      const list = apiTokenSchema.array().parse((await request('GET', '/api/tokens', { cookie: ownerCookie })).body);
      expect(list.map((t) => t.id)).not.toContain(created.id);
      const again = await request('DELETE', `/api/tokens/${created.id}`, { cookie: ownerCookie, sameOrigin: true });
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ code: 'NOT_FOUND', message: 'No such token.' });
      expect((await request('DELETE', '/api/tokens/not-a-uuid', { cookie: ownerCookie, sameOrigin: true })).body).toEqual({ code: 'NOT_FOUND', message: 'No such token.' });
    });

    it("cannot see or revoke another user's tokens", async () => {
      await prisma.client.user.create({ data: { email: MEMBER.email, passwordHash: await api.app.get(PasswordHasher).hash(MEMBER.password), role: 'member' } });
      const memberCookie = sessionCookieOf(await login(MEMBER.email, MEMBER.password));
      expect((await request('GET', '/api/tokens', { cookie: memberCookie })).body).toEqual([]);
      const ownerTokens = apiTokenSchema.array().parse((await request('GET', '/api/tokens', { cookie: ownerCookie })).body);
      const res = await request('DELETE', `/api/tokens/${ownerTokens[0]!.id}`, { cookie: memberCookie, sameOrigin: true });
      expect(res.status).toBe(404);
    });
  });

  describe('roles', () => {
    let probe: NestFastifyApplication;
    let probeUrl: string;

    beforeAll(async () => {
      // A second app on the same database, with a test-only @Roles route behind the same global guards.
      probe = await createApp(api.runtime, { controllers: [AdminProbeController] });
      await probe.listen({ port: 0, host: '127.0.0.1' });
      const address = probe.getHttpServer().address() as { port: number };
      probeUrl = `http://127.0.0.1:${address.port}`;
    });

    afterAll(async () => {
      await probe?.close();
    });

    it('lets an owner through @Roles("owner", "admin")', async () => {
      const res = await fetch(`${probeUrl}/api/test-only/admin`, { headers: { cookie: ownerCookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ email: 'owner@example.com' });
    });

    it('answers a member with 403 FORBIDDEN', async () => {
      const memberCookie = sessionCookieOf(await login(MEMBER.email, MEMBER.password));
      const res = await fetch(`${probeUrl}/api/test-only/admin`, { headers: { cookie: memberCookie } });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
    });

    it('answers an anonymous caller with 401 before looking at roles', async () => {
      const res = await fetch(`${probeUrl}/api/test-only/admin`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to continue.' });
    });
  });

  describe('sessions', () => {
    const sessionOf = (cookie: string) => prisma.client.session.findUniqueOrThrow({ where: { tokenHash: sha256(cookie.split('=')[1]!) } });

    it('does not write on every request: lastSeenAt moves at most once a minute', async () => {
      const cookie = sessionCookieOf(await login(OWNER.email, OWNER.password));
      const before = await sessionOf(cookie);
      const res = await request('GET', '/api/auth/me', { cookie });
      expect(res.setCookies).toEqual([]);
      expect((await sessionOf(cookie)).lastSeenAt).toEqual(before.lastSeenAt);
    });

    it('slides the expiry and re-sends the cookie on use after a minute', async () => {
      const cookie = sessionCookieOf(await login(OWNER.email, OWNER.password));
      const session = await sessionOf(cookie);
      const earlier = new Date(Date.now() - 5 * 24 * 3600 * 1000);
      await prisma.client.session.update({ where: { id: session.id }, data: { lastSeenAt: earlier, expiresAt: new Date(earlier.getTime() + 30 * 24 * 3600 * 1000) } });
      const res = await request('GET', '/api/auth/me', { cookie });
      expect(res.status).toBe(200);
      expect(res.setCookies).toEqual([expect.stringMatching(SESSION_COOKIE)]);
      expect(sessionCookieOf(res)).toBe(cookie);
      const after = await sessionOf(cookie);
      expect(after.lastSeenAt.getTime()).toBeGreaterThan(earlier.getTime());
      expect(after.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    });

    it('refuses an expired session', async () => {
      const cookie = sessionCookieOf(await login(OWNER.email, OWNER.password));
      await prisma.client.session.update({ where: { id: (await sessionOf(cookie)).id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await request('GET', '/api/auth/me', { cookie })).status).toBe(401);
    });

    it('logs out: revokes the session server-side, clears the cookie, and the old cookie stops working', async () => {
      const cookie = sessionCookieOf(await login(OWNER.email, OWNER.password));
      const res = await request('POST', '/api/auth/logout', { cookie, sameOrigin: true });
      expect(res.status).toBe(204);
      expect(res.setCookies).toEqual(['fanout_session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax']);
      expect((await sessionOf(cookie)).revokedAt).not.toBeNull();
      const again = await request('GET', '/api/auth/me', { cookie });
      expect(again.status).toBe(401);
      expect(again.body).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to continue.' });
      // The other sessions of the same user are untouched.
      expect((await request('GET', '/api/auth/me', { cookie: ownerCookie })).status).toBe(200);
    });

    it('needs a session to log out', async () => {
      const res = await request('POST', '/api/auth/logout', { sameOrigin: true });
      expect(res.status).toBe(401);
    });
  });

  describe('request bodies', () => {
    it('answers malformed JSON with 400 BAD_REQUEST', async () => {
      const res = await request('POST', '/api/auth/login', { raw: '{"email":', headers: { 'content-type': 'application/json', ...from() } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'BAD_REQUEST', message: "Body is not valid JSON but content-type is set to 'application/json'" });
    });

    it('answers a missing body with 400 VALIDATION_FAILED', async () => {
      const res = await request('POST', '/api/auth/login', { headers: from() });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '(body)', message: expect.any(String) }] });
    });

    it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await request('POST', '/api/auth/login', { json: { email: 'a@b.co', password: 'x'.repeat(1_100_000) }, headers: from() });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' });
    });

    it('takes JSON only: a form or text post is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
        const res = await request('POST', '/api/auth/login', { raw: 'email=a%40b.co&password=x', headers: { 'content-type': contentType, ...from() } });
        expect(res.status).toBe(415);
        expect(res.body, contentType).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) });
      }
    });

    it('bounds field lengths', async () => {
      const res = await request('POST', '/api/auth/login', { json: { email: 'a@b.co', password: 'x'.repeat(257) }, headers: from() });
      expect(res.status).toBe(400);
      expect((res.body as { errors: unknown }).errors).toEqual([{ path: 'password', message: expect.any(String) }]);
    });
  });

  describe('public routes', () => {
    it('keeps /api/health open', async () => {
      expect((await request('GET', '/api/health')).status).toBe(200);
    });
  });

  describe('secrets', () => {
    it('never puts a password, session token or API token in a log line or a response body', () => {
      expect(sessionTokens.length).toBeGreaterThan(5);
      expect(apiTokens.length).toBeGreaterThan(1);
      const logs = api.logs.join('\n');
      const isCreation = (e: Exchange) => e.method === 'POST' && e.path === '/api/tokens' && e.status === 201;
      const bodies = client.exchanges.filter((e) => !isCreation(e)).map((e) => e.text).join('\n');
      for (const secret of [OWNER.password, MEMBER.password, WRONG_PASSWORD, ...sessionTokens, ...apiTokens]) {
        expect(logs).not.toContain(secret);
        expect(bodies).not.toContain(secret);
      }
      // Each API token appears in exactly one body: the one that created it.
      for (const token of apiTokens) expect(client.exchanges.filter((e) => e.text.includes(token))).toHaveLength(1);
      // Hashes of secrets stay out of the logs too.
      for (const secret of [...sessionTokens, ...apiTokens]) expect(logs).not.toContain(sha256(secret));
    });
  });
});

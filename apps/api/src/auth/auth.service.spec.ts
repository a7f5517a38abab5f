import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import { AuthService } from './auth.service';
import type { SessionCookieJar, User } from './auth.types';
import { LoginRateLimiter } from './login-rate-limiter';
import type { PasswordHasher } from './password-hasher';
import type { SessionService } from './session.service';
import type { SessionsRepository } from './sessions.repository';
import type { UserRow, UsersRepository } from './users.repository';

const OWNER: UserRow & { passwordHash: string } = {
  id: 'u1',
  email: 'owner@example.com',
  role: 'owner',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  passwordHash: 'phc:owner-password',
};
const USER: User = { id: 'u1', email: 'owner@example.com', role: 'owner', createdAt: '2026-01-01T00:00:00.000Z' };
const CLIENT = { ip: '10.0.0.1', userAgent: 'test' };

/** A hasher whose "hash" is readable, recording every call, so tests see exactly what was verified. */
function fakeHasher() {
  const calls: string[] = [];
  const hasher = strictFake<PasswordHasher>('PasswordHasher', {
    async hash(password) {
      calls.push(`hash ${password.startsWith('fanout-timing') ? '(dummy)' : password}`);
      return `phc:${password}`;
    },
    async verify(phc, password) {
      calls.push(`verify ${phc.startsWith('phc:fanout-timing') ? '(dummy hash)' : phc}`);
      return phc === `phc:${password}`;
    },
  });
  return { hasher, calls };
}

function fakeCookie() {
  const events: string[] = [];
  const jar: SessionCookieJar = { set: (token, maxAgeS) => events.push(`set ${token} ${maxAgeS}`), clear: () => events.push('clear') };
  return { jar, events };
}

function setup(users: Partial<UsersRepository> = {}) {
  const { hasher, calls } = fakeHasher();
  const sessions = strictFake<SessionService>('SessionService', {
    create: async () => ({ id: 's1', token: 'session-token', maxAgeS: 2_592_000 }),
    revoke: async (id) => void calls.push(`revoke ${id}`),
  });
  const repo = strictFake<UsersRepository>('UsersRepository', {
    findByEmailWithHash: async (email) => (email === OWNER.email ? OWNER : null),
    findByIdWithHash: async (id) => (id === OWNER.id ? OWNER : null),
    changePassword: async (id, hash, keep) => {
      calls.push(`change ${id} ${hash} keep ${keep}`);
      return { sessions: 2, tokens: 3 };
    },
    ...users,
  });
  const sessionRows = strictFake<SessionsRepository>('SessionsRepository', {
    revoke: async (id, _at, userId) => {
      calls.push(`revoke ${id} of ${userId}`);
      return id === 's2';
    },
    revokeOthers: async (userId, keep) => {
      calls.push(`revoke all of ${userId} but ${keep}`);
      return 3;
    },
  });
  const audits: unknown[][] = [];
  const audit = strictFake<AuditService>('AuditService', {
    async record(...args) {
      audits.push(args);
    },
  });
  const clock = new FakeClock();
  const limiter = new LoginRateLimiter(clock as unknown as Clock);
  const logs = capturedLogger();
  const service = new AuthService(repo, sessions, sessionRows, hasher, limiter, audit, clock as unknown as Clock, logs.logger);
  return { service, calls, limiter, logs, audits };
}

describe('AuthService.login', () => {
  it('signs in with the right password: one verification, a session, the cookie', async () => {
    const { service, calls } = setup();
    const cookie = fakeCookie();
    expect(await service.login({ email: OWNER.email, password: 'owner-password' }, CLIENT, cookie.jar)).toEqual(USER);
    expect(calls).toEqual(['verify phc:owner-password']);
    expect(cookie.events).toEqual(['set session-token 2592000']);
  });

  it('verifies an unknown email against the dummy argon2 hash, so it costs what a wrong password costs', async () => {
    const { service, calls } = setup();
    const cookie = fakeCookie();
    await expect(service.login({ email: 'nobody@example.com', password: 'guess' }, CLIENT, cookie.jar)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      userMessage: 'Wrong email or password.',
    });
    expect(calls).toEqual(['hash (dummy)', 'verify (dummy hash)']);
    // The dummy hash is computed once, then reused.
    await expect(service.login({ email: 'nobody@example.com', password: 'guess' }, CLIENT, cookie.jar)).rejects.toThrow();
    expect(calls).toEqual(['hash (dummy)', 'verify (dummy hash)', 'verify (dummy hash)']);
    expect(cookie.events).toEqual([]);
  });

  it('gives a wrong password exactly the same error as an unknown email', async () => {
    const { service } = setup();
    const wrong = await service.login({ email: OWNER.email, password: 'nope' }, CLIENT, fakeCookie().jar).catch((e: unknown) => e);
    const unknown = await service.login({ email: 'x@example.com', password: 'nope' }, CLIENT, fakeCookie().jar).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(unknown).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((wrong as { userMessage: string }).userMessage).toBe((unknown as { userMessage: string }).userMessage);
  });

  it('prepares the dummy hash at start-up', async () => {
    const { service, calls } = setup();
    service.onModuleInit();
    await Promise.resolve();
    expect(calls).toEqual(['hash (dummy)']);
  });

  it('throttles before touching the database or the hasher, and resets on success', async () => {
    const { service, calls } = setup();
    for (let i = 0; i < 5; i++) await expect(service.login({ email: OWNER.email, password: 'nope' }, CLIENT, fakeCookie().jar)).rejects.toThrow();
    calls.length = 0;
    await expect(service.login({ email: OWNER.email, password: 'owner-password' }, CLIENT, fakeCookie().jar)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterS: 30 });
    expect(calls).toEqual([]);

    const fresh = setup();
    for (let i = 0; i < 4; i++) await expect(fresh.service.login({ email: OWNER.email, password: 'nope' }, CLIENT, fakeCookie().jar)).rejects.toThrow();
    await fresh.service.login({ email: OWNER.email, password: 'owner-password' }, CLIENT, fakeCookie().jar);
    for (let i = 0; i < 4; i++) await expect(fresh.service.login({ email: OWNER.email, password: 'nope' }, CLIENT, fakeCookie().jar)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('logs failures without the password', async () => {
    const { service, logs } = setup();
    await service.login({ email: OWNER.email, password: 'hunter2-secret' }, CLIENT, fakeCookie().jar).catch(() => undefined);
    expect(logs.text()).toContain('wrong-password');
    expect(logs.text()).not.toContain('hunter2-secret');
  });
});

describe('AuthService.setup', () => {
  it('creates the owner, hashing the password, and signs them in', async () => {
    const created: string[] = [];
    const { service, calls } = setup({
      any: async () => false,
      createFirstOwner: async (email, hash) => {
        created.push(`${email} ${hash}`);
        return OWNER;
      },
    });
    const cookie = fakeCookie();
    expect(await service.setup({ email: OWNER.email, password: 'owner-password' }, CLIENT, cookie.jar)).toEqual(USER);
    expect(created).toEqual(['owner@example.com phc:owner-password']);
    expect(calls).toEqual(['hash owner-password']);
    expect(cookie.events).toEqual(['set session-token 2592000']);
  });

  it('answers SETUP_DONE without hashing once a user exists', async () => {
    const { service, calls } = setup({ any: async () => true });
    await expect(service.setup({ email: 'a@example.com', password: 'long enough 1' }, CLIENT, fakeCookie().jar)).rejects.toMatchObject({ code: 'SETUP_DONE' });
    expect(calls).toEqual([]);
  });

  it('answers SETUP_DONE when a concurrent setup won the race', async () => {
    const { service } = setup({ any: async () => false, createFirstOwner: async () => null });
    const cookie = fakeCookie();
    await expect(service.setup({ email: 'a@example.com', password: 'long enough 1' }, CLIENT, cookie.jar)).rejects.toMatchObject({ code: 'SETUP_DONE' });
    expect(cookie.events).toEqual([]);
  });
});

describe('AuthService.logout', () => {
  it('revokes the session and clears the cookie', async () => {
    const { service, calls } = setup();
    const cookie = fakeCookie();
    await service.logout({ via: 'session', sessionId: 's9', user: USER }, cookie.jar);
    expect(calls).toEqual(['revoke s9']);
    expect(cookie.events).toEqual(['clear']);
  });

  it('has no session to revoke for a token caller', async () => {
    const { service, calls } = setup();
    await service.logout({ via: 'token', tokenId: 't1', user: USER, scope: 'read-write' }, fakeCookie().jar);
    expect(calls).toEqual([]);
  });
});

describe('AuthService audit trail', () => {
  it('records sign-in, failed sign-in (known and unknown email), sign-out and setup, never a password', async () => {
    const { service, audits } = setup({ any: async () => false, createFirstOwner: async () => OWNER });
    await service.setup({ email: OWNER.email, password: 'owner-password' }, CLIENT, fakeCookie().jar);
    await service.login({ email: OWNER.email, password: 'wrong-secret-1' }, CLIENT, fakeCookie().jar).catch(() => undefined);
    await service.login({ email: 'ghost@example.com', password: 'wrong-secret-2' }, CLIENT, fakeCookie().jar).catch(() => undefined);
    await service.logout({ via: 'session', sessionId: 's1', user: USER }, fakeCookie().jar);
    expect(audits.map(([actor, action, target, metadata]) => [(actor as User | null)?.id ?? null, action, target, metadata])).toEqual([
      ['u1', 'auth.setup', { type: 'user', id: 'u1' }, { email: OWNER.email, ip: CLIENT.ip }],
      ['u1', 'auth.login', { type: 'session', id: 's1' }, { ip: CLIENT.ip }],
      ['u1', 'auth.login-failed', { type: 'user', id: 'u1' }, { email: OWNER.email, ip: CLIENT.ip, reason: 'wrong-password' }],
      [null, 'auth.login-failed', { type: 'user', id: null }, { email: 'ghost@example.com', ip: CLIENT.ip, reason: 'unknown-email' }],
      ['u1', 'auth.logout', { type: 'session', id: 's1' }, undefined],
    ]);
    expect(JSON.stringify(audits)).not.toMatch(/wrong-secret|owner-password/);
  });
});

describe('AuthService.changePassword', () => {
  const session = { via: 'session' as const, sessionId: 's1', user: USER };

  it('checks the current password, then revokes every other session and every token, keeping this one', async () => {
    const { service, calls, audits } = setup();
    await service.changePassword(session, { currentPassword: 'owner-password', newPassword: 'a brand new password' }, CLIENT);
    expect(calls).toEqual(['verify phc:owner-password', 'hash a brand new password', 'change u1 phc:a brand new password keep s1']);
    expect(audits.at(-1)).toEqual([USER, 'user.password-change', { type: 'user', id: 'u1' }, { email: USER.email, ip: CLIENT.ip, sessionsRevoked: 2, tokensRevoked: 3 }]);
  });

  it('answers a wrong current password with a field error, and throttles guesses like sign-in', async () => {
    const { service, calls } = setup();
    for (let i = 0; i < 5; i++) {
      await expect(service.changePassword(session, { currentPassword: 'guess', newPassword: 'a brand new password' }, CLIENT)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'currentPassword', message: 'That is not your current password' }],
      });
    }
    await expect(service.changePassword(session, { currentPassword: 'owner-password', newPassword: 'a brand new password' }, CLIENT)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(calls.filter((c) => c.startsWith('change'))).toEqual([]);
  });

  it('is refused to an API token', async () => {
    const { service } = setup();
    await expect(service.changePassword({ via: 'token', tokenId: 't1', user: USER, scope: 'read-write' }, { currentPassword: 'owner-password', newPassword: 'a brand new password' }, CLIENT)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('AuthService.revokeSession', () => {
  it('revokes only your own live session, clearing the cookie when it is the current one', async () => {
    const { service, calls } = setup();
    const cookie = fakeCookie();
    await service.revokeSession({ via: 'session', sessionId: 's2', user: USER }, '00000000-0000-4000-8000-000000000001', cookie.jar).catch((e: unknown) => expect(e).toMatchObject({ code: 'NOT_FOUND' }));
    expect(calls).toEqual(['revoke 00000000-0000-4000-8000-000000000001 of u1']);
    await expect(service.revokeSession({ via: 'session', sessionId: 's1', user: USER }, 'not-a-uuid', cookie.jar)).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such session.' });
    expect(cookie.events).toEqual([]);
  });
});

describe('AuthService.revokeOtherSessions', () => {
  it('signs out every other session of yours, keeps this one, and audits how many', async () => {
    const { service, calls, audits } = setup();
    await expect(service.revokeOtherSessions({ via: 'session', sessionId: 's1', user: USER })).resolves.toEqual({ revoked: 3 });
    expect(calls).toEqual(['revoke all of u1 but s1']);
    expect(audits).toEqual([[USER, 'session.revoke', { type: 'session', id: null }, { userId: 'u1', others: true, count: 3 }]]);
  });

  it('is refused to an API token', async () => {
    const { service, calls } = setup();
    await expect(service.revokeOtherSessions({ via: 'token', tokenId: 't1', user: USER, scope: 'read-write' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(calls).toEqual([]);
  });
});

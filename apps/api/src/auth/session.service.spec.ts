import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import { Clock } from '../common/clock';
import { SESSION_TTL_MS } from './auth.constants';
import { SecretTokens } from './secret-tokens';
import { SessionService } from './session.service';
import type { SessionRow, SessionsRepository } from './sessions.repository';

const MINUTE = 60_000;
const USER = { id: 'u1', email: 'a@example.com', role: 'owner' as const, createdAt: new Date('2026-01-01T00:00:00Z') };

/** An in-memory sessions table that records every write. */
function setup() {
  const clock = new FakeClock();
  const rows = new Map<string, SessionRow & { tokenHash: string; userAgent: string | null; ip: string | null }>();
  const writes: string[] = [];
  const repository = strictFake<SessionsRepository>('SessionsRepository', {
    async create(data) {
      const id = `s${rows.size + 1}`;
      rows.set(id, { id, tokenHash: data.tokenHash, expiresAt: data.expiresAt, lastSeenAt: data.lastSeenAt, revokedAt: null, userAgent: data.userAgent, ip: data.ip, user: USER });
      writes.push(`create ${id}`);
      return { id };
    },
    async findByTokenHash(tokenHash) {
      return [...rows.values()].find((r) => r.tokenHash === tokenHash) ?? null;
    },
    async findById(id) {
      return rows.get(id) ?? null;
    },
    async touch(id, lastSeenAt, expiresAt) {
      Object.assign(rows.get(id)!, { lastSeenAt, expiresAt });
      writes.push(`touch ${id}`);
    },
    async revoke(id, at) {
      rows.get(id)!.revokedAt = at;
      writes.push(`revoke ${id}`);
      return true;
    },
  });
  const service = new SessionService(repository, new SecretTokens(), clock as unknown as Clock);
  return { service, clock, rows, writes };
}

describe('SessionService', () => {
  it('issues a 32-byte random token and stores only its SHA-256, with the client facts', async () => {
    const { service, rows } = setup();
    const session = await service.create('u1', { ip: '10.0.0.1', userAgent: 'x'.repeat(2000) });
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(session.token, 'base64url')).toHaveLength(32);
    expect(session.maxAgeS).toBe(30 * 24 * 3600);
    const row = rows.get(session.id)!;
    expect(row.tokenHash).toBe(createHash('sha256').update(session.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(session.token);
    expect(row.userAgent).toHaveLength(512);
    expect(row.ip).toBe('10.0.0.1');
    expect((await service.create('u1', { ip: '10.0.0.1', userAgent: undefined })).token).not.toBe(session.token);
  });

  it('authenticates a live session without writing when used again within a minute', async () => {
    const { service, clock, writes } = setup();
    const { token, id } = await service.create('u1', { ip: '', userAgent: undefined });
    clock.advance(59_999);
    expect(await service.authenticate(token)).toEqual({ id, user: { ...USER, createdAt: '2026-01-01T00:00:00.000Z' }, renewed: false });
    expect(writes).toEqual([`create ${id}`]);
  });

  it('slides the expiry (and records lastSeenAt) on a use a minute or more after the last', async () => {
    const { service, clock, rows, writes } = setup();
    const { token, id } = await service.create('u1', { ip: '', userAgent: undefined });
    clock.advance(10 * 24 * 3600 * 1000);
    expect((await service.authenticate(token))?.renewed).toBe(true);
    expect(rows.get(id)!.expiresAt.getTime()).toBe(clock.now().getTime() + SESSION_TTL_MS);
    expect(rows.get(id)!.lastSeenAt).toEqual(clock.now());
    expect((await service.authenticate(token))?.renewed).toBe(false);
    clock.advance(MINUTE);
    expect((await service.authenticate(token))?.renewed).toBe(true);
    expect(writes).toEqual([`create ${id}`, `touch ${id}`, `touch ${id}`]);
  });

  it('expires a session left unused for the whole TTL', async () => {
    const { service, clock } = setup();
    const { token } = await service.create('u1', { ip: '', userAgent: undefined });
    clock.advance(SESSION_TTL_MS - 1);
    expect(await service.authenticate(token)).not.toBeNull(); // and slides
    clock.advance(SESSION_TTL_MS);
    expect(await service.authenticate(token)).toBeNull();
  });

  it('refuses a revoked session', async () => {
    const { service } = setup();
    const { token, id } = await service.create('u1', { ip: '', userAgent: undefined });
    await service.revoke(id);
    expect(await service.authenticate(token)).toBeNull();
  });

  it('refuses unknown and malformed tokens, looking up only well-formed ones', async () => {
    const { service } = setup();
    expect(await service.authenticate('A'.repeat(43))).toBeNull();
    const noLookup = new SessionService(strictFake<SessionsRepository>('SessionsRepository', {}), new SecretTokens(), new Clock());
    for (const bad of ['', 'short', 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)};`]) expect(await noLookup.authenticate(bad)).toBeNull();
  });

  it('stillValid answers the user until the session is revoked or expires (for long-lived responses)', async () => {
    const { service, clock } = setup();
    const { id } = await service.create('u1', { ip: '127.0.0.1', userAgent: undefined });
    expect(await service.stillValid(id)).toMatchObject({ id: 'u1' });
    clock.advance(30 * 24 * 3600 * 1000);
    expect(await service.stillValid(id)).toBeNull();
    const second = await service.create('u1', { ip: '127.0.0.1', userAgent: undefined });
    await service.revoke(second.id);
    expect(await service.stillValid(second.id)).toBeNull();
    expect(await service.stillValid('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

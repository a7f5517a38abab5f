import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import { ApiTokenService } from './api-token.service';
import type { ApiTokenRow, ApiTokensRepository } from './api-tokens.repository';
import type { AuthContext } from './auth.types';
import { SecretTokens } from './secret-tokens';
import type { UsersRepository } from './users.repository';

const OWNER = { id: '00000000-0000-4000-8000-0000000000a1', email: 'a@example.com', role: 'owner' as const, createdAt: '2026-01-01T00:00:00.000Z' };
const OTHER = { ...OWNER, id: '00000000-0000-4000-8000-0000000000a2', email: 'b@example.com' };
const ID = '0b9f6f3e-3c1a-4a53-9a55-0d6c7b0b1c11';
const SESSION: AuthContext = { via: 'session', user: OWNER, sessionId: 's1' };
const DAY = 24 * 3600 * 1000;

function setup() {
  const clock = new FakeClock();
  const rows: (ApiTokenRow & { userId: string; tokenHash: string; revokedAt: Date | null })[] = [];
  const touches: string[] = [];
  const audits: unknown[][] = [];
  const pick = ({ id, name, scope, createdAt, lastUsedAt, expiresAt }: ApiTokenRow): ApiTokenRow => ({ id, name, scope, createdAt, lastUsedAt, expiresAt });
  const withUser = (row: (typeof rows)[number]) => ({ ...row, user: { ...OWNER, createdAt: new Date(OWNER.createdAt) } });
  const repository = strictFake<ApiTokensRepository>('ApiTokensRepository', {
    async create(data) {
      const row = { id: rows.length === 0 ? ID : `t${rows.length}`, name: data.name, scope: data.scope, userId: data.userId, tokenHash: data.tokenHash, createdAt: data.createdAt, lastUsedAt: null, expiresAt: data.expiresAt, revokedAt: null };
      rows.push(row);
      return pick(row);
    },
    async listActive(userId, now) {
      return rows.filter((r) => r.userId === userId && !r.revokedAt && (r.expiresAt === null || r.expiresAt > now)).map(pick);
    },
    async findByTokenHash(tokenHash) {
      const row = rows.find((r) => r.tokenHash === tokenHash);
      return row ? withUser(row) : null;
    },
    async findById(id) {
      const row = rows.find((r) => r.id === id);
      return row ? withUser(row) : null;
    },
    async touch(id, at) {
      rows.find((r) => r.id === id)!.lastUsedAt = at;
      touches.push(id);
    },
    async revoke(userId, id, at) {
      const row = rows.find((r) => r.id === id && r.userId === userId && !r.revokedAt);
      if (row) row.revokedAt = at;
      return row ? { name: row.name } : null;
    },
  });
  const users = strictFake<UsersRepository>('UsersRepository', {
    async findById(id) {
      return [OWNER, OTHER].find((u) => u.id === id) ? { ...OWNER, id, createdAt: new Date(OWNER.createdAt) } : null;
    },
  });
  const audit = strictFake<AuditService>('AuditService', {
    async record(...args) {
      audits.push(args);
    },
  });
  const service = new ApiTokenService(repository, users, new SecretTokens(), audit, clock as unknown as Clock);
  return { service, rows, clock, touches, audits };
}

describe('ApiTokenService', () => {
  it('creates fo_pat_ + 32 random bytes, returns it once, stores its SHA-256, and audits the creation', async () => {
    const { service, rows, audits } = setup();
    const created = await service.create(SESSION, { name: 'CI', scope: 'read-write' });
    expect(created).toEqual({ id: ID, name: 'CI', token: expect.stringMatching(/^fo_pat_[A-Za-z0-9_-]{43}$/), scope: 'read-write', createdAt: '2026-11-21T12:00:00.000Z', expiresAt: null });
    expect(Buffer.from(created.token.slice('fo_pat_'.length), 'base64url')).toHaveLength(32);
    expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(audits).toEqual([[OWNER, 'token.create', { type: 'token', id: ID }, { userId: OWNER.id, name: 'CI', scope: 'read-write', expiresAt: null }]]);
    expect(JSON.stringify(audits)).not.toContain(created.token);
  });

  it('refuses to create a token when called with a token', async () => {
    const { service, rows } = setup();
    await expect(service.create({ via: 'token', user: OWNER, tokenId: ID, scope: 'read-write' }, { name: 'x', scope: 'read-write' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(rows).toEqual([]);
  });

  it('lists without secrets', async () => {
    const { service } = setup();
    const { token } = await service.create(SESSION, { name: 'CI', scope: 'read-only' });
    const list = await service.list(OWNER);
    expect(list).toEqual([{ id: ID, name: 'CI', scope: 'read-only', createdAt: '2026-11-21T12:00:00.000Z', lastUsedAt: null, expiresAt: null }]);
    expect(JSON.stringify(list)).not.toContain(token.slice(7));
    expect(await service.list(OTHER)).toEqual([]);
  });

  it('authenticates a live token with its scope and records lastUsedAt at most once a minute', async () => {
    const { service, clock, touches, rows } = setup();
    const { token } = await service.create(SESSION, { name: 'CI', scope: 'read-only' });
    expect(await service.authenticate(token)).toEqual({ id: ID, user: OWNER, scope: 'read-only' });
    clock.advance(59_999);
    await service.authenticate(token);
    expect(touches).toEqual([ID]);
    clock.advance(1);
    await service.authenticate(token);
    expect(touches).toEqual([ID, ID]);
    expect(rows[0]!.lastUsedAt).toEqual(clock.now());
  });

  it('expires a token after expiresInDays: it stops authenticating and leaves the list', async () => {
    const { service, clock } = setup();
    const created = await service.create(SESSION, { name: 'CI', scope: 'read-write', expiresInDays: 7 });
    expect(created.expiresAt).toBe(new Date(clock.now().getTime() + 7 * DAY).toISOString());
    clock.advance(7 * DAY - 1);
    expect(await service.authenticate(created.token)).not.toBeNull();
    expect(await service.stillValid(ID)).toEqual(OWNER);
    clock.advance(1);
    expect(await service.authenticate(created.token)).toBeNull();
    expect(await service.stillValid(ID)).toBeNull();
    expect(await service.list(OWNER)).toEqual([]);
  });

  it('refuses revoked, unknown and malformed tokens', async () => {
    const { service } = setup();
    const { token } = await service.create(SESSION, { name: 'CI', scope: 'read-write' });
    await service.revoke(OWNER, ID);
    expect(await service.authenticate(token)).toBeNull();
    expect(await service.stillValid(ID)).toBeNull();
    expect(await service.authenticate(`fo_pat_${'A'.repeat(43)}`)).toBeNull();
    for (const bad of ['', 'fo_pat_', token.slice(7), `fo_pat_${'A'.repeat(44)}`, `xx_pat_${'A'.repeat(43)}`]) expect(await service.authenticate(bad)).toBeNull();
  });

  it("answers NOT_FOUND for another user's token, an unknown id, a non-uuid and a second revoke; audits the revoke", async () => {
    const { service, audits } = setup();
    await service.create(SESSION, { name: 'CI', scope: 'read-write' });
    await expect(service.revoke(OTHER, ID)).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such token.' });
    await expect(service.revoke(OWNER, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.revoke(OWNER, '0b9f6f3e-3c1a-4a53-9a55-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await service.revoke(OWNER, ID);
    await expect(service.revoke(OWNER, ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(audits.at(-1)).toEqual([OWNER, 'token.revoke', { type: 'token', id: ID }, { userId: OWNER.id, name: 'CI' }]);
  });

  it("lets an admin list and revoke another user's token, and answers NOT_FOUND for an unknown user", async () => {
    const { service, audits } = setup();
    await service.create(SESSION, { name: 'CI', scope: 'read-write' });
    const admin = { ...OTHER, role: 'admin' as const };
    expect((await service.listFor(OWNER.id)).map((t) => t.id)).toEqual([ID]);
    await service.revokeFor(admin, OWNER.id, ID);
    expect(audits.at(-1)).toEqual([admin, 'token.revoke', { type: 'token', id: ID }, { userId: OWNER.id, name: 'CI' }]);
    expect(await service.listFor(OWNER.id)).toEqual([]);
    await expect(service.listFor('0b9f6f3e-3c1a-4a53-9a55-0d6c7b0b9999')).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such user.' });
  });
});

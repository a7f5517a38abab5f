import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { Clock } from '../common/clock';
import { ApiTokenService } from './api-token.service';
import type { ApiTokenRow, ApiTokensRepository } from './api-tokens.repository';
import { SecretTokens } from './secret-tokens';

const OWNER = { id: 'u1', email: 'a@example.com', role: 'owner' as const, createdAt: '2026-01-01T00:00:00.000Z' };
const OTHER = { ...OWNER, id: 'u2', email: 'b@example.com' };
const ID = '0b9f6f3e-3c1a-4a53-9a55-0d6c7b0b1c11';

function setup() {
  const clock = new FakeClock();
  const rows: (ApiTokenRow & { userId: string; tokenHash: string; revokedAt: Date | null })[] = [];
  const touches: string[] = [];
  const repository = strictFake<ApiTokensRepository>('ApiTokensRepository', {
    async create(data) {
      const row = { id: rows.length === 0 ? ID : `t${rows.length}`, name: data.name, userId: data.userId, tokenHash: data.tokenHash, createdAt: data.createdAt, lastUsedAt: null, revokedAt: null };
      rows.push(row);
      return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: null };
    },
    async listActive(userId) {
      return rows.filter((r) => r.userId === userId && !r.revokedAt).map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt }));
    },
    async findByTokenHash(tokenHash) {
      const row = rows.find((r) => r.tokenHash === tokenHash);
      return row ? { ...row, user: { ...OWNER, createdAt: new Date(OWNER.createdAt) } } : null;
    },
    async touch(id, at) {
      rows.find((r) => r.id === id)!.lastUsedAt = at;
      touches.push(id);
    },
    async revoke(userId, id, at) {
      const row = rows.find((r) => r.id === id && r.userId === userId && !r.revokedAt);
      if (row) row.revokedAt = at;
      return Boolean(row);
    },
  });
  return { service: new ApiTokenService(repository, new SecretTokens(), clock as unknown as Clock), rows, clock, touches };
}

describe('ApiTokenService', () => {
  it('creates fo_pat_ + 32 random bytes, returns it once and stores its SHA-256', async () => {
    const { service, rows } = setup();
    const created = await service.create(OWNER, 'CI');
    expect(created).toEqual({ id: ID, name: 'CI', token: expect.stringMatching(/^fo_pat_[A-Za-z0-9_-]{43}$/), createdAt: '2026-11-21T12:00:00.000Z' });
    expect(Buffer.from(created.token.slice('fo_pat_'.length), 'base64url')).toHaveLength(32);
    expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(created.token);
  });

  it('lists without secrets', async () => {
    const { service } = setup();
    const { token } = await service.create(OWNER, 'CI');
    const list = await service.list(OWNER);
    expect(list).toEqual([{ id: ID, name: 'CI', createdAt: '2026-11-21T12:00:00.000Z', lastUsedAt: null }]);
    expect(JSON.stringify(list)).not.toContain(token.slice(7));
    expect(await service.list(OTHER)).toEqual([]);
  });

  it('authenticates a live token and records lastUsedAt at most once a minute', async () => {
    const { service, clock, touches, rows } = setup();
    const { token } = await service.create(OWNER, 'CI');
    expect(await service.authenticate(token)).toEqual({ id: ID, user: OWNER });
    clock.advance(59_999);
    await service.authenticate(token);
    expect(touches).toEqual([ID]);
    clock.advance(1);
    await service.authenticate(token);
    expect(touches).toEqual([ID, ID]);
    expect(rows[0]!.lastUsedAt).toEqual(clock.now());
  });

  it('refuses revoked, unknown and malformed tokens', async () => {
    const { service } = setup();
    const { token } = await service.create(OWNER, 'CI');
    await service.revoke(OWNER, ID);
    expect(await service.authenticate(token)).toBeNull();
    expect(await service.authenticate(`fo_pat_${'A'.repeat(43)}`)).toBeNull();
    for (const bad of ['', 'fo_pat_', token.slice(7), `fo_pat_${'A'.repeat(44)}`, `xx_pat_${'A'.repeat(43)}`]) expect(await service.authenticate(bad)).toBeNull();
  });

  it("answers NOT_FOUND for another user's token, an unknown id, a non-uuid and a second revoke", async () => {
    const { service } = setup();
    await service.create(OWNER, 'CI');
    await expect(service.revoke(OTHER, ID)).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such token.' });
    await expect(service.revoke(OWNER, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.revoke(OWNER, '0b9f6f3e-3c1a-4a53-9a55-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await service.revoke(OWNER, ID);
    await expect(service.revoke(OWNER, ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { Role, User } from '../auth/auth.types';
import type { PasswordHasher } from '../auth/password-hasher';
import type { UserRow } from '../auth/users.repository';
import type { Clock } from '../common/clock';
import type { LiveControl } from '../ingest/live-control';
import type { UserAdminRepository } from './user-admin.repository';
import { UsersService } from './users.service';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const PASSWORD = 'a new password 123';

/** An in-memory users table with the repository's atomic last-owner rule. */
function setup(initial: Role[]) {
  const clock = new FakeClock();
  const rows = new Map<string, UserRow & { passwordHash: string; streamIds: string[] }>();
  const revokedSessionsOf: string[] = [];
  const ended: Array<[string, string]> = [];
  const audits: unknown[][] = [];
  const add = (role: Role, email = `${role}${rows.size}@example.com`) => {
    const row = { id: randomUUID(), email, role, createdAt: T0, passwordHash: 'hash:x', streamIds: [randomUUID()] };
    rows.set(row.id, row);
    return { id: row.id, email, role, createdAt: T0.toISOString() } satisfies User;
  };
  const users = initial.map((role) => add(role));
  const owners = () => [...rows.values()].filter((r) => r.role === 'owner').length;
  const plain = (row: UserRow) => ({ id: row.id, email: row.email, role: row.role, createdAt: row.createdAt });
  const repository = strictFake<UserAdminRepository>('UserAdminRepository', {
    async list() {
      return [...rows.values()].map(plain);
    },
    async find(id) {
      const row = rows.get(id);
      return row ? plain(row) : null;
    },
    async create(data) {
      if ([...rows.values()].some((r) => r.email === data.email)) return null;
      const row = { id: randomUUID(), ...data, createdAt: T0, streamIds: [] };
      rows.set(row.id, row);
      return plain(row);
    },
    async update(id, data, now) {
      const row = rows.get(id);
      if (!row) return null;
      if (row.role === 'owner' && data.role !== undefined && data.role !== 'owner' && owners() <= 1) return 'last-owner';
      if (data.role !== undefined) row.role = data.role;
      if (data.passwordHash !== undefined) {
        row.passwordHash = data.passwordHash;
        revokedSessionsOf.push(`${id}@${now.toISOString()}`);
      }
      return plain(row);
    },
    async delete(id) {
      const row = rows.get(id);
      if (!row) return null;
      if (row.role === 'owner' && owners() <= 1) return 'last-owner';
      rows.delete(id);
      return { user: plain(row), streamIds: row.streamIds };
    },
  });
  const hasher = strictFake<PasswordHasher>('PasswordHasher', {
    async hash(password) {
      return `hash:${password.length}`;
    },
  });
  const ingest = strictFake<LiveControl>('LiveControl', {
    async endStream(streamId, reason) {
      ended.push([streamId, reason]);
    },
  });
  const audit = strictFake<AuditService>('AuditService', {
    async record(...args) {
      audits.push(args);
    },
  });
  const { logger, text } = capturedLogger();
  const service = new UsersService(repository, hasher, ingest, audit, clock as unknown as Clock, logger);
  return { service, rows, users, add, revokedSessionsOf, ended, audits, logs: text };
}

describe('UsersService', () => {
  it('lets an owner create any role, hashing the password, and audits without it', async () => {
    const { service, rows, users, audits, logs } = setup(['owner']);
    const [owner] = users;
    for (const role of ['owner', 'admin', 'member'] as const) {
      const created = await service.create(owner!, { email: `${role}-new@example.com`, password: PASSWORD, role });
      expect(created).toEqual({ id: expect.any(String), email: `${role}-new@example.com`, role, createdAt: T0.toISOString() });
      expect(rows.get(created.id)!.passwordHash).toBe(`hash:${PASSWORD.length}`);
    }
    expect(audits.map((a) => [a[1], a[3]])).toEqual([
      ['user.create', { email: 'owner-new@example.com', role: 'owner' }],
      ['user.create', { email: 'admin-new@example.com', role: 'admin' }],
      ['user.create', { email: 'member-new@example.com', role: 'member' }],
    ]);
    expect(JSON.stringify(audits) + logs()).not.toContain(PASSWORD);
  });

  it('refuses an admin creating an owner (403) and a taken email (409)', async () => {
    const { service, users } = setup(['owner', 'admin']);
    const [owner, admin] = users;
    await expect(service.create(admin!, { email: 'x@example.com', password: PASSWORD, role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN', userMessage: 'Only an owner can create an owner.' });
    expect((await service.create(admin!, { email: 'x@example.com', password: PASSWORD, role: 'admin' })).role).toBe('admin');
    await expect(service.create(owner!, { email: 'x@example.com', password: PASSWORD, role: 'member' })).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it('lets an admin manage admins and members but not promote to owner or touch an owner', async () => {
    const { service, users } = setup(['owner', 'admin', 'admin', 'member']);
    const [owner, admin, otherAdmin, member] = users;
    expect((await service.update(admin!, member!.id, { role: 'admin' })).role).toBe('admin');
    expect((await service.update(admin!, otherAdmin!.id, { role: 'member' })).role).toBe('member');
    await expect(service.update(admin!, member!.id, { role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN', userMessage: 'Only an owner can make someone an owner.' });
    await expect(service.update(admin!, owner!.id, { password: PASSWORD })).rejects.toMatchObject({ code: 'FORBIDDEN', userMessage: 'Only an owner can change an owner.' });
    await expect(service.update(admin!, owner!.id, { role: 'member' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.remove(admin!, owner!.id)).rejects.toMatchObject({ code: 'FORBIDDEN', userMessage: 'Only an owner can delete an owner.' });
    await expect(service.update(admin!, admin!.id, { role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('never leaves the instance without an owner', async () => {
    const { service, users, add } = setup(['owner']);
    const [owner] = users;
    await expect(service.update(owner!, owner!.id, { role: 'admin' })).rejects.toMatchObject({ code: 'LAST_OWNER', userMessage: 'Fanout needs at least one owner. Make someone else an owner first.' });
    const second = add('owner');
    expect((await service.update(owner!, owner!.id, { role: 'admin' })).role).toBe('admin');
    await expect(service.update(second, second.id, { role: 'member' })).rejects.toMatchObject({ code: 'LAST_OWNER' });
  });

  it("refuses to delete yourself (409) before looking the user up; owners delete other owners", async () => {
    const { service, users, rows } = setup(['owner', 'owner', 'admin']);
    const [owner, otherOwner, admin] = users;
    await expect(service.remove(owner!, owner!.id)).rejects.toMatchObject({ code: 'CANNOT_DELETE_SELF', userMessage: 'You cannot delete your own account.' });
    await expect(service.remove(admin!, admin!.id)).rejects.toMatchObject({ code: 'CANNOT_DELETE_SELF' });
    await service.remove(owner!, otherOwner!.id);
    expect(rows.has(otherOwner!.id)).toBe(false);
  });

  it('answers LAST_OWNER when the repository finds the owner was the last one (a concurrent change)', async () => {
    const { service, users, rows } = setup(['owner', 'owner']);
    const [owner, otherOwner] = users;
    rows.get(owner!.id)!.role = 'admin'; // demoted meanwhile; the caller still reads as owner
    await expect(service.remove(owner!, otherOwner!.id)).rejects.toMatchObject({ code: 'LAST_OWNER' });
  });

  it("revokes the user's sessions when their password changes, and not on a role change", async () => {
    const { service, users, rows, revokedSessionsOf, audits } = setup(['owner', 'member']);
    const [owner, member] = users;
    await service.update(owner!, member!.id, { role: 'admin' });
    expect(revokedSessionsOf).toEqual([]);
    await service.update(owner!, member!.id, { password: PASSWORD });
    expect(revokedSessionsOf).toEqual([`${member!.id}@2026-11-21T12:00:00.000Z`]);
    expect(rows.get(member!.id)!.passwordHash).toBe(`hash:${PASSWORD.length}`);
    expect(audits.map((a) => a[3])).toEqual([
      { email: member!.email, role: 'admin', changed: ['role'] },
      { email: member!.email, role: 'admin', changed: ['password'] },
    ]);
  });

  it('stops the live streams of a deleted user and audits the deletion', async () => {
    const { service, users, rows, ended, audits } = setup(['owner', 'member']);
    const [owner, member] = users;
    const streamIds = rows.get(member!.id)!.streamIds;
    await service.remove(owner!, member!.id);
    expect(ended).toEqual(streamIds.map((id) => [id, 'owner deleted']));
    expect(audits).toEqual([[owner, 'user.delete', { type: 'user', id: member!.id }, { email: member!.email, role: 'member' }]]);
  });

  it('answers NOT_FOUND for unknown and malformed ids, and an empty change as a read', async () => {
    const { service, users, audits } = setup(['owner', 'member']);
    const [owner, member] = users;
    for (const id of [randomUUID(), 'nope']) {
      await expect(service.update(owner!, id, { role: 'admin' })).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such user.' });
      await expect(service.remove(owner!, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await service.update(owner!, member!.id, {})).toEqual(member);
    expect(audits).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { strictFake } from '../../test/support/strict-fake';
import type { User } from '../auth/auth.types';
import type { AuditRepository, AuditRow, NewAuditRow } from './audit.repository';
import { AuditService } from './audit.service';

const ACTOR: User = { id: 'u1', email: 'a@example.com', role: 'owner', createdAt: '2026-01-01T00:00:00.000Z' };

/** Entries e0 (oldest) ... e{n-1} (newest); the fake pages like the repository: newest first, after the cursor. */
function setup(count: number) {
  const created: NewAuditRow[] = [];
  const rows: AuditRow[] = Array.from({ length: count }, (_, i) => ({
    id: `e${i}`,
    action: 'stream.create',
    targetType: 'stream',
    targetId: `s${i}`,
    metadata: { name: `S${i}` },
    createdAt: new Date(Date.UTC(2026, 10, 21, 12, 0, i)),
    actor: i % 2 ? { id: ACTOR.id, email: ACTOR.email } : null,
  })).reverse();
  const repository = strictFake<AuditRepository>('AuditRepository', {
    async create(data) {
      created.push(data);
    },
    async page(take, cursor, filter = {}) {
      const matching = rows.filter((r) => (filter.actorId === undefined || r.actor?.id === filter.actorId) && (filter.action === undefined || r.action === filter.action));
      const start = cursor === undefined ? 0 : matching.findIndex((r) => r.id === cursor) + 1;
      return cursor !== undefined && start === 0 ? [] : matching.slice(start, start + take);
    },
  });
  const { logger, text } = capturedLogger();
  return { service: new AuditService(repository, logger), created, logs: text };
}

describe('AuditService', () => {
  it('records the actor, action, target and metadata, and logs the fact', async () => {
    const { service, created, logs } = setup(0);
    await service.record(ACTOR, 'destination.update', { type: 'destination', id: 'd1' }, { changed: ['name'] });
    expect(created).toEqual([{ actorId: 'u1', action: 'destination.update', targetType: 'destination', targetId: 'd1', metadata: { changed: ['name'] } }]);
    expect(logs()).toContain('"action":"destination.update"');
  });

  it('pages newest first, with a cursor until the last page', async () => {
    const { service } = setup(5);
    const first = await service.page({ limit: 2 });
    expect(first.entries.map((e) => e.id)).toEqual(['e4', 'e3']);
    expect(first.nextCursor).toBe('e3');
    const second = await service.page({ limit: 2, cursor: 'e3' });
    expect(second).toMatchObject({ entries: [{ id: 'e2' }, { id: 'e1' }], nextCursor: 'e1' });
    const last = await service.page({ limit: 2, cursor: 'e1' });
    expect(last.entries.map((e) => e.id)).toEqual(['e0']);
    expect(last.nextCursor).toBeNull();
    expect(last.entries[0]).toEqual({ id: 'e0', actor: null, action: 'stream.create', targetType: 'stream', targetId: 's0', metadata: { name: 'S0' }, createdAt: '2026-11-21T12:00:00.000Z' });
  });

  it("pages one user's entries with their cursor, and hands the filter to the repository", async () => {
    const { service } = setup(6);
    const first = await service.page({ limit: 2, actorId: ACTOR.id });
    expect(first.entries.map((e) => e.id)).toEqual(['e5', 'e3']);
    expect(first.nextCursor).toBe('e3');
    const last = await service.page({ limit: 2, actorId: ACTOR.id, cursor: 'e3' });
    expect(last).toMatchObject({ entries: [{ id: 'e1' }], nextCursor: null });
    expect((await service.page({ limit: 5, action: 'stream.delete' })).entries).toEqual([]);
  });

  it('ends without a cursor when the page is exactly full', async () => {
    const { service } = setup(2);
    expect((await service.page({ limit: 2 })).nextCursor).toBeNull();
    expect(await service.page({ limit: 2, cursor: 'unknown' })).toEqual({ entries: [], nextCursor: null });
  });
});

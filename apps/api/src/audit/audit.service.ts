import { Inject, Injectable } from '@nestjs/common';
import type { AuditAction, AuditEntry, AuditPage, AuditTargetType } from '@fanout/contracts';
import type { User } from '../auth/auth.types';
import { LOGGER, type Logger } from '../logging/logger';
import { AuditRepository, type AuditRow } from './audit.repository';

/** Non-secret facts about a change: names, roles, field lists. */
export type AuditMetadata = Record<string, string | number | boolean | null | string[]>;

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The audit trail: every service that changes something records who did what to which
 * resource, after the change succeeded, and sign-in records every attempt. Callers pass only
 * non-secret metadata.
 */
@Injectable()
export class AuditService {
  private readonly log: Logger;

  constructor(
    private readonly audit: AuditRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'audit' });
  }

  /** `actor` is null when nobody is signed in (a failed sign-in for an unknown email). */
  async record(actor: User | null, action: AuditAction, target: { type: AuditTargetType; id: string | null }, metadata: AuditMetadata = {}): Promise<void> {
    await this.audit.create({ actorId: actor?.id ?? null, action, targetType: target.type, targetId: target.id, metadata });
    this.log.info({ actorId: actor?.id ?? null, action, targetType: target.type, targetId: target.id }, 'audit');
  }

  /** One page, newest first, optionally one user's and/or one action's: `nextCursor` is set when there may be older entries. */
  async page(query: { cursor?: string | undefined; limit: number; actorId?: string | undefined; action?: string | undefined }): Promise<AuditPage> {
    const rows = await this.audit.page(query.limit + 1, query.cursor, { actorId: query.actorId, action: query.action });
    const entries = rows.slice(0, query.limit).map(toEntry);
    return { entries, nextCursor: rows.length > query.limit ? entries.at(-1)!.id : null };
  }
}

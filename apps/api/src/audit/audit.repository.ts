import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';

export interface AuditRow {
  id: string;
  action: string;
  targetType: string;
  targetId: string | null;
  metadata: unknown;
  createdAt: Date;
  actor: { id: string; email: string } | null;
}

export interface NewAuditRow {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  metadata: Prisma.InputJsonObject;
}

/** Only one user's entries, and/or one action. */
export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
}

const ENTRY = { id: true, action: true, targetType: true, targetId: true, metadata: true, createdAt: true, actor: { select: { id: true, email: true } } } as const;

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(data: NewAuditRow): Promise<void> {
    await this.prisma.client.auditLog.create({ data, select: { id: true } });
  }

  /**
   * Newest first; `take` rows after the entry `cursor` (exclusive), only those matching `filter`.
   * An unknown cursor yields nothing.
   */
  page(take: number, cursor: string | undefined, filter: AuditFilter = {}): Promise<AuditRow[]> {
    return this.prisma.client.auditLog.findMany({
      select: ENTRY,
      where: { ...(filter.actorId !== undefined ? { actorId: filter.actorId } : {}), ...(filter.action !== undefined ? { action: filter.action } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }
}

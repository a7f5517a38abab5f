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

const ENTRY = { id: true, action: true, targetType: true, targetId: true, metadata: true, createdAt: true, actor: { select: { id: true, email: true } } } as const;

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(data: NewAuditRow): Promise<void> {
    await this.prisma.client.auditLog.create({ data, select: { id: true } });
  }

  /** Newest first; `take` rows after the entry `cursor` (exclusive). An unknown cursor yields nothing. */
  page(take: number, cursor: string | undefined): Promise<AuditRow[]> {
    return this.prisma.client.auditLog.findMany({
      select: ENTRY,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { UserRow } from './users.repository';

export interface ApiTokenRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

// Explicit selects: tokenHash never leaves this file except as a lookup key.
const TOKEN = { id: true, name: true, createdAt: true, lastUsedAt: true } as const;

@Injectable()
export class ApiTokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { userId: string; name: string; tokenHash: string; createdAt: Date }): Promise<ApiTokenRow> {
    return this.prisma.client.apiToken.create({ data, select: TOKEN });
  }

  listActive(userId: string): Promise<ApiTokenRow[]> {
    return this.prisma.client.apiToken.findMany({ where: { userId, revokedAt: null }, select: TOKEN, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  findByTokenHash(tokenHash: string): Promise<(ApiTokenRow & { revokedAt: Date | null; user: UserRow }) | null> {
    return this.prisma.client.apiToken.findUnique({
      where: { tokenHash },
      select: { ...TOKEN, revokedAt: true, user: { select: { id: true, email: true, role: true, createdAt: true } } },
    });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.client.apiToken.update({ where: { id }, data: { lastUsedAt: at }, select: { id: true } });
  }

  /** Revoke one of the user's live tokens; false when there is no such token. */
  async revoke(userId: string, id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.client.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: at } });
    return count > 0;
  }
}

import { Injectable } from '@nestjs/common';
import type { ApiTokenScope } from '@fanout/contracts';
import { PrismaService } from '../database/prisma.service';
import { USER, type UserRow } from './users.repository';

export interface ApiTokenRow {
  id: string;
  name: string;
  scope: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export type ApiTokenAuthRow = ApiTokenRow & { revokedAt: Date | null; user: UserRow };

// Explicit selects: tokenHash never leaves this file except as a lookup key.
const TOKEN = { id: true, name: true, scope: true, createdAt: true, lastUsedAt: true, expiresAt: true } as const;
const TOKEN_AUTH = { ...TOKEN, revokedAt: true, user: { select: USER } } as const;

@Injectable()
export class ApiTokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { userId: string; name: string; tokenHash: string; scope: ApiTokenScope; createdAt: Date; expiresAt: Date | null }): Promise<ApiTokenRow> {
    return this.prisma.client.apiToken.create({ data, select: TOKEN });
  }

  /** A user's tokens that are neither revoked nor expired, newest first. */
  listActive(userId: string, now: Date): Promise<ApiTokenRow[]> {
    return this.prisma.client.apiToken.findMany({
      where: { userId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      select: TOKEN,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
  }

  findByTokenHash(tokenHash: string): Promise<ApiTokenAuthRow | null> {
    return this.prisma.client.apiToken.findUnique({ where: { tokenHash }, select: TOKEN_AUTH });
  }

  findById(id: string): Promise<ApiTokenAuthRow | null> {
    return this.prisma.client.apiToken.findUnique({ where: { id }, select: TOKEN_AUTH });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.client.apiToken.update({ where: { id }, data: { lastUsedAt: at }, select: { id: true } });
  }

  /** Revoke one of the user's live tokens; the revoked token, or null when there is no such token. */
  async revoke(userId: string, id: string, at: Date): Promise<{ name: string } | null> {
    const { count } = await this.prisma.client.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: at } });
    if (count === 0) return null;
    return this.prisma.client.apiToken.findUnique({ where: { id }, select: { name: true } });
  }
}

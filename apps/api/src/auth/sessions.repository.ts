import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { USER, type UserRow } from './users.repository';

export interface SessionRow {
  id: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date;
  user: UserRow;
}

export interface SessionListRow {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

const SESSION = { id: true, expiresAt: true, revokedAt: true, lastSeenAt: true, user: { select: USER } } as const;

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(data: { userId: string; tokenHash: string; expiresAt: Date; lastSeenAt: Date; userAgent: string | null; ip: string | null }): Promise<{ id: string }> {
    return this.prisma.client.session.create({ data: { ...data, createdAt: data.lastSeenAt }, select: { id: true } });
  }

  findByTokenHash(tokenHash: string): Promise<SessionRow | null> {
    return this.prisma.client.session.findUnique({ where: { tokenHash }, select: SESSION });
  }

  findById(id: string): Promise<SessionRow | null> {
    return this.prisma.client.session.findUnique({ where: { id }, select: SESSION });
  }

  /** A user's sessions that are neither revoked nor expired, most recently used first. */
  listLive(userId: string, now: Date): Promise<SessionListRow[]> {
    return this.prisma.client.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: now } },
      select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true, ip: true },
      orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }],
    });
  }

  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.prisma.client.session.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt, expiresAt } });
  }

  /** Revokes every live session of `userId` but `keep`; returns how many. */
  async revokeOthers(userId: string, keep: string, at: Date): Promise<number> {
    const { count } = await this.prisma.client.session.updateMany({ where: { userId, revokedAt: null, id: { not: keep } }, data: { revokedAt: at } });
    return count;
  }

  /** Revoke a live session; with `userId`, only if it is that user's. False when there was none. */
  async revoke(id: string, at: Date, userId?: string): Promise<boolean> {
    const { count } = await this.prisma.client.session.updateMany({ where: { id, revokedAt: null, ...(userId ? { userId } : {}) }, data: { revokedAt: at } });
    return count > 0;
  }
}

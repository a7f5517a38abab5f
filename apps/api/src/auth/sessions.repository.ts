import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { UserRow } from './users.repository';

export interface SessionRow {
  id: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date;
  user: UserRow;
}

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(data: { userId: string; tokenHash: string; expiresAt: Date; lastSeenAt: Date; userAgent: string | null; ip: string | null }): Promise<{ id: string }> {
    return this.prisma.client.session.create({ data: { ...data, createdAt: data.lastSeenAt }, select: { id: true } });
  }

  findByTokenHash(tokenHash: string): Promise<SessionRow | null> {
    return this.prisma.client.session.findUnique({
      where: { tokenHash },
      select: { id: true, expiresAt: true, revokedAt: true, lastSeenAt: true, user: { select: { id: true, email: true, role: true, createdAt: true } } },
    });
  }

  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.prisma.client.session.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt, expiresAt } });
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.prisma.client.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }
}

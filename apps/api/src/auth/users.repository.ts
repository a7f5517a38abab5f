import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import type { Role } from './auth.types';

export interface UserRow {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
}

export const USER = { id: true, email: true, role: true, createdAt: true } as const;

/** Arbitrary constant: serialises concurrent first-run setups (pg_advisory_xact_lock). */
const SETUP_LOCK = 72_616_002;

/**
 * A new password ends every other way in: each live session except `keepSessionId` (the one
 * that changed it, if any) and every API token. Answers how many of each were revoked.
 */
export async function revokeCredentials(tx: Prisma.TransactionClient, userId: string, now: Date, keepSessionId?: string): Promise<{ sessions: number; tokens: number }> {
  const sessions = await tx.session.updateMany({ where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) }, data: { revokedAt: now } });
  const tokens = await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  return { sessions: sessions.count, tokens: tokens.count };
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async any(): Promise<boolean> {
    return (await this.prisma.client.user.findFirst({ select: { id: true } })) !== null;
  }

  findByEmailWithHash(email: string): Promise<(UserRow & { passwordHash: string }) | null> {
    return this.prisma.client.user.findUnique({ where: { email }, select: { ...USER, passwordHash: true } });
  }

  findById(id: string): Promise<UserRow | null> {
    return this.prisma.client.user.findUnique({ where: { id }, select: USER });
  }

  findByIdWithHash(id: string): Promise<(UserRow & { passwordHash: string }) | null> {
    return this.prisma.client.user.findUnique({ where: { id }, select: { ...USER, passwordHash: true } });
  }

  /** Set a user's own new password and revoke their other sessions and every token, atomically. Null when the user is gone. */
  changePassword(id: string, passwordHash: string, keepSessionId: string, now: Date): Promise<{ sessions: number; tokens: number } | null> {
    return this.prisma.client.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({ where: { id }, data: { passwordHash } });
      if (count === 0) return null;
      return revokeCredentials(tx, id, now, keepSessionId);
    });
  }

  /**
   * Create the owner only if no user exists yet, or return null. The transaction-scoped
   * advisory lock makes "count, then insert" atomic across concurrent requests (and API
   * processes sharing the database), which a unique index alone could not for different emails.
   */
  createFirstOwner(email: string, passwordHash: string): Promise<UserRow | null> {
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
      if ((await tx.user.count()) > 0) return null;
      return tx.user.create({ data: { email, passwordHash, role: 'owner' }, select: USER });
    });
  }
}

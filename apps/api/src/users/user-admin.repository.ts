import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Role } from '../auth/auth.types';
import { revokeCredentials, type UserRow } from '../auth/users.repository';
import { isPrismaError } from '../common/prisma-errors';

const USER = { id: true, email: true, role: true, createdAt: true } as const;

/**
 * Arbitrary constant: serialises changes that could remove the last owner
 * (pg_advisory_xact_lock), so two concurrent demotions cannot both pass the count.
 */
const OWNERS_LOCK = 72_616_003;

export type OwnerGuarded<T> = T | 'last-owner' | null;

/** User management for owners and admins (sign-in has its own UsersRepository in auth/). */
@Injectable()
export class UserAdminRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(): Promise<UserRow[]> {
    return this.prisma.client.user.findMany({ select: USER, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  find(id: string): Promise<UserRow | null> {
    return this.prisma.client.user.findUnique({ where: { id }, select: USER });
  }

  /** Null when the email is taken. */
  async create(data: { email: string; passwordHash: string; role: Role }): Promise<UserRow | null> {
    try {
      return await this.prisma.client.user.create({ data, select: USER });
    } catch (error) {
      if (isPrismaError(error, 'P2002')) return null;
      throw error;
    }
  }

  /**
   * Change role and/or password in one transaction. A new password revokes every live
   * session and every API token of the user. 'last-owner' when it would demote the only owner; null when gone.
   */
  update(id: string, data: { role?: Role; passwordHash?: string }, now: Date): Promise<OwnerGuarded<UserRow>> {
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OWNERS_LOCK})`;
      const current = await tx.user.findUnique({ where: { id }, select: USER });
      if (!current) return null;
      if (current.role === 'owner' && data.role !== undefined && data.role !== 'owner' && (await tx.user.count({ where: { role: 'owner' } })) <= 1) return 'last-owner';
      const row = await tx.user.update({ where: { id }, data, select: USER });
      if (data.passwordHash !== undefined) await revokeCredentials(tx, id, now);
      return row;
    });
  }

  /**
   * Delete the user and (cascade) their sessions, tokens, streams and destinations; answers
   * the ids of the streams that went with them. 'last-owner' for the only owner; null when gone.
   */
  delete(id: string): Promise<OwnerGuarded<{ user: UserRow; streamIds: string[] }>> {
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OWNERS_LOCK})`;
      const current = await tx.user.findUnique({ where: { id }, select: { ...USER, streams: { select: { id: true } } } });
      if (!current) return null;
      if (current.role === 'owner' && (await tx.user.count({ where: { role: 'owner' } })) <= 1) return 'last-owner';
      await tx.user.delete({ where: { id }, select: { id: true } });
      const { streams, ...user } = current;
      return { user, streamIds: streams.map((s) => s.id) };
    });
  }
}

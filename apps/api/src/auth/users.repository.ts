import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Role } from './auth.types';

export interface UserRow {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
}

const USER = { id: true, email: true, role: true, createdAt: true } as const;

/** Arbitrary constant: serialises concurrent first-run setups (pg_advisory_xact_lock). */
const SETUP_LOCK = 72_616_002;

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async any(): Promise<boolean> {
    return (await this.prisma.client.user.findFirst({ select: { id: true } })) !== null;
  }

  findByEmailWithHash(email: string): Promise<(UserRow & { passwordHash: string }) | null> {
    return this.prisma.client.user.findUnique({ where: { email }, select: { ...USER, passwordHash: true } });
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

import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { isPrismaError, orNullIfMissing } from '../common/prisma-errors';
import type { Role } from '../auth/auth.types';

export interface DestinationRow {
  id: string;
  streamId: string;
  name: string;
  platform: string;
  url: string;
  /** AES-GCM ciphertext; the service decrypts it only to mask it. */
  keyCiphertext: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface DestinationChanges {
  name?: string;
  platform?: string;
  url?: string;
  keyCiphertext?: string;
  enabled?: boolean;
}

/** Who owns a stream, and their role (it decides which addresses its destinations may use). */
export interface StreamOwner {
  ownerId: string;
  ownerRole: Role;
}

const DESTINATION = { id: true, streamId: true, name: true, platform: true, url: true, keyCiphertext: true, enabled: true, createdAt: true, updatedAt: true } as const;
const OWNER = { ownerId: true, owner: { select: { role: true } } } as const;

@Injectable()
export class DestinationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A stream's destinations in the order they were added (the engine's order too). */
  listForStream(streamId: string): Promise<DestinationRow[]> {
    return this.prisma.client.destination.findMany({ where: { streamId }, select: DESTINATION, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /**
   * A stream's destinations as the engine needs them: with their key ciphertext and the owner's
   * role (it decides the address policy), the same order as {@link listForStream}, at most `max`
   * (one more is read, so the caller can tell when there are more).
   */
  async listForEngine(streamId: string, max: number): Promise<{ rows: DestinationRow[]; ownerRole: Role | undefined; more: boolean }> {
    const rows = await this.prisma.client.destination.findMany({
      where: { streamId },
      select: { ...DESTINATION, stream: { select: { owner: { select: { role: true } } } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: max + 1,
    });
    return { rows: rows.slice(0, max).map(({ stream: _stream, ...row }) => row), ownerRole: rows[0]?.stream.owner.role, more: rows.length > max };
  }

  async streamOwner(streamId: string): Promise<StreamOwner | null> {
    const row = await this.prisma.client.stream.findUnique({ where: { id: streamId }, select: OWNER });
    return row ? { ownerId: row.ownerId, ownerRole: row.owner.role } : null;
  }

  /** With the owner of its stream, for the access check and the address policy. */
  async find(id: string): Promise<(DestinationRow & { stream: StreamOwner }) | null> {
    const row = await this.prisma.client.destination.findUnique({ where: { id }, select: { ...DESTINATION, stream: { select: OWNER } } });
    if (!row) return null;
    const { stream, ...destination } = row;
    return { ...destination, stream: { ownerId: stream.ownerId, ownerRole: stream.owner.role } };
  }

  /**
   * Null when the stream was deleted meanwhile; 'limit' when it already has `max` destinations.
   * The stream row is locked for the count, so concurrent creates cannot both pass it.
   */
  async create(data: { streamId: string; name: string; platform: string; url: string; keyCiphertext: string; enabled: boolean }, max: number): Promise<DestinationRow | 'limit' | null> {
    try {
      return await this.prisma.client.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM streams WHERE id = ${data.streamId}::uuid FOR UPDATE`;
        if (locked.length === 0) return null;
        if ((await tx.destination.count({ where: { streamId: data.streamId } })) >= max) return 'limit';
        return tx.destination.create({ data, select: DESTINATION });
      });
    } catch (error) {
      if (isPrismaError(error, 'P2003')) return null;
      throw error;
    }
  }

  /** Null when the destination is gone. */
  update(id: string, data: DestinationChanges): Promise<DestinationRow | null> {
    return orNullIfMissing(this.prisma.client.destination.update({ where: { id }, data, select: DESTINATION }));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.prisma.client.destination.deleteMany({ where: { id } })).count > 0;
  }
}

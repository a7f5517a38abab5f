import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { isPrismaError, orNullIfMissing } from '../common/prisma-errors';

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

const DESTINATION = { id: true, streamId: true, name: true, platform: true, url: true, keyCiphertext: true, enabled: true, createdAt: true, updatedAt: true } as const;

@Injectable()
export class DestinationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A stream's destinations in the order they were added (the engine's order too). */
  listForStream(streamId: string): Promise<DestinationRow[]> {
    return this.prisma.client.destination.findMany({ where: { streamId }, select: DESTINATION, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** With the owner of its stream, for the access check. */
  find(id: string): Promise<(DestinationRow & { stream: { ownerId: string } }) | null> {
    return this.prisma.client.destination.findUnique({ where: { id }, select: { ...DESTINATION, stream: { select: { ownerId: true } } } });
  }

  /** Null when the stream was deleted meanwhile (foreign key violation). */
  async create(data: { streamId: string; name: string; platform: string; url: string; keyCiphertext: string; enabled: boolean }): Promise<DestinationRow | null> {
    try {
      return await this.prisma.client.destination.create({ data, select: DESTINATION });
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

import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import { orNullIfMissing } from '../common/prisma-errors';

export interface StreamRow {
  id: string;
  ownerId: string;
  name: string;
  settings: unknown;
  createdAt: Date;
  updatedAt: Date;
}

// Explicit selects: keyHash never leaves the database, keyCiphertext only through findWithKey.
const STREAM = { id: true, ownerId: true, name: true, settings: true, createdAt: true, updatedAt: true } as const;

@Injectable()
export class StreamsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every stream, or one user's; oldest first. */
  list(ownerId: string | undefined): Promise<StreamRow[]> {
    return this.prisma.client.stream.findMany({ where: ownerId === undefined ? {} : { ownerId }, select: STREAM, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  find(id: string): Promise<StreamRow | null> {
    return this.prisma.client.stream.findUnique({ where: { id }, select: STREAM });
  }

  findWithKey(id: string): Promise<(StreamRow & { keyCiphertext: string }) | null> {
    return this.prisma.client.stream.findUnique({ where: { id }, select: { ...STREAM, keyCiphertext: true } });
  }

  create(data: { ownerId: string; name: string; keyHash: string; keyCiphertext: string }): Promise<StreamRow> {
    return this.prisma.client.stream.create({ data, select: STREAM });
  }

  /** Null when the stream is gone. */
  update(id: string, data: { name?: string; settings?: Prisma.InputJsonObject }): Promise<StreamRow | null> {
    return orNullIfMissing(this.prisma.client.stream.update({ where: { id }, data, select: STREAM }));
  }

  /** Replace the key; the old one stops matching at once. Null when the stream is gone. */
  setKey(id: string, keyHash: string, keyCiphertext: string): Promise<StreamRow | null> {
    return orNullIfMissing(this.prisma.client.stream.update({ where: { id }, data: { keyHash, keyCiphertext }, select: STREAM }));
  }

  /** Deletes the stream and (cascade) its destinations; false when it was already gone. */
  async delete(id: string): Promise<boolean> {
    return (await this.prisma.client.stream.deleteMany({ where: { id } })).count > 0;
  }
}

import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import { orNullIfMissing } from '../common/prisma-errors';

export interface StreamRow {
  id: string;
  ownerId: string;
  name: string;
  settings: unknown;
  record: boolean;
  graceSeconds: number | null;
  slate: boolean;
  slateImage: string | null;
  createdAt: Date;
  updatedAt: Date;
  keyRotatedAt: Date | null;
  oldKeyAddress: string | null;
  oldKeySeenAt: Date | null;
}

/** Which encoder a key is for: the primary's, or the backup's. */
export type KeyRole = 'primary' | 'backup';

/** What a stream key's lookup hash matched: a current key, or one replaced at `rotatedAt`. */
export type KeyMatch = { kind: 'current'; streamId: string; role: KeyRole } | { kind: 'replaced'; streamId: string; role: KeyRole; rotatedAt: Date };

/** How long a replaced key is still recognised. */
export const REPLACED_KEY_MEMORY_MS = 24 * 3600_000;

// Explicit selects: key hashes never leave the database, keyCiphertext only through findWithKey.
const STREAM = { id: true, ownerId: true, name: true, settings: true, record: true, graceSeconds: true, slate: true, slateImage: true, createdAt: true, updatedAt: true, keyRotatedAt: true, oldKeyAddress: true, oldKeySeenAt: true } as const;

@Injectable()
export class StreamsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every stream, or one user's; oldest first. */
  list(ownerId: string | undefined): Promise<StreamRow[]> {
    return this.prisma.client.stream.findMany({ where: ownerId === undefined ? {} : { ownerId }, select: STREAM, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /**
   * The stream a stream key's lookup hash belongs to (the ingest's question: never a scan of
   * plaintext keys), in one query: its current key, or the key it had before a rotation in the
   * last {@link REPLACED_KEY_MEMORY_MS}.
   */
  async matchKeyHash(keyHash: string, now: Date): Promise<KeyMatch | undefined> {
    const recent = { gt: new Date(now.getTime() - REPLACED_KEY_MEMORY_MS) };
    const row = await this.prisma.client.stream.findFirst({
      where: { OR: [{ keyHash }, { backupKeyHash: keyHash }, { previousKeyHash: keyHash, keyRotatedAt: recent }, { previousBackupKeyHash: keyHash, backupKeyRotatedAt: recent }] },
      select: { id: true, keyHash: true, backupKeyHash: true, previousKeyHash: true, previousBackupKeyHash: true, keyRotatedAt: true, backupKeyRotatedAt: true },
    });
    if (!row) return undefined;
    if (row.keyHash === keyHash) return { kind: 'current', streamId: row.id, role: 'primary' };
    if (row.backupKeyHash === keyHash) return { kind: 'current', streamId: row.id, role: 'backup' };
    if (row.previousKeyHash === keyHash && row.keyRotatedAt !== null) return { kind: 'replaced', streamId: row.id, role: 'primary', rotatedAt: row.keyRotatedAt };
    if (row.previousBackupKeyHash === keyHash && row.backupKeyRotatedAt !== null) return { kind: 'replaced', streamId: row.id, role: 'backup', rotatedAt: row.backupKeyRotatedAt };
    return undefined;
  }

  /** An encoder at `address` tried the replaced key: the stream page says so. */
  async noteOldKeyUse(streamId: string, address: string, at: Date): Promise<void> {
    await this.prisma.client.stream.updateMany({ where: { id: streamId }, data: { oldKeyAddress: address, oldKeySeenAt: at } });
  }

  /** Names and owners of the streams with these ids (those that still exist). */
  namesOf(ids: readonly string[]): Promise<{ id: string; name: string; ownerId: string }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.client.stream.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, ownerId: true } });
  }

  find(id: string): Promise<StreamRow | null> {
    return this.prisma.client.stream.findUnique({ where: { id }, select: STREAM });
  }

  findWithKey(id: string): Promise<(StreamRow & { keyCiphertext: string; backupKeyCiphertext: string | null }) | null> {
    return this.prisma.client.stream.findUnique({ where: { id }, select: { ...STREAM, keyCiphertext: true, backupKeyCiphertext: true } });
  }

  create(data: { ownerId: string; name: string; keyHash: string; keyCiphertext: string; backupKeyHash?: string; backupKeyCiphertext?: string; record?: boolean }): Promise<StreamRow> {
    return this.prisma.client.stream.create({ data, select: STREAM });
  }

  /** Null when the stream is gone. */
  update(id: string, data: { name?: string; settings?: Prisma.InputJsonObject; record?: boolean; graceSeconds?: number | null; slate?: boolean; slateImage?: string | null }): Promise<StreamRow | null> {
    return orNullIfMissing(this.prisma.client.stream.update({ where: { id }, data, select: STREAM }));
  }

  /**
   * Replace the key: the old one stops authorising publishes at once, and is remembered as the
   * replaced key (its lookup hash only). Null when the stream is gone.
   */
  async setKey(id: string, keyHash: string, keyCiphertext: string, at: Date): Promise<StreamRow | null> {
    const current = await this.prisma.client.stream.findUnique({ where: { id }, select: { keyHash: true } });
    if (!current) return null;
    return orNullIfMissing(
      this.prisma.client.stream.update({
        where: { id },
        data: { keyHash, keyCiphertext, previousKeyHash: current.keyHash, keyRotatedAt: at, oldKeyAddress: null, oldKeySeenAt: null },
        select: STREAM,
      }),
    );
  }

  /**
   * Replace the backup key (or give a stream made before backup keys its first): the old one is
   * remembered as replaced, like the primary's. Null when the stream is gone.
   */
  async setBackupKey(id: string, backupKeyHash: string, backupKeyCiphertext: string, at: Date | null): Promise<StreamRow | null> {
    const current = await this.prisma.client.stream.findUnique({ where: { id }, select: { backupKeyHash: true } });
    if (!current) return null;
    const rotation = at !== null && current.backupKeyHash !== null ? { previousBackupKeyHash: current.backupKeyHash, backupKeyRotatedAt: at } : {};
    return orNullIfMissing(this.prisma.client.stream.update({ where: { id }, data: { backupKeyHash, backupKeyCiphertext, ...rotation }, select: STREAM }));
  }

  /** Deletes the stream and (cascade) its destinations; false when it was already gone. */
  async delete(id: string): Promise<boolean> {
    return (await this.prisma.client.stream.deleteMany({ where: { id } })).count > 0;
  }
}

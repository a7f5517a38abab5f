import { Injectable } from '@nestjs/common';
import { platformPreset } from '@fanout/contracts';
import type { DestinationSpec } from '@fanout/restream';
import { PrismaService } from '../database/prisma.service';
import { Secrets } from '../crypto/secrets';

/**
 * A stream's destinations as the engine needs them: the key decrypted (in memory only)
 * and the platform's rules attached, so the engine can warn when the ingest breaks them.
 */
@Injectable()
export class DestinationSpecs {
  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: Secrets,
  ) {}

  async forStream(streamId: string): Promise<DestinationSpec[]> {
    const rows = await this.prisma.client.destination.findMany({
      where: { streamId },
      orderBy: { createdAt: 'asc' },
      omit: { keyCiphertext: false },
    });
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      url: row.url,
      streamKey: this.secrets.decrypt(row.keyCiphertext),
      enabled: row.enabled,
      rules: platformPreset(row.platform).rules,
    }));
  }
}

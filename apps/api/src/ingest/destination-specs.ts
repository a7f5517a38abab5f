import { Inject, Injectable } from '@nestjs/common';
import { platformPreset } from '@fanout/contracts';
import type { DestinationSpec } from '@fanout/restream';
import { CONFIG, type Config } from '../config/config';
import { PrismaService } from '../database/prisma.service';
import { Secrets } from '../crypto/secrets';
import { privateAddressesAllowed } from '../destinations/destination-address';
import { LOGGER, type Logger } from '../logging/logger';
import { HostResolver, policyLookup } from '../net/destination-lookup';

/**
 * A stream's destinations as the engine needs them: the key decrypted (in memory only), the
 * platform's rules attached (so the engine can warn when the ingest breaks them), and a lookup
 * that resolves each server at every connection and refuses private addresses unless the
 * stream's owner may use them; the socket connects to the address that was checked.
 * At most MAX_DESTINATIONS_PER_STREAM, oldest first, even if more rows exist.
 */
@Injectable()
export class DestinationSpecs {
  private readonly log: Logger;

  constructor(
    private readonly prisma: PrismaService,
    private readonly secrets: Secrets,
    private readonly resolver: HostResolver,
    @Inject(CONFIG) private readonly config: Pick<Config, 'ALLOW_PRIVATE_DESTINATIONS' | 'MAX_DESTINATIONS_PER_STREAM'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'ingest' });
  }

  async forStream(streamId: string): Promise<DestinationSpec[]> {
    // One query, as before: the owner's role comes with each row (it decides the address policy).
    const rows = await this.prisma.client.destination.findMany({
      where: { streamId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      omit: { keyCiphertext: false },
      include: { stream: { select: { owner: { select: { role: true } } } } },
      take: this.config.MAX_DESTINATIONS_PER_STREAM + 1,
    });
    if (rows.length > this.config.MAX_DESTINATIONS_PER_STREAM) {
      this.log.warn({ streamId, max: this.config.MAX_DESTINATIONS_PER_STREAM }, 'stream has more destinations than MAX_DESTINATIONS_PER_STREAM: the newest are not connected');
    }
    const ownerRole = rows[0]?.stream.owner.role;
    const lookup = policyLookup(this.resolver, ownerRole !== undefined && privateAddressesAllowed(ownerRole, this.config));
    return rows.slice(0, this.config.MAX_DESTINATIONS_PER_STREAM).map((row) => ({
      id: row.id,
      name: row.name,
      url: row.url,
      streamKey: this.secrets.decrypt(row.keyCiphertext),
      enabled: row.enabled,
      rules: platformPreset(row.platform).rules,
      lookup,
    }));
  }
}

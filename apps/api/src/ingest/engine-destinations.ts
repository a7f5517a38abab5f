import { Inject, Injectable } from '@nestjs/common';
import { platformPreset } from '@fanout/contracts';
import type { DestinationSpec } from '@fanout/restream';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import { privateAddressesAllowed } from '../destinations/destination-address';
import { DestinationsRepository } from '../destinations/destinations.repository';
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
export class EngineDestinations {
  private readonly log: Logger;

  constructor(
    private readonly destinations: DestinationsRepository,
    private readonly secrets: Secrets,
    private readonly resolver: HostResolver,
    @Inject(CONFIG) private readonly config: Pick<Config, 'ALLOW_PRIVATE_DESTINATIONS' | 'MAX_DESTINATIONS_PER_STREAM'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'ingest' });
  }

  /** One destination of the stream as the engine would get it (a connection test), or undefined. */
  async forDestination(streamId: string, destinationId: string): Promise<DestinationSpec | undefined> {
    return (await this.forStream(streamId)).find((spec) => spec.id === destinationId);
  }

  async forStream(streamId: string): Promise<DestinationSpec[]> {
    const max = this.config.MAX_DESTINATIONS_PER_STREAM;
    const { rows, ownerRole, more } = await this.destinations.listForEngine(streamId, max);
    if (more) this.log.warn({ streamId, max }, 'stream has more destinations than MAX_DESTINATIONS_PER_STREAM: the newest are not connected');
    const lookup = policyLookup(this.resolver, ownerRole !== undefined && privateAddressesAllowed(ownerRole, this.config));
    return rows.map((row) => ({
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

import { Inject, Injectable } from '@nestjs/common';
import { INGEST_APP } from '@fanout/contracts';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import type { Logger } from '../logging/logger';
import { type KeyRole, StreamsRepository } from '../streams/streams.repository';
import { BadKeyThrottle } from './bad-key-throttle';

export type PublishDecision =
  /** `role`: the stream's primary encoder, or its backup (the backup key). */
  | { kind: 'accept'; streamId: string; role: KeyRole }
  /** `description` goes back to the encoder in NetStream.Publish.BadName. */
  | { kind: 'refuse'; description: string };

/**
 * Who may publish: a key whose lookup hash matches a stream (never a plaintext scan). A key
 * replaced in the last 24 h is recognised and refused with a message that says so (and the
 * stream page learns which address still uses it). Bad keys are throttled per address, counted
 * before the lookup; a valid key always publishes (see {@link BadKeyThrottle}).
 */
@Injectable()
export class PublishAuthorizer {
  readonly badKeys: BadKeyThrottle;

  constructor(
    private readonly streams: StreamsRepository,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    @Inject(CONFIG) config: Pick<Config, 'RTMP_BAD_KEY_FREE' | 'RTMP_BAD_KEY_MAX_DELAY_S'>,
  ) {
    this.badKeys = new BadKeyThrottle({ free: config.RTMP_BAD_KEY_FREE, windowMs: 60_000, firstDelayMs: 250, maxDelayMs: config.RTMP_BAD_KEY_MAX_DELAY_S * 1000 });
  }

  async decide(app: string, streamKey: string, address: string, log: Logger): Promise<PublishDecision> {
    const fingerprint = Secrets.fingerprint(streamKey);
    const delayMs = this.badKeys.admit(address, this.clock.now().getTime());
    if (delayMs > 0) {
      log.debug({ key: fingerprint, delayMs, attempts: this.badKeys.count(address) }, 'many bad stream keys from this address: the lookup waits');
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    }
    if (app !== INGEST_APP || streamKey === '') {
      log.info({ app, key: fingerprint }, 'publish refused: wrong app or empty key');
      return { kind: 'refuse', description: 'Unknown stream key.' };
    }
    const now = this.clock.now();
    const match = await this.streams.matchKeyHash(this.secrets.lookupHash(streamKey), now);
    if (match === undefined) {
      log.info({ key: fingerprint }, 'publish refused: unknown stream key');
      return { kind: 'refuse', description: 'Unknown stream key.' };
    }
    this.badKeys.forgive(address);
    if (match.kind === 'replaced') {
      log.info({ key: fingerprint, streamId: match.streamId }, 'publish refused: the stream key was replaced');
      await this.streams.noteOldKeyUse(match.streamId, address, now);
      return { kind: 'refuse', description: `This ${match.role === 'backup' ? 'backup ' : ''}stream key was replaced on ${match.rotatedAt.toISOString()}. Copy the new key from the dashboard.` };
    }
    log.info({ key: fingerprint, streamId: match.streamId, role: match.role }, 'publish accepted');
    return { kind: 'accept', streamId: match.streamId, role: match.role };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { type DestinationSpec, StreamRestreamer } from '@fanout/restream';
import type { EngineSettings } from './engine-settings';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';

/** Makes the engine of one stream: the one place `StreamRestreamer` is constructed (tests swap it). */
@Injectable()
export class EngineFactory {
  private readonly log: Logger;

  constructor(
    @Inject(CONFIG) private readonly config: Pick<Config, 'INGEST_GRACE_S' | 'INGEST_STALL_S' | 'INGEST_FAILBACK_S'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'engine' });
  }

  create(streamId: string, destinations: DestinationSpec[], settings?: EngineSettings): StreamRestreamer {
    return new StreamRestreamer({
      streamId,
      destinations,
      graceMs: settings?.graceMs ?? this.config.INGEST_GRACE_S * 1000,
      ...(settings?.slate ? { slate: settings.slate } : {}),
      inputStallMs: this.config.INGEST_STALL_S * 1000,
      failbackStableMs: this.config.INGEST_FAILBACK_S * 1000,
      logger: this.log.child({ streamId }),
    });
  }
}

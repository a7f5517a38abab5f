import { Inject, Injectable } from '@nestjs/common';
import { type DestinationSpec, StreamRestreamer } from '@fanout/restream';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';

/** Makes the engine of one stream: the one place `StreamRestreamer` is constructed (tests swap it). */
@Injectable()
export class EngineFactory {
  private readonly log: Logger;

  constructor(
    @Inject(CONFIG) private readonly config: Pick<Config, 'INGEST_GRACE_S'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'engine' });
  }

  create(streamId: string, destinations: DestinationSpec[]): StreamRestreamer {
    return new StreamRestreamer({ streamId, destinations, graceMs: this.config.INGEST_GRACE_S * 1000, logger: this.log.child({ streamId }) });
  }
}

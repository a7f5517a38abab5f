import type { Provider } from '@nestjs/common';
import { DestinationProbe, RtmpDestinationProbe } from './destination-probe';
import { EngineDestinations } from './engine-destinations';
import { EngineEvents } from './engine-events';
import { EngineFactory } from './engine-factory';
import { EngineRegistry } from './engine-registry';
import { EngineSettingsReader } from './engine-settings';
import { LiveControl } from './live-control';
import { PublishAuthorizer } from './publish-authorizer';
import { RtmpIngestHost } from './rtmp-ingest-host';

/**
 * The ingest: the only place that wires libs/rtmp and libs/restream to sockets, the database and
 * the rest of the API. Everything else sees it through two seams: the {@link LiveControl} port
 * (commands and live statistics) and the {@link EngineEvents} bus (what the engine says); and
 * connection tests of idle destinations through the {@link DestinationProbe} port.
 */
export const INGEST_PROVIDERS: Provider[] = [
  EngineEvents,
  EngineFactory,
  EngineDestinations,
  EngineSettingsReader,
  EngineRegistry,
  { provide: LiveControl, useExisting: EngineRegistry },
  { provide: DestinationProbe, useClass: RtmpDestinationProbe },
  PublishAuthorizer,
  RtmpIngestHost,
];

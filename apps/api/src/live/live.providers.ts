import type { Provider, Type } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config';
import { HistoryRecorder } from './history.recorder';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';
import { LiveController } from './live.controller';
import { LiveEventHub } from './live-event-hub';
import { LIVE_EVENTS_TIMING, LiveEventsService, type LiveEventsTiming } from './live-events.service';
import { LiveOverviewController } from './live-overview.controller';
import { LiveOverviewService } from './live-overview.service';
import { LiveStatusService } from './live-status.service';

/** Live status, the events stream and publish history: what a stream is doing, and what it did. */
export const LIVE_CONTROLLERS: Type[] = [LiveController, LiveOverviewController];

export const LIVE_PROVIDERS: Provider[] = [
  LiveStatusService,
  LiveEventHub,
  LiveEventsService,
  { provide: LIVE_EVENTS_TIMING, inject: [CONFIG], useFactory: (config: Config): Partial<LiveEventsTiming> => ({ recheckMs: config.EVENTS_RECHECK_S * 1000 }) },
  HistoryRepository,
  HistoryRecorder,
  HistoryService,
  LiveOverviewService,
];

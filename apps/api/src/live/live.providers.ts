import type { Provider, Type } from '@nestjs/common';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsMaintenance } from '../metrics/metrics-maintenance';
import { MetricsRecorder } from '../metrics/metrics.recorder';
import { MetricsRepository } from '../metrics/metrics.repository';
import { MetricsService } from '../metrics/metrics.service';
import { PrometheusEndpoint } from '../metrics/prometheus.endpoint';
import { PrometheusService } from '../metrics/prometheus.service';
import { OpenApiController } from '../openapi/openapi.controller';
import { HistoryRecorder } from './history.recorder';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';
import { LiveController } from './live.controller';
import { LiveEventHub } from './live-event-hub';
import { CONFIG, type Config } from '../config/config';
import { LIVE_EVENTS_TIMING, LiveEventsService, type LiveEventsTiming } from './live-events.service';
import { LiveRepository } from './live.repository';
import { LiveStatusService } from './live-status.service';
import { StreamAccess } from './stream-access.service';

/**
 * The live and history half of the control plane: status, the events stream, publish
 * history, metrics (recording, downsampling, charts, Prometheus) and the OpenAPI document.
 * Registered with the control plane because everything here listens to IngestService.
 */
export const LIVE_CONTROLLERS: Type[] = [LiveController, MetricsController, OpenApiController];

export const LIVE_PROVIDERS: Provider[] = [
  StreamAccess,
  LiveRepository,
  LiveStatusService,
  LiveEventHub,
  LiveEventsService,
  { provide: LIVE_EVENTS_TIMING, inject: [CONFIG], useFactory: (config: Config): Partial<LiveEventsTiming> => ({ recheckMs: config.EVENTS_RECHECK_S * 1000 }) },
  HistoryRepository,
  HistoryRecorder,
  HistoryService,
  MetricsRepository,
  MetricsRecorder,
  MetricsMaintenance,
  MetricsService,
  PrometheusService,
  PrometheusEndpoint,
];

import type { Provider, Type } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsMaintenance } from './metrics-maintenance';
import { MetricsRecorder } from './metrics.recorder';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';
import { PrometheusEndpoint } from './prometheus.endpoint';
import { PrometheusService } from './prometheus.service';

/** Per-second samples (recorded from the engine-events bus, downsampled, served as chart series) and Prometheus. */
export const METRICS_CONTROLLERS: Type[] = [MetricsController];

export const METRICS_PROVIDERS: Provider[] = [MetricsRepository, MetricsRecorder, MetricsMaintenance, MetricsService, PrometheusService, PrometheusEndpoint];

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { LOGGER, type Logger } from '../logging/logger';
import { type MetricsTiming, DEFAULT_METRICS_TIMING, METRICS_TIMING } from './metrics.recorder';
import { type MaintenanceResult, MetricsRepository } from './metrics.repository';
import { maintenancePlan } from './retention';

/**
 * Keeps the metrics table bounded: every minute, 1 s samples older than an hour become
 * 10 s averages, 10 s samples older than a day become 1 min averages, and samples older
 * than 30 days are deleted (see maintenancePlan). Runs one at a time; `run()` takes the
 * time from the injected Clock, so tests drive it.
 */
@Injectable()
export class MetricsMaintenance implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly timing: MetricsTiming;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintenanceResult | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly metrics: MetricsRepository,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(METRICS_TIMING) timing?: Partial<MetricsTiming>,
  ) {
    this.log = logger.child({ component: 'metrics-maintenance' });
    this.timing = { ...DEFAULT_METRICS_TIMING, ...timing };
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.run().catch(() => undefined), this.timing.maintenanceMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  run(): Promise<MaintenanceResult | undefined> {
    const next = this.running.catch(() => undefined).then(async () => {
      const now = this.clock.now();
      try {
        const result = await this.metrics.maintain(maintenancePlan(now));
        this.log.debug({ ...result }, 'metrics downsampled');
        return result;
      } catch (error) {
        this.log.error({ err: error }, 'metrics maintenance failed');
        throw error;
      }
    });
    this.running = next;
    return next;
  }
}

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import type { StreamStats } from '@fanout/restream';
import { EngineEvents } from '../ingest/engine-events';
import { LOGGER, type Logger } from '../logging/logger';
import { type CounterMemory, type MetricRow, rowsFromStats } from './metric-rows';
import { MetricsRepository } from './metrics.repository';

export interface MetricsTiming {
  /** Buffered samples are written this often (default 5 s). */
  flushMs: number;
  /** The downsampling job runs this often (default 1 min). */
  maintenanceMs: number;
}
export const METRICS_TIMING = Symbol('METRICS_TIMING');
export const DEFAULT_METRICS_TIMING: MetricsTiming = { flushMs: 5_000, maintenanceMs: 60_000 };

/** Rows held when the database cannot keep up (about 10 minutes of 10 live streams with 5 destinations). */
const MAX_BUFFERED_ROWS = 36_000;

/**
 * Per-second MetricSample rows while a stream is live: one for the ingest, one per
 * destination, from the engine's 'stats' events. Rows are buffered and written in batches
 * (createMany every 5 s), never on the engine's hot path; a failed batch is logged and
 * dropped (charts get a gap, the stream is unaffected).
 */
@Injectable()
export class MetricsRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly timing: MetricsTiming;
  /** Counter memory of each active stream (per-second deltas need the previous totals). */
  private readonly memories = new Map<string, CounterMemory>();
  private off: (() => void) | undefined;
  private buffer: MetricRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private droppedRows = 0;

  constructor(
    private readonly events: EngineEvents,
    private readonly metrics: MetricsRepository,
    @Inject(LOGGER) logger: Logger,
    @Optional() @Inject(METRICS_TIMING) timing?: Partial<MetricsTiming>,
  ) {
    this.log = logger.child({ component: 'metrics' });
    this.timing = { ...DEFAULT_METRICS_TIMING, ...timing };
  }

  onModuleInit(): void {
    this.off = this.events.subscribe({
      started: ({ streamId }) => this.memories.set(streamId, new Map()),
      stats: ({ streamId, stats }) => {
        const memory = this.memories.get(streamId);
        if (memory) this.record(stats, memory);
      },
      released: ({ streamId }) => void this.memories.delete(streamId),
    });
    this.timer = setInterval(() => void this.flush(), this.timing.flushMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.off?.();
    this.off = undefined;
    this.memories.clear();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Rows waiting for the next batch. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Streams whose counters are remembered (leak checks). */
  get trackedStreams(): number {
    return this.memories.size;
  }

  /** Writes what is buffered now (batches never overlap). Tests call it instead of waiting 5 s. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.buffer.length === 0) return;
      const rows = this.buffer;
      this.buffer = [];
      try {
        await this.metrics.insert(rows);
      } catch (error) {
        this.log.error({ err: error, rows: rows.length }, 'could not write metric samples');
      }
    });
    return this.flushing;
  }

  /** Adds one tick's rows (public for tests). */
  record(stats: StreamStats, memory: CounterMemory): void {
    const rows = rowsFromStats(stats, memory);
    if (rows.length === 0) return;
    if (this.buffer.length + rows.length > MAX_BUFFERED_ROWS) {
      this.buffer.splice(0, rows.length);
      if (this.droppedRows++ % 1000 === 0) this.log.warn({ buffered: this.buffer.length }, 'metric buffer full: dropping the oldest samples');
    }
    this.buffer.push(...rows);
  }
}

import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { destinationStateSchema } from '@fanout/contracts';
import type { StreamStats } from '@fanout/restream';
import { EngineEvents } from '../ingest/engine-events';
import { LiveControl } from '../ingest/live-control';
import { EngineCounters } from './engine-counters';
import { formatExposition, type MetricFamily } from './exposition';
import { HttpMetrics } from './http-metrics';
import { InputMetrics } from './input-metrics';


/** What the process reports about itself; a seam so the format test is deterministic. */
export interface ProcessFacts {
  residentMemoryBytes: number;
  cpuUserS: number;
  cpuSystemS: number;
  startTimeS: number;
  heapUsedBytes: number;
}

export function processFacts(): ProcessFacts {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    residentMemoryBytes: memory.rss,
    cpuUserS: cpu.user / 1e6,
    cpuSystemS: cpu.system / 1e6,
    startTimeS: Math.round(Date.now() / 1000 - process.uptime()),
    heapUsedBytes: memory.heapUsed,
  };
}

/**
 * Families of `GET /metrics`, aggregated across streams: no stream, destination, key or URL
 * ever becomes a label (labels are bounded sets: destination state, HTTP method, route
 * template and status).
 */
export function engineFamilies(live: readonly StreamStats[], counters: EngineCounters, proc: ProcessFacts): MetricFamily[] {
  const byState = new Map<string, number>(destinationStateSchema.options.map((s) => [s, 0]));
  for (const stats of live) for (const d of stats.destinations) byState.set(d.state, (byState.get(d.state) ?? 0) + 1);
  return [
    { name: 'fanout_ingests_live', help: 'Streams with a publisher connected.', type: 'gauge', samples: [{ value: live.filter((s) => s.ingest.state === 'live').length }] },
    { name: 'fanout_ingests_grace', help: 'Streams whose publisher left, destinations held open for its return.', type: 'gauge', samples: [{ value: live.filter((s) => s.ingest.state === 'grace').length }] },
    { name: 'fanout_destinations', help: 'Destinations of active streams, by state.', type: 'gauge', samples: [...byState].map(([state, value]) => ({ labels: { state }, value })) },
    { name: 'fanout_destination_bytes_sent_total', help: 'Bytes written to destinations.', type: 'counter', samples: [{ value: counters.bytesSent }] },
    { name: 'fanout_destination_dropped_frames_total', help: 'Video frames dropped for slow destinations.', type: 'counter', samples: [{ value: counters.droppedFrames }] },
    { name: 'fanout_destination_reconnects_total', help: 'Destination reconnection attempts.', type: 'counter', samples: [{ value: counters.reconnects }] },
    { name: 'fanout_ingest_bytes_received_total', help: 'Bytes received from publishers (integrated from the ingest bitrate each second).', type: 'counter', samples: [{ value: counters.ingestBytes }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', samples: [{ value: proc.residentMemoryBytes }] },
    { name: 'process_cpu_user_seconds_total', help: 'User CPU time spent in seconds.', type: 'counter', samples: [{ value: proc.cpuUserS }] },
    { name: 'process_cpu_system_seconds_total', help: 'System CPU time spent in seconds.', type: 'counter', samples: [{ value: proc.cpuSystemS }] },
    { name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', type: 'counter', samples: [{ value: proc.cpuUserS + proc.cpuSystemS }] },
    { name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch in seconds.', type: 'gauge', samples: [{ value: proc.startTimeS }] },
    { name: 'nodejs_heap_used_bytes', help: 'V8 heap in use in bytes.', type: 'gauge', samples: [{ value: proc.heapUsedBytes }] },
  ];
}

@Injectable()
export class PrometheusService implements OnModuleInit, OnModuleDestroy {
  readonly http = new HttpMetrics();
  private readonly counters = new EngineCounters();
  private readonly inputs = new InputMetrics();
  /** The latest stats of each active stream, from the bus. */
  private readonly latest = new Map<string, StreamStats>();
  private off: (() => void) | undefined;

  constructor(
    private readonly events: EngineEvents,
    private readonly live: LiveControl,
  ) {}

  onModuleInit(): void {
    this.off = this.events.subscribe({
      started: ({ streamId }) => this.inputs.started(streamId),
      input: ({ streamId, event }) => this.inputs.switched(streamId, event),
      stats: ({ streamId, stats }) => {
        this.counters.tick(stats);
        this.latest.set(streamId, stats);
      },
      released: ({ streamId }) => {
        const last = this.latest.get(streamId);
        if (last) this.counters.observe(last); // what it sent since the last tick
        this.counters.forget(streamId);
        this.latest.delete(streamId);
        this.inputs.released(streamId);
      },
    });
  }

  onModuleDestroy(): void {
    this.off?.();
    this.off = undefined;
  }

  render(proc: ProcessFacts = processFacts()): string {
    const stats = this.live.liveStats();
    for (const s of stats) this.counters.observe(s);
    return formatExposition([...engineFamilies(stats, this.counters, proc), ...this.inputs.families(), ...this.http.families()]);
  }
}

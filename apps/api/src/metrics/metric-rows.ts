import type { StreamStats } from '@fanout/restream';

/** One MetricSample row to write. */
export interface MetricRow {
  streamId: string;
  destinationId: string | null;
  at: Date;
  resolution: number;
  bitrateKbps: number;
  fps: number;
  droppedFrames: number;
  reconnects: number;
  state: string | null;
}

/** Cumulative counters of one destination as last seen, to turn the engine's totals into per-second deltas. */
export type CounterMemory = Map<string, { droppedFrames: number; reconnects: number }>;

/**
 * The 1 s rows of one stats tick: one for the ingest (destinationId null) and one per
 * destination. Nothing while the ingest is idle (a stream that just ended). Counters are
 * stored as what happened in that second, so buckets aggregate them with a plain sum.
 */
export function rowsFromStats(stats: StreamStats, memory: CounterMemory): MetricRow[] {
  if (stats.ingest.state === 'idle') return [];
  const at = new Date(Math.floor(Date.parse(stats.at) / 1000) * 1000);
  const rows: MetricRow[] = [
    { streamId: stats.streamId, destinationId: null, at, resolution: 1, bitrateKbps: Math.round(stats.ingest.bitrateKbps), fps: stats.ingest.fps, droppedFrames: 0, reconnects: 0, state: stats.ingest.state },
  ];
  for (const d of stats.destinations) {
    const last = memory.get(d.id) ?? { droppedFrames: 0, reconnects: 0 };
    // A destination re-created by the engine starts again from zero: count from there.
    const dropped = d.droppedFrames >= last.droppedFrames ? d.droppedFrames - last.droppedFrames : d.droppedFrames;
    const reconnects = d.reconnects >= last.reconnects ? d.reconnects - last.reconnects : d.reconnects;
    memory.set(d.id, { droppedFrames: d.droppedFrames, reconnects: d.reconnects });
    rows.push({ streamId: stats.streamId, destinationId: d.id, at, resolution: 1, bitrateKbps: Math.round(d.bitrateKbps), fps: 0, droppedFrames: dropped, reconnects, state: d.state });
  }
  return rows;
}

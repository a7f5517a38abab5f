import type { MetricsSeries, StreamStatus } from '@fanout/contracts';

/** `GET /api/streams/:id/metrics` (libs/contracts `metricsSeriesSchema`); counters are per bucket. */
export type StreamMetrics = MetricsSeries;

/**
 * Chart data, column-wise as uPlot wants it: `t` in unix seconds, one value per second per
 * series (null where there is no sample). Every number comes from the engine: status
 * snapshots while live, `/metrics` when backfilling a gap or showing a past session.
 */
export interface SeriesDestination {
  name: string;
  bitrateKbps: (number | null)[];
  /** Dropped frames during each sample interval. */
  droppedFrames: (number | null)[];
  /** Reconnects during each sample interval. */
  reconnects: (number | null)[];
}
export interface Series {
  t: number[];
  ingestBitrateKbps: (number | null)[];
  ingestFps: (number | null)[];
  destinations: Record<string, SeriesDestination>;
  /** Destination order (first seen first), so colours stay put. */
  order: string[];
  /** Last cumulative counters per destination, to turn snapshots into per-interval counts. */
  counters: Record<string, { droppedFrames: number; reconnects: number }>;
}

export const emptySeries: Series = { t: [], ingestBitrateKbps: [], ingestFps: [], destinations: {}, order: [], counters: {} };

/** How much history the live charts keep. */
export const LIVE_WINDOW_S = 180;

interface Row {
  t: number;
  ingestBitrateKbps: number | null;
  ingestFps: number | null;
  destinations: Record<string, { name: string; bitrateKbps: number | null; droppedFrames: number | null; reconnects: number | null }>;
}

function rows(series: Series): Row[] {
  return series.t.map((t, i) => ({
    t,
    ingestBitrateKbps: series.ingestBitrateKbps[i] ?? null,
    ingestFps: series.ingestFps[i] ?? null,
    destinations: Object.fromEntries(
      series.order.map((id) => {
        const d = series.destinations[id]!;
        return [id, { name: d.name, bitrateKbps: d.bitrateKbps[i] ?? null, droppedFrames: d.droppedFrames[i] ?? null, reconnects: d.reconnects[i] ?? null }];
      }),
    ),
  }));
}

function fromRows(list: Row[], previous: Series, windowS: number): Series {
  const sorted = [...list].sort((a, b) => a.t - b.t);
  const last = sorted.at(-1)?.t ?? 0;
  const kept = sorted.filter((r) => r.t > last - windowS);
  const order = [...previous.order];
  const names: Record<string, string> = {};
  for (const r of kept) {
    for (const [id, d] of Object.entries(r.destinations)) {
      if (!order.includes(id)) order.push(id);
      names[id] = d.name;
    }
  }
  const destinations: Record<string, SeriesDestination> = {};
  for (const id of order) {
    destinations[id] = {
      name: names[id] ?? previous.destinations[id]?.name ?? id,
      bitrateKbps: kept.map((r) => r.destinations[id]?.bitrateKbps ?? null),
      droppedFrames: kept.map((r) => r.destinations[id]?.droppedFrames ?? null),
      reconnects: kept.map((r) => r.destinations[id]?.reconnects ?? null),
    };
  }
  return {
    t: kept.map((r) => r.t),
    ingestBitrateKbps: kept.map((r) => r.ingestBitrateKbps),
    ingestFps: kept.map((r) => r.ingestFps),
    destinations,
    order: order.filter((id) => kept.some((r) => id in r.destinations)),
    counters: previous.counters,
  };
}

function merge(series: Series, incoming: Row[], windowS: number, counters: Series['counters']): Series {
  const byT = new Map(rows(series).map((r) => [r.t, r]));
  for (const r of incoming) {
    const existing = byT.get(r.t);
    byT.set(r.t, existing ? { ...existing, ...r, destinations: { ...existing.destinations, ...r.destinations } } : r);
  }
  return { ...fromRows([...byT.values()], series, windowS), counters };
}

/** Adds one status snapshot (one point per second; a second snapshot in the same second replaces it). */
export function appendStatus(series: Series, status: StreamStatus, windowS = LIVE_WINDOW_S): Series {
  const t = Math.floor(Date.parse(status.at) / 1000);
  if (Number.isNaN(t)) return series;
  const counters = { ...series.counters };
  const destinations: Row['destinations'] = {};
  for (const d of status.destinations) {
    const before = counters[d.id];
    destinations[d.id] = {
      name: d.name,
      bitrateKbps: d.state === 'disabled' ? null : d.bitrateKbps,
      // The first snapshot has nothing to compare with; counters that went down were reset.
      droppedFrames: before ? Math.max(0, d.droppedFrames - before.droppedFrames) : 0,
      reconnects: before ? Math.max(0, d.reconnects - before.reconnects) : 0,
    };
    counters[d.id] = { droppedFrames: d.droppedFrames, reconnects: d.reconnects };
  }
  const live = status.ingest.state === 'live';
  return merge(
    series,
    [{ t, ingestBitrateKbps: live ? status.ingest.bitrateKbps : 0, ingestFps: live ? status.ingest.fps : 0, destinations }],
    windowS,
    counters,
  );
}

/** Fills the series from `/metrics` (a gap after a reconnect, or a past session); live points win. */
export function mergeMetrics(series: Series, metrics: StreamMetrics, windowS = LIVE_WINDOW_S): Series {
  const byT = new Map<number, Row>();
  const row = (at: string): Row | null => {
    const t = Math.floor(Date.parse(at) / 1000);
    if (Number.isNaN(t)) return null;
    let r = byT.get(t);
    if (!r) {
      r = { t, ingestBitrateKbps: null, ingestFps: null, destinations: {} };
      byT.set(t, r);
    }
    return r;
  };
  for (const p of metrics.ingest) {
    const r = row(p.at);
    if (r) {
      r.ingestBitrateKbps = p.bitrateKbps;
      r.ingestFps = p.fps;
    }
  }
  for (const d of metrics.destinations) {
    for (const p of d.points) {
      const r = row(p.at);
      if (r) r.destinations[d.id] = { name: d.name, bitrateKbps: p.state === 'disabled' ? null : p.bitrateKbps, droppedFrames: p.droppedFrames, reconnects: p.reconnects };
    }
  }
  const live = new Set(series.t);
  const incoming = [...byT.values()].filter((r) => !live.has(r.t));
  return merge(series, incoming, windowS, series.counters);
}

/** The newest non-null value of a column (what a readout next to its chart shows). */
export function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

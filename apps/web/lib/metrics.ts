import type { DestinationState, MetricsSeries, StreamStatus } from '@fanout/contracts';

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
  /** The destination's state at each sample (the last one seen in a bucket). */
  state: (DestinationState | null)[];
}

/** The ingest at a sample: on air, or in the grace window (publisher gone, destinations held). */
export type IngestSampleState = 'live' | 'grace';
export interface Series {
  t: number[];
  ingestBitrateKbps: (number | null)[];
  ingestFps: (number | null)[];
  ingestState: (IngestSampleState | null)[];
  destinations: Record<string, SeriesDestination>;
  /** Destination order (first seen first), so colours stay put. */
  order: string[];
  /** Last cumulative counters per destination, to turn snapshots into per-interval counts. */
  counters: Record<string, { droppedFrames: number; reconnects: number }>;
}

export const emptySeries: Series = { t: [], ingestBitrateKbps: [], ingestFps: [], ingestState: [], destinations: {}, order: [], counters: {} };

/** How much history the live charts keep. */
export const LIVE_WINDOW_S = 180;

interface RowDestination {
  name: string;
  bitrateKbps: number | null;
  droppedFrames: number | null;
  reconnects: number | null;
  state: DestinationState | null;
}

interface Row {
  t: number;
  ingestBitrateKbps: number | null;
  ingestFps: number | null;
  ingestState: IngestSampleState | null;
  destinations: Record<string, RowDestination>;
}

function rows(series: Series): Row[] {
  return series.t.map((t, i) => ({
    t,
    ingestBitrateKbps: series.ingestBitrateKbps[i] ?? null,
    ingestFps: series.ingestFps[i] ?? null,
    ingestState: series.ingestState[i] ?? null,
    destinations: Object.fromEntries(
      series.order.flatMap((id) => {
        const d = series.destinations[id]!;
        const row: RowDestination = { name: d.name, bitrateKbps: d.bitrateKbps[i] ?? null, droppedFrames: d.droppedFrames[i] ?? null, reconnects: d.reconnects[i] ?? null, state: d.state[i] ?? null };
        // A destination with nothing at this second has no entry, so merging another source's row fills it.
        return row.bitrateKbps === null && row.droppedFrames === null && row.reconnects === null && row.state === null ? [] : [[id, row]];
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
      state: kept.map((r) => r.destinations[id]?.state ?? null),
    };
  }
  return {
    t: kept.map((r) => r.t),
    ingestBitrateKbps: kept.map((r) => r.ingestBitrateKbps),
    ingestFps: kept.map((r) => r.ingestFps),
    ingestState: kept.map((r) => r.ingestState),
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
      state: d.state,
    };
    counters[d.id] = { droppedFrames: d.droppedFrames, reconnects: d.reconnects };
  }
  const live = status.ingest.state === 'live';
  return merge(
    series,
    [{ t, ingestBitrateKbps: live ? status.ingest.bitrateKbps : 0, ingestFps: live ? status.ingest.fps : 0, ingestState: live ? (status.ingest.reconnectGrace ? 'grace' : 'live') : null, destinations }],
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
      r = { t, ingestBitrateKbps: null, ingestFps: null, ingestState: null, destinations: {} };
      byT.set(t, r);
    }
    return r;
  };
  for (const p of metrics.ingest) {
    const r = row(p.at);
    if (r) {
      r.ingestBitrateKbps = p.bitrateKbps;
      r.ingestFps = p.fps;
      r.ingestState = p.state;
    }
  }
  for (const d of metrics.destinations) {
    for (const p of d.points) {
      const r = row(p.at);
      if (r) r.destinations[d.id] = { name: d.name, bitrateKbps: p.state === 'disabled' ? null : p.bitrateKbps, droppedFrames: p.droppedFrames, reconnects: p.reconnects, state: p.state };
    }
  }
  const live = new Set(series.t);
  const incoming = [...byT.values()].filter((r) => !live.has(r.t));
  return merge(series, incoming, windowS, series.counters);
}

/** The newest non-null value of a column (what a readout next to its chart shows). */
export function lastValue<T>(values: readonly (T | null)[]): T | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

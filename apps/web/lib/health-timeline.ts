import type { DestinationState, DestinationTimelineEntry } from '@fanout/contracts';
import type { Series } from './metrics';

/** What a timeline row is coloured by: the engine's states, plus `holding` (live, but the publisher is gone: grace window). */
export type TimelineState = DestinationState | 'holding';

/** A run of one state, in unix seconds: [from, to). */
export interface TimelineSegment {
  from: number;
  to: number;
  state: TimelineState;
}

/** Frames dropped or reconnects in one sample interval starting at `t`. */
export interface TimelineMark {
  t: number;
  kind: 'drop' | 'reconnect';
  count: number;
}

export interface TimelineRow {
  id: string;
  name: string;
  segments: TimelineSegment[];
  marks: TimelineMark[];
  droppedFrames: number;
  reconnects: number;
  /** Seconds per state within the window. */
  seconds: Partial<Record<TimelineState, number>>;
}

export interface HealthTimelineModel {
  from: number;
  to: number;
  rows: TimelineRow[];
  /** Grace windows: the publisher was gone, destinations were held open. */
  grace: { from: number; to: number }[];
}

/** The spacing of samples: the smallest gap between consecutive ones (1 s live, 10 or 60 s for old ranges). */
export function sampleStep(t: readonly number[], fallback = 1): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < t.length; i++) {
    const gap = t[i]! - t[i - 1]!;
    if (gap > 0 && gap < step) step = gap;
  }
  return Number.isFinite(step) ? step : fallback;
}

/** Adds [from, to) of `state` to `segments`, joining it to the last one when it continues it. */
function push(segments: TimelineSegment[], from: number, to: number, state: TimelineState): void {
  if (to <= from) return;
  const last = segments.at(-1);
  if (last && last.state === state && Math.abs(last.to - from) < 1e-6) last.to = to;
  else segments.push({ from, to, state });
}

/** Grace intervals from the ingest samples. */
function graceIntervals(series: Series, step: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  series.t.forEach((t, i) => {
    if (series.ingestState[i] !== 'grace') return;
    const last = out.at(-1);
    if (last && Math.abs(last.to - t) < 1e-6) last.to = t + step;
    else out.push({ from: t, to: t + step });
  });
  return out;
}

/** Live segments that fall into a grace window become `holding`. */
function overlayGrace(segments: TimelineSegment[], grace: readonly { from: number; to: number }[]): TimelineSegment[] {
  if (grace.length === 0) return segments;
  const out: TimelineSegment[] = [];
  for (const s of segments) {
    if (s.state !== 'live') {
      push(out, s.from, s.to, s.state);
      continue;
    }
    let cursor = s.from;
    for (const g of grace) {
      if (g.to <= cursor || g.from >= s.to) continue;
      push(out, cursor, Math.max(cursor, g.from), 'live');
      cursor = Math.max(cursor, g.from);
      const end = Math.min(s.to, g.to);
      push(out, cursor, end, 'holding');
      cursor = end;
    }
    push(out, cursor, s.to, 'live');
  }
  return out;
}

function tally(segments: readonly TimelineSegment[]): TimelineRow['seconds'] {
  const seconds: TimelineRow['seconds'] = {};
  for (const s of segments) seconds[s.state] = (seconds[s.state] ?? 0) + (s.to - s.from);
  return seconds;
}

/** Segments of one destination from its state transitions (exact times), clipped to [from, to). */
function segmentsFromEvents(entries: readonly DestinationTimelineEntry[], from: number, to: number): TimelineSegment[] {
  const segments: TimelineSegment[] = [];
  let state: TimelineState = entries[0]!.from;
  let at = from;
  for (const e of entries) {
    const t = Math.min(to, Math.max(from, Date.parse(e.at) / 1000));
    push(segments, at, t, state);
    state = e.to;
    at = t;
  }
  push(segments, at, to, state);
  return segments;
}

/**
 * One row per destination, coloured by state over time, with drops and reconnects as marks:
 * the model of the destination health timeline, for the live window and for a past session.
 * States come from the samples (one per second live; the last of each bucket for old ranges)
 * or, when `events` are given for a destination, from its exact transitions. A live
 * destination in a grace window is `holding`. `stepS` is the samples' resolution (1 s live);
 * without it, the smallest spacing of the samples.
 */
export function healthTimeline(series: Series, options: { from?: number; to?: number; events?: readonly DestinationTimelineEntry[]; stepS?: number } = {}): HealthTimelineModel {
  const step = options.stepS ?? sampleStep(series.t);
  const from = options.from ?? series.t[0] ?? 0;
  const to = options.to ?? (series.t.length ? series.t.at(-1)! + step : from);
  const grace = graceIntervals(series, step).map((g) => ({ from: Math.max(from, g.from), to: Math.min(to, g.to) })).filter((g) => g.to > g.from);
  const byDestination = new Map<string, DestinationTimelineEntry[]>();
  for (const e of options.events ?? []) {
    const list = byDestination.get(e.destinationId) ?? [];
    list.push(e);
    byDestination.set(e.destinationId, list);
  }

  const ids = [...series.order];
  for (const id of byDestination.keys()) if (!ids.includes(id)) ids.push(id);

  const rows = ids.map((id): TimelineRow => {
    const d = series.destinations[id];
    const events = byDestination.get(id);
    let segments: TimelineSegment[] = [];
    if (events && events.length > 0) {
      segments = segmentsFromEvents(events, from, to);
    } else if (d) {
      series.t.forEach((t, i) => {
        const state = d.state[i];
        if (state === null || state === undefined) return;
        // A sample or two missing (snapshots a little over a second apart) is not a hole; a longer run is.
        const end = Math.min(to, series.t[i + 1] !== undefined && series.t[i + 1]! - t <= step * 2.5 ? series.t[i + 1]! : t + step);
        push(segments, Math.max(from, t), end, state);
      });
    }
    segments = overlayGrace(segments, grace);
    const marks: TimelineMark[] = [];
    let droppedFrames = 0;
    let reconnects = 0;
    if (d) {
      series.t.forEach((t, i) => {
        if (t < from || t >= to) return;
        const dropped = d.droppedFrames[i] ?? 0;
        const again = d.reconnects[i] ?? 0;
        if (dropped > 0) marks.push({ t, kind: 'drop', count: dropped });
        if (again > 0) marks.push({ t, kind: 'reconnect', count: again });
        droppedFrames += dropped;
        reconnects += again;
      });
    }
    return { id, name: d?.name ?? events?.[0]?.destinationName ?? id, segments, marks, droppedFrames, reconnects, seconds: tally(segments) };
  });
  return { from, to, rows, grace };
}

'use client';

import type { IngestSession, StreamStatus } from '@fanout/contracts';
import { TimeChart } from '@/components/time-chart';
import { formatKbps } from '@/lib/format';
import { healthTimeline } from '@/lib/health-timeline';
import { lastValue, type Series } from '@/lib/metrics';
import { HealthTimeline } from './health-timeline';
import { type Figure, IngestChart } from './ingest-chart';

/** Live charts show "now" over a rolling window; a past session shows its averages, never a "now". */
export type ChartMode = { kind: 'live'; ingest: StreamStatus['ingest'] | null; windowS: number } | { kind: 'session'; session: IngestSession };

function mean(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    sum += v;
    n += 1;
  }
  return n === 0 ? null : sum / n;
}

const fps = (v: number | null | undefined) => (v === null || v === undefined || v <= 0 ? '—' : `${v.toFixed(1)} fps`);

function ingestFigures(series: Series, mode: ChartMode, idPrefix: string): Figure[] {
  if (mode.kind === 'session') {
    const s = mode.session;
    return [
      { label: 'Average', value: formatKbps(s.avgBitrateKbps), testId: `${idPrefix}-ingest-average`, raw: s.avgBitrateKbps },
      { label: 'Peak', value: formatKbps(s.peakBitrateKbps) },
      { label: 'Frame rate', value: fps(s.avgFps) },
    ];
  }
  const ingest = mode.ingest;
  const grace = ingest?.reconnectGrace === true;
  const kbps = grace ? 0 : lastValue(series.ingestBitrateKbps);
  const keyframe = ingest?.keyframeIntervalS ?? null;
  return [
    { label: grace ? 'Now (publisher lost)' : 'Now', value: formatKbps(kbps), testId: `${idPrefix}-ingest-bitrate`, raw: kbps },
    { label: 'Frame rate', value: grace ? '—' : fps(ingest?.fps ?? lastValue(series.ingestFps)), testId: `${idPrefix}-ingest-fps`, raw: ingest?.fps ?? null },
    { label: 'Keyframe every', value: keyframe === null || grace ? '—' : `${keyframe.toFixed(1)} s`, testId: `${idPrefix}-keyframe-interval`, raw: keyframe },
  ];
}

/**
 * The stream's health: the incoming bitrate with its figures beside it, bitrate per
 * destination, and one destination health timeline (state over time, drops and reconnects as
 * marks). The same pieces for the live window and for a past session.
 */
export function HealthCharts({ series, idPrefix = 'live', mode }: { series: Series; idPrefix?: string; mode: ChartMode }) {
  const destinations = series.order.map((id) => ({ id, ...series.destinations[id]! }));
  const windowS = mode.kind === 'live' ? mode.windowS : undefined;
  const grace = mode.kind === 'live' && mode.ingest?.reconnectGrace === true;
  const last = series.t.at(-1);
  const timeline =
    mode.kind === 'live'
      ? healthTimeline(series, last === undefined ? { stepS: 1 } : { from: Math.max(series.t[0]!, last + 1 - mode.windowS), to: last + 1, stepS: 1 })
      : healthTimeline(series, {
          from: Date.parse(mode.session.startedAt) / 1000,
          to: Date.parse(mode.session.endedAt ?? new Date().toISOString()) / 1000,
          events: mode.session.timeline,
        });

  return (
    <div className="grid grid-cols-1 gap-6">
      <IngestChart series={series} windowS={windowS} testId={`${idPrefix}-ingest-chart`} figures={ingestFigures(series, mode, idPrefix)} />
      <HealthTimeline model={timeline} testId={`${idPrefix}-health-timeline`} endLabel={mode.kind === 'live' ? 'now' : undefined} />
      <div className="min-w-0">
        <TimeChart
          title="Bitrate per destination"
          testId={`${idPrefix}-destination-chart`}
          t={series.t}
          windowS={windowS}
          yLabel="kb/s"
          height={150}
          lines={destinations.map((d) => ({ label: d.name, values: d.bitrateKbps }))}
        />
        {destinations.length === 0 ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">No destination data yet.</p> : null}
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm tabular-nums">
          {destinations.map((d) => {
            if (mode.kind === 'session') {
              const average = mean(d.bitrateKbps);
              return (
                <li key={d.id}>
                  {d.name}: average {formatKbps(average === null ? null : Math.round(average))}
                </li>
              );
            }
            const value = lastValue(d.bitrateKbps);
            return (
              <li key={d.id}>
                {d.name}:{' '}
                <output data-testid="destination-bitrate" data-destination-id={d.id} data-kbps={value ?? ''}>
                  {grace && lastValue(d.state) === 'live' ? 'holding' : formatKbps(value)}
                </output>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

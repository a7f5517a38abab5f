'use client';

import { TimeChart } from '@/components/time-chart';
import { formatKbps } from '@/lib/format';
import { lastValue, type Series } from '@/lib/metrics';

const kbps = formatKbps;

function sum(values: readonly (number | null)[]): number {
  return values.reduce<number>((total, v) => total + (v ?? 0), 0);
}

/**
 * The three health charts (ingest, per-destination bitrate, drops and reconnects), each
 * with readouts fed by the same series, so what the numbers say is what the lines show.
 */
export function HealthCharts({ series, idPrefix = 'live', windowS }: { series: Series; idPrefix?: string; windowS?: number }) {
  const ingestKbps = lastValue(series.ingestBitrateKbps);
  const ingestFps = lastValue(series.ingestFps);
  const destinations = series.order.map((id) => ({ id, ...series.destinations[id]! }));

  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
      <div className="min-w-0">
        <TimeChart
          title="Ingest bitrate and frame rate"
          testId={`${idPrefix}-ingest-chart`}
          t={series.t}
          windowS={windowS}
          yLabel="kb/s"
          y2Label="fps"
          lines={[
            { label: 'Bitrate (kb/s)', values: series.ingestBitrateKbps },
            { label: 'Frame rate (fps)', values: series.ingestFps, scale: 'y2' },
          ]}
        />
        <p className="mt-1 text-sm tabular-nums">
          Now:{' '}
          <output data-testid={`${idPrefix}-ingest-bitrate`} data-kbps={ingestKbps ?? ''}>
            {kbps(ingestKbps)}
          </output>{' '}
          · <output data-testid={`${idPrefix}-ingest-fps`}>{ingestFps === null ? '—' : `${ingestFps.toFixed(1)} fps`}</output>
        </p>
      </div>
      <div className="min-w-0">
        <TimeChart
          title="Bitrate per destination"
          testId={`${idPrefix}-destination-chart`}
          t={series.t}
          windowS={windowS}
          yLabel="kb/s"
          lines={destinations.map((d) => ({ label: d.name, values: d.bitrateKbps }))}
        />
        {destinations.length === 0 ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">No destination data yet.</p> : null}
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm tabular-nums">
          {destinations.map((d) => {
            const value = lastValue(d.bitrateKbps);
            return (
              <li key={d.id}>
                {d.name}:{' '}
                <output data-testid="destination-bitrate" data-destination-id={d.id} data-kbps={value ?? ''}>
                  {kbps(value)}
                </output>
              </li>
            );
          })}
        </ul>
      </div>
      <div className="min-w-0 xl:col-span-2">
        <TimeChart
          title="Dropped frames and reconnects"
          testId={`${idPrefix}-drops-chart`}
          t={series.t}
          windowS={windowS}
          yLabel="frames"
          y2Label="reconnects"
          height={150}
          lines={destinations.flatMap((d) => [
            { label: `${d.name}: dropped`, values: d.droppedFrames, stepped: true },
            { label: `${d.name}: reconnects`, values: d.reconnects, scale: 'y2' as const, stepped: true },
          ])}
        />
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm tabular-nums">
          {destinations.map((d) => (
            <li key={d.id}>
              {d.name}: {sum(d.droppedFrames)} dropped, {sum(d.reconnects)} reconnects in this window
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

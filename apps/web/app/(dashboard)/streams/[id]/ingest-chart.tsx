'use client';

import { TimeChart } from '@/components/time-chart';
import type { Series } from '@/lib/metrics';

export interface Figure {
  label: string;
  value: string;
  testId?: string;
  /** Machine-readable value for tests (`data-value`). */
  raw?: number | null;
}

/**
 * The incoming stream: bitrate is the chart (one axis, one line, nothing to hide under), and
 * the frame rate and keyframe interval are figures beside it, since they are steady numbers
 * a streamer checks, not curves.
 */
export function IngestChart({ series, windowS, testId, figures, title = 'Incoming bitrate' }: { series: Series; windowS?: number; testId: string; figures: Figure[]; title?: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-3 sm:flex-row">
      <div className="min-w-0 flex-1">
        <TimeChart title={title} testId={testId} t={series.t} windowS={windowS} yLabel="kb/s" lines={[{ label: 'Bitrate (kb/s)', values: series.ingestBitrateKbps }]} />
      </div>
      <dl className="grid shrink-0 grid-cols-3 gap-3 sm:w-40 sm:grid-cols-1 sm:content-start sm:pt-6">
        {figures.map((f) => (
          <div key={f.label} className="min-w-0 rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-800/60">
            <dt className="text-xs text-zinc-600 dark:text-zinc-400">{f.label}</dt>
            <dd className="text-base font-semibold tabular-nums">
              {f.testId ? (
                <output data-testid={f.testId} data-value={f.raw ?? ''}>
                  {f.value}
                </output>
              ) : (
                f.value
              )}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

'use client';

import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  /** Which y axis: the left (default) or the right one. */
  scale?: 'y' | 'y2';
  /** Draw as bars/steps (counts per interval) instead of a line. */
  stepped?: boolean;
}

export const CHART_COLORS = ['#0284c7', '#16a34a', '#9333ea', '#ea580c', '#db2777', '#0d9488', '#ca8a04', '#4f46e5'];

const clockSeconds = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const clockMinutes = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/**
 * One short label per tick, on one line: seconds for a live window, minutes for hours, the day
 * once a range spans days. (uPlot's default adds a second row with the date at each new minute,
 * which is where neighbouring labels ran into each other.)
 */
export function timeTickLabels(splits: readonly number[], spanS: number): string[] {
  const format = spanS <= 15 * 60 ? clockSeconds : spanS <= 24 * 3600 ? clockMinutes : dayAndTime;
  return splits.map((t) => format.format(new Date(t * 1000)));
}

function cssColor(dark: boolean) {
  return { axis: dark ? '#a1a1aa' : '#52525b', grid: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)' };
}

/**
 * A uPlot time chart that keeps one plot instance and feeds it new data each second.
 * `t` is unix seconds. The chart is drawn on a canvas, so `summary` (the readouts next to it)
 * is what assistive technology reads.
 */
export function TimeChart({
  title,
  t,
  lines,
  yLabel,
  y2Label,
  height = 180,
  testId,
  windowS,
  legend = lines.length > 1,
}: {
  title: string;
  t: number[];
  lines: ChartLine[];
  yLabel: string;
  y2Label?: string;
  height?: number;
  testId?: string;
  /** Show a rolling window of this many seconds ending at the newest point (live charts). */
  windowS?: number;
  /** The colour legend; off by default for a single line (the title names it). */
  legend?: boolean;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [failed, setFailed] = useState(false);
  const shape = lines.map((l) => `${l.label}:${l.scale ?? 'y'}:${l.stepped ? 1 : 0}`).join('|');
  const data = [t, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let disposed = false;
    let observer: ResizeObserver | undefined;
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
    const colors = cssColor(dark);
    import('uplot')
      .then(({ default: UPlot }) => {
        if (disposed) return;
        const opts: uPlot.Options = {
          width: Math.max(200, el.clientWidth),
          height,
          // The readouts under each chart give the numbers; the legend names the colours.
          legend: { show: legend, live: false },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: windowS
              ? {
                  time: true,
                  // Grows with the data up to the window, then rolls; never narrower than 30 s.
                  range: (_u, min, max) => {
                    if (max === null || !Number.isFinite(max)) return [Date.now() / 1000 - 30, Date.now() / 1000];
                    const from = min === null || !Number.isFinite(min) ? max - 30 : Math.max(min, max - windowS);
                    return [Math.min(from, max - 30), max];
                  },
                }
              : { time: true },
            y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, y2: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
          axes: [
            { stroke: colors.axis, grid: { stroke: colors.grid }, space: 80, values: (u, splits) => timeTickLabels(splits, (u.scales['x']?.max ?? 0) - (u.scales['x']?.min ?? 0)) },
            { label: yLabel, stroke: colors.axis, grid: { stroke: colors.grid }, size: 60 },
            ...(y2Label ? [{ label: y2Label, scale: 'y2', side: 1 as const, stroke: colors.axis, grid: { show: false }, size: 50 }] : []),
          ],
          series: [
            {},
            ...lines.map((l, i) => ({
              label: l.label,
              scale: l.scale ?? 'y',
              stroke: CHART_COLORS[i % CHART_COLORS.length],
              width: 2,
              spanGaps: false,
              ...(l.stepped ? { paths: UPlot.paths.stepped?.({ align: 1 }) } : {}),
            })),
          ],
        };
        plot.current = new UPlot(opts, dataRef.current, el);
        observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
        observer.observe(el);
      })
      .catch(() => setFailed(true));
    return () => {
      disposed = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuild only when the set of lines changes; data updates go through setData below.
  }, [shape, height, yLabel, y2Label, windowS, legend]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="min-w-0" data-testid={testId} data-points={t.length}>
      <figcaption className="mb-1 text-sm font-medium">{title}</figcaption>
      {failed ? <p className="text-sm text-zinc-600 dark:text-zinc-400">The chart could not be drawn.</p> : null}
      <div ref={container} role="img" aria-label={`${title} chart`} className="uplot-host w-full overflow-hidden" style={{ minHeight: height }} />
    </figure>
  );
}

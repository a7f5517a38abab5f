'use client';

import { formatUptime, plural } from '@/lib/format';
import type { HealthTimelineModel, TimelineRow, TimelineState } from '@/lib/health-timeline';

const FILL: Record<TimelineState, string> = {
  live: 'bg-emerald-500',
  connecting: 'bg-sky-400',
  reconnecting: 'bg-amber-500',
  failed: 'bg-red-600',
  holding: 'bg-violet-400 bg-[repeating-linear-gradient(135deg,transparent_0_4px,rgba(255,255,255,0.45)_4px_8px)]',
  disabled: 'bg-zinc-300 dark:bg-zinc-600',
  idle: 'bg-zinc-200 dark:bg-zinc-700',
};

/** The legend, in words, in the order a broadcast usually meets them. */
const LEGEND: { state: TimelineState; words: string }[] = [
  { state: 'live', words: 'live' },
  { state: 'connecting', words: 'connecting' },
  { state: 'reconnecting', words: 'reconnecting (waiting to retry)' },
  { state: 'failed', words: 'failed (gave up)' },
  { state: 'holding', words: 'holding (publisher lost)' },
  { state: 'disabled', words: 'switched off' },
  { state: 'idle', words: 'idle (waiting for the stream)' },
];

const STATE_WORDS: Record<TimelineState, string> = {
  live: 'live',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  failed: 'failed',
  holding: 'holding',
  disabled: 'switched off',
  idle: 'idle',
};

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const time = (t: number) => clock.format(new Date(t * 1000));

/** "live 2 min 5 s · reconnecting 12 s · 1 reconnect · 40 frames dropped" */
export function rowSummary(row: TimelineRow): string {
  const parts = (Object.entries(row.seconds) as [TimelineState, number][])
    .filter(([state, s]) => s >= 0.5 && state !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .map(([state, s]) => `${STATE_WORDS[state]} ${formatUptime(s)}`);
  parts.push(plural(row.reconnects, 'reconnect', 'reconnects'), plural(row.droppedFrames, 'frame dropped', 'frames dropped'));
  return parts.join(' · ');
}

function Row({ row, from, span }: { row: TimelineRow; from: number; span: number }) {
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - from) / span) * 100))}%`;
  const width = (a: number, b: number) => `${Math.max(0, Math.min(100, ((b - a) / span) * 100))}%`;
  const summary = rowSummary(row);
  return (
    <li data-destination-id={row.id} className="min-w-0">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
        <span className="min-w-0 font-medium break-words">{row.name}</span>
        <span className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="timeline-summary">
          {summary}
        </span>
      </div>
      <div className="relative mt-1 h-4 overflow-visible rounded-sm bg-zinc-100 dark:bg-zinc-800" role="img" aria-label={`${row.name}: ${summary}`}>
        {row.segments.map((s) => (
          <span
            key={`${s.from}-${s.state}`}
            data-state={s.state}
            title={`${STATE_WORDS[s.state]} ${time(s.from)}–${time(s.to)}`}
            className={`absolute inset-y-0 ${FILL[s.state]}`}
            style={{ left: pct(s.from), width: width(s.from, s.to) }}
          />
        ))}
        {row.marks.map((m) =>
          m.kind === 'reconnect' ? (
            <span
              key={`r${m.t}`}
              data-mark="reconnect"
              title={`${time(m.t)}: ${plural(m.count, 'reconnect', 'reconnects')}`}
              className="absolute -inset-y-1 w-0.5 -translate-x-1/2 bg-zinc-900 dark:bg-zinc-100"
              style={{ left: pct(m.t) }}
            />
          ) : (
            <span
              key={`d${m.t}`}
              data-mark="drop"
              title={`${time(m.t)}: ${plural(m.count, 'frame dropped', 'frames dropped')}`}
              className="absolute -top-2.5 -translate-x-1/2 text-[10px] leading-none text-red-700 dark:text-red-400"
              style={{ left: pct(m.t) }}
            >
              ▼
            </span>
          ),
        )}
      </div>
    </li>
  );
}

/**
 * One row per destination, coloured by state over time, with dropped frames (▼) and reconnects
 * (a bar) as marks, three time labels that cannot collide, and the legend in words. Each row
 * also says in words how long it spent in each state, which is what screen readers read.
 */
export function HealthTimeline({ model, testId, endLabel }: { model: HealthTimelineModel; testId?: string; endLabel?: string }) {
  const span = Math.max(1, model.to - model.from);
  const used = new Set(model.rows.flatMap((r) => r.segments.map((s) => s.state)));
  const legend = LEGEND.filter((l) => used.has(l.state) || l.state === 'live' || l.state === 'reconnecting' || l.state === 'failed');
  return (
    <figure className="min-w-0" data-testid={testId}>
      <figcaption className="mb-2 text-sm font-medium">Destination health</figcaption>
      {model.rows.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No destination data yet.</p>
      ) : (
        <>
          <ul className="space-y-3">
            {model.rows.map((row) => (
              <Row key={row.id} row={row} from={model.from} span={span} />
            ))}
          </ul>
          <div className="mt-1 flex justify-between text-xs text-zinc-600 tabular-nums dark:text-zinc-400" aria-hidden="true">
            <span>{time(model.from)}</span>
            <span className="hidden sm:inline">{time(model.from + span / 2)}</span>
            <span>{endLabel ?? time(model.to)}</span>
          </div>
        </>
      )}
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300" aria-label="Legend">
        {legend.map((l) => (
          <li key={l.state} className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className={`inline-block h-2.5 w-4 rounded-sm ${FILL[l.state]}`} />
            {l.words}
          </li>
        ))}
        <li className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="text-[10px] text-red-700 dark:text-red-400">
            ▼
          </span>
          frames dropped
        </li>
        <li className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-0.5 bg-zinc-900 dark:bg-zinc-100" />
          reconnect
        </li>
      </ul>
    </figure>
  );
}

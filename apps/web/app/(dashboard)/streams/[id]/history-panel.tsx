'use client';

import { failureReasonSchema, ingestSessionListSchema, metricsSeriesSchema, type DestinationTimelineEntry, type IngestSession } from '@fanout/contracts';
import { useEffect, useState } from 'react';
import { card, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { describeFailure } from '@/lib/destination-state';
import { codecLabel, formatUptime } from '@/lib/format';
import { emptySeries, mergeMetrics, type Series } from '@/lib/metrics';
import { HealthCharts } from './health-charts';
import { useApiData } from '@/lib/use-api-data';
import { apiPaths } from '@/lib/api-paths';
import { describeSwitch } from '@/lib/input-switch';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A reason code in plain words; other strings (end reasons, messages) as they come. */
export function reasonText(reason: string | null | undefined, message?: string | null): string | null {
  const parsed = failureReasonSchema.safeParse(reason);
  if (parsed.success) return describeFailure(parsed.data);
  return message || reason || null;
}

/** The flat timeline grouped per destination, oldest first. */
export function timelineByDestination(timeline: readonly DestinationTimelineEntry[]): { id: string; name: string; entries: DestinationTimelineEntry[] }[] {
  const groups = new Map<string, { id: string; name: string; entries: DestinationTimelineEntry[] }>();
  for (const entry of timeline) {
    let group = groups.get(entry.destinationId);
    if (!group) {
      group = { id: entry.destinationId, name: entry.destinationName, entries: [] };
      groups.set(entry.destinationId, group);
    }
    group.entries.push(entry);
  }
  return [...groups.values()];
}

/** Every state change, per destination, as text: the detail behind the health timeline. */
function ChangeLog({ session }: { session: IngestSession }) {
  const groups = timelineByDestination(session.timeline);
  if (groups.length === 0) return <p className={subtleText}>No destination changes in this session.</p>;
  return (
    <details className="group rounded-lg border border-zinc-200 dark:border-zinc-800">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium select-none">
        Every change, as a list ({session.timeline.length})
      </summary>
      <div className="border-t border-zinc-200 px-3 py-3 dark:border-zinc-800">
        <ChangeList groups={groups} />
      </div>
    </details>
  );
}

export type ChangeItem = { kind: 'change'; entry: DestinationTimelineEntry } | { kind: 'retries'; from: string; to: string; attempts: number; reason: string | null; message: string | null };

/**
 * A destination's changes with each run of failed retries (connecting → reconnecting → connecting…)
 * folded into one line, so a flapping destination reads as "retried 12 times", not 24 lines.
 */
export function foldRetries(entries: readonly DestinationTimelineEntry[]): ChangeItem[] {
  const out: ChangeItem[] = [];
  for (const entry of entries) {
    const last = out.at(-1);
    const retryStep = (entry.from === 'reconnecting' && entry.to === 'connecting') || (entry.from === 'connecting' && entry.to === 'reconnecting');
    if (retryStep && last?.kind === 'retries') {
      last.to = entry.at;
      if (entry.to === 'connecting') last.attempts += 1;
      else [last.reason, last.message] = [entry.reason, entry.message];
      continue;
    }
    if (entry.from === 'reconnecting' && entry.to === 'connecting' && last?.kind === 'change' && last.entry.to === 'reconnecting') {
      out.push({ kind: 'retries', from: entry.at, to: entry.at, attempts: 1, reason: last.entry.reason, message: last.entry.message });
      continue;
    }
    out.push({ kind: 'change', entry });
  }
  return out;
}

function ChangeList({ groups }: { groups: ReturnType<typeof timelineByDestination> }) {
  return (
    <ul className="space-y-3">
      {groups.map((d) => (
        <li key={d.id}>
          <p className="text-sm font-semibold">{d.name}</p>
          <ol className="mt-1 space-y-0.5 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
            {foldRetries(d.entries).map((item, i) => {
              if (item.kind === 'retries') {
                const why = reasonText(item.reason, item.message);
                return (
                  <li key={`${item.from}-r${i}`} className="text-sm">
                    <time dateTime={item.from} className={`tabular-nums ${subtleText}`}>
                      {timeOnly.format(new Date(item.from))}–{timeOnly.format(new Date(item.to))}
                    </time>{' '}
                    <span className="font-medium text-amber-700 dark:text-amber-400">retried {item.attempts === 1 ? 'once' : `${item.attempts} times`}</span>
                    {why ? <span>: {why}</span> : null}
                  </li>
                );
              }
              const e = item.entry;
              const up = e.to === 'live';
              const trouble = e.to === 'failed' || e.to === 'reconnecting';
              const why = up ? null : reasonText(e.reason, e.message);
              return (
                <li key={`${e.at}-${i}`} className="text-sm">
                  <time dateTime={e.at} className={`tabular-nums ${subtleText}`}>
                    {timeOnly.format(new Date(e.at))}
                  </time>{' '}
                  <span className={up ? 'font-medium text-emerald-700 dark:text-emerald-400' : trouble ? 'font-medium text-amber-700 dark:text-amber-400' : 'font-medium'}>
                    {up ? 'up' : e.to === 'connecting' ? 'connecting' : `down (${e.to})`}
                  </span>
                  {why ? <span>: {why}</span> : null}
                </li>
              );
            })}
          </ol>
        </li>
      ))}
    </ul>
  );
}

/** What went on air and why (failover to the backup, the slate, failback), one line each. */
function InputSwitchLog({ session }: { session: IngestSession }) {
  if (session.inputSwitches.length === 0) return null;
  return (
    <div>
      <h3 className="text-sm font-semibold">Encoder switches</h3>
      <ol className="mt-1 space-y-0.5 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700" aria-label="Encoder switches">
        {session.inputSwitches.map((e, i) => (
          <li key={`${e.at}-${i}`} className="text-sm">
            <time dateTime={e.at} className={`tabular-nums ${subtleText}`}>
              {timeOnly.format(new Date(e.at))}
            </time>{' '}
            <span className={e.onAir === 'slate' || e.onAir === 'none' ? 'text-amber-700 dark:text-amber-400' : undefined}>{describeSwitch(e)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function SessionDetail({ streamId, session }: { streamId: string; session: IngestSession }) {
  const [series, setSeries] = useState<Series | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    apiRequest(apiPaths.streamMetrics(streamId, { from: session.startedAt, to: session.endedAt ?? new Date().toISOString() }), { schema: metricsSeriesSchema, signal: controller.signal })
      .then((metrics) => setSeries(mergeMetrics(emptySeries, metrics, Number.POSITIVE_INFINITY)))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : 'Could not load the charts.');
      });
    return () => controller.abort();
  }, [streamId, session.startedAt, session.endedAt]);

  return (
    <div className="mt-4 space-y-4">
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : series ? (
        <HealthCharts series={series} idPrefix={`session-${session.id}`} mode={{ kind: 'session', session }} />
      ) : (
        <p className={subtleText}>Loading charts…</p>
      )}
      <InputSwitchLog session={session} />
      <ChangeLog session={session} />
    </div>
  );
}

/** Past publish sessions: how long, how well, and when each destination was up or down and why. */
export function HistoryPanel({ streamId, refreshKey }: { streamId: string; refreshKey: string }) {
  const { data: sessions, error, reload: load } = useApiData(apiPaths.streamSessions(streamId), ingestSessionListSchema, refreshKey, 'Could not load the history.');
  const [open, setOpen] = useState<string | null>(null);

  return (
    <section aria-labelledby="history-title" className={card}>
      <h2 id="history-title" className="text-base font-semibold">
        History
      </h2>
      {error ? (
        <div role="alert" className="mt-2 flex flex-wrap items-center gap-3 text-sm">
          <span className="text-red-700 dark:text-red-400">{error}</span>
          <button type="button" className={secondaryButton} onClick={() => void load()}>
            Retry
          </button>
        </div>
      ) : sessions === null ? (
        <p className={`mt-2 ${subtleText}`} role="status">
          Loading past sessions…
        </p>
      ) : sessions.length === 0 ? (
        <p className={`mt-2 ${subtleText}`}>No broadcasts yet. Each time you go live, it shows up here.</p>
      ) : (
        <ul className="mt-3 divide-y divide-zinc-200 dark:divide-zinc-800">
          {sessions.map((s) => {
            const expanded = open === s.id;
            const ended = s.endReason ? reasonText(s.endReason) : null;
            return (
              <li key={s.id} className="py-3" data-session-id={s.id}>
                <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
                  <span className="text-sm font-medium">{dateTime.format(new Date(s.startedAt))}</span>
                  <span className="text-sm tabular-nums">{s.live ? 'live now' : formatUptime(s.durationS)}</span>
                  {s.graceS >= 1 ? <span className={`text-sm tabular-nums ${subtleText}`}>publisher away {formatUptime(s.graceS)} (not counted)</span> : null}
                  {s.avgBitrateKbps !== null ? <span className={`text-sm tabular-nums ${subtleText}`}>avg {Math.round(s.avgBitrateKbps)} kb/s</span> : null}
                  {s.avgFps !== null ? <span className={`text-sm tabular-nums ${subtleText}`}>avg {s.avgFps.toFixed(1)} fps</span> : null}
                  {s.video ? (
                    <span className={`text-sm tabular-nums ${subtleText}`}>
                      {codecLabel(s.video.codec)}
                      {s.video.width && s.video.height ? ` ${s.video.width}×${s.video.height}` : ''}
                    </span>
                  ) : null}
                  {ended ? <span className={`text-sm ${subtleText}`}>ended: {ended}</span> : null}
                  <button type="button" className={`${secondaryButton} ml-auto`} aria-expanded={expanded} onClick={() => setOpen(expanded ? null : s.id)}>
                    {expanded ? 'Hide details' : 'Details'}
                  </button>
                </div>
                {expanded ? <SessionDetail streamId={streamId} session={s} /> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

'use client';

import type { FailureReason } from '@fanout/contracts';
import { type DisplayState, STATE_LABEL, describeFailure, secondsUntil } from '@/lib/destination-state';
import { useNow } from '@/lib/use-now';

const TONE: Record<DisplayState, string> = {
  live: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30',
  connecting: 'bg-sky-100 text-sky-900 ring-sky-600/30 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-400/30',
  reconnecting: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30',
  failed: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30',
  disabled: 'bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/30',
  idle: 'bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/30',
  holding: 'bg-violet-100 text-violet-900 ring-violet-600/30 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-400/30',
};

const DOT: Record<DisplayState, string> = {
  live: 'bg-emerald-500',
  connecting: 'bg-sky-500 animate-pulse',
  reconnecting: 'bg-amber-500 animate-pulse',
  failed: 'bg-red-600',
  disabled: 'bg-zinc-400',
  idle: 'bg-zinc-400',
  holding: 'bg-violet-500 animate-pulse',
};

/** The words of a badge; pure so the list, the badge and the tests say the same thing. */
export function stateText(state: DisplayState, opts: { reason?: FailureReason | null; nextRetryAt?: string | null; now: number }): { label: string; detail: string | null } {
  const reason = describeFailure(opts.reason);
  if (state === 'reconnecting') {
    const left = secondsUntil(opts.nextRetryAt, opts.now);
    const label = left === null ? 'Reconnecting' : left > 0 ? `Reconnecting in ${left} s` : 'Reconnecting now';
    return { label, detail: reason };
  }
  if (state === 'failed') return { label: 'Failed', detail: reason ?? 'Unknown error' };
  if (state === 'holding') return { label: 'Holding', detail: 'Connected, waiting for the publisher' };
  return { label: STATE_LABEL[state], detail: null };
}

/**
 * A destination's state at a glance: colour, a dot, and words (never colour alone).
 * Reconnecting counts down to the next attempt; failed says why in plain words.
 */
export function StateBadge({
  state,
  reason,
  nextRetryAt,
}: {
  state: DisplayState;
  reason?: FailureReason | null;
  nextRetryAt?: string | null;
}) {
  const now = useNow(state === 'reconnecting' && !!nextRetryAt);
  const { label, detail } = stateText(state, { reason, nextRetryAt, now });
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1" data-state={state}>
      <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${TONE[state]}`}>
        <span aria-hidden="true" className={`size-2 rounded-full ${DOT[state]}`} />
        <span data-testid="state-label">{label}</span>
      </span>
      {detail ? <span className="text-xs font-medium text-zinc-700 dark:text-zinc-300">{detail}</span> : null}
    </span>
  );
}

/** The stream's own badge: live (with uptime) or idle. */
export function LiveBadge({ live, grace, uptime }: { live: boolean; grace?: boolean; uptime?: string | null }) {
  const tone = live
    ? grace
      ? 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200'
      : 'bg-red-600 text-white ring-red-700/40 dark:bg-red-500 dark:text-white'
    : 'bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300';
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-bold tracking-wide uppercase ring-1 ring-inset ${tone}`} data-live={live ? 'true' : 'false'}>
      <span aria-hidden="true" className={`size-2 rounded-full ${live ? (grace ? 'animate-pulse bg-amber-500' : 'bg-white') : 'bg-zinc-400'}`} />
      {live ? (grace ? 'Publisher lost' : 'Live') : 'Idle'}
      {live && uptime ? <span className="font-medium normal-case tabular-nums">· {uptime}</span> : null}
    </span>
  );
}

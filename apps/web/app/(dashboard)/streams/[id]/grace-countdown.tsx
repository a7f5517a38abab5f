'use client';

import { secondsUntil } from '@/lib/destination-state';
import { useNow } from '@/lib/use-now';

/** `7 s` under a minute, `4:32` from a minute on (a grace window may last an hour). */
export function formatCountdown(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * "Publisher lost · destinations end in 7 s" from the server's deadline, so a reload shows the
 * right time left; "· slate on air ·" while the destinations are shown the slate.
 */
export function graceText(graceEndsAt: string | null, now: number, slate = false): string {
  const lost = slate ? 'Publisher lost · slate on air' : 'Publisher lost';
  const left = secondsUntil(graceEndsAt, now);
  if (left === null) return `${lost} · destinations are held for its return`;
  return left > 0 ? `${lost} · destinations end in ${formatCountdown(left)}` : `${lost} · destinations are ending`;
}

/**
 * The grace window while it runs: the encoder dropped out and the destinations are held open for
 * it (showing the slate, when it is on air). Counting down to the server's deadline; start
 * streaming again before it ends to continue the same broadcast.
 */
export function GraceCountdown({ graceEndsAt, slate = false }: { graceEndsAt: string | null; slate?: boolean }) {
  const now = useNow(true, 500);
  return (
    <div role="status" data-testid="grace-countdown" className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      <span aria-hidden="true" className="size-2.5 animate-pulse rounded-full bg-amber-500" />
      <strong className="font-semibold tabular-nums">{graceText(graceEndsAt, now, slate)}</strong>
      <span className="text-sm">
        {slate ? 'Your viewers see the slate. ' : ''}Start streaming again in OBS before then to continue the same broadcast.
      </span>
    </div>
  );
}

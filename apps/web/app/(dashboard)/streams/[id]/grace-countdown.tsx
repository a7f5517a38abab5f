'use client';

import { secondsUntil } from '@/lib/destination-state';
import { useNow } from '@/lib/use-now';

/** "publisher lost · destinations end in 7 s" from the server's deadline, so a reload shows the right time left. */
export function graceText(graceEndsAt: string | null, now: number): string {
  const left = secondsUntil(graceEndsAt, now);
  if (left === null) return 'Publisher lost · destinations are held for its return';
  return left > 0 ? `Publisher lost · destinations end in ${left} s` : 'Publisher lost · destinations are ending';
}

/**
 * The grace window while it runs: the encoder dropped out and the destinations are held open for
 * it. Counting down to the server's deadline; start streaming again before it ends to continue
 * the same broadcast.
 */
export function GraceCountdown({ graceEndsAt }: { graceEndsAt: string | null }) {
  const now = useNow(true, 500);
  return (
    <div role="status" data-testid="grace-countdown" className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      <span aria-hidden="true" className="size-2.5 animate-pulse rounded-full bg-amber-500" />
      <strong className="font-semibold tabular-nums">{graceText(graceEndsAt, now)}</strong>
      <span className="text-sm">Start streaming again in OBS before then to continue the same broadcast.</span>
    </div>
  );
}

'use client';

import { plural } from '@/lib/format';
import { useLiveOverview } from '@/lib/use-live-overview';

/**
 * Beside the Streams navigation item: how many of your streams on air have a destination that is
 * reconnecting or failed. Nothing while all is well.
 */
export function StreamsNavBadge() {
  const overview = useLiveOverview();
  const failing = overview?.streams.filter((s) => s.destinations.failing > 0) ?? [];
  if (failing.length === 0) return null;
  const words = `${plural(failing.length, 'stream has', 'streams have')} a failing destination`;
  return (
    <span data-testid="streams-failing-badge" title={`${words}: ${failing.map((s) => s.name).join(', ')}`} className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-red-600 px-1.5 text-xs leading-5 font-bold text-white tabular-nums dark:bg-red-500">
      <span aria-hidden="true">{failing.length}</span>
      <span className="sr-only">({words})</span>
    </span>
  );
}

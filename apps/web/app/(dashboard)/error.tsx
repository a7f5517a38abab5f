'use client';

import { useEffect } from 'react';
import { card, primaryButton } from '@/components/ui';

/** Unexpected failures while rendering a dashboard page (API outages have their own panel). */
export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && 'digest' in error ? String(error.digest) : null;

  return (
    <section role="alert" className={card}>
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        This page failed to load.{digest ? ` Reference: ${digest}.` : ''}
      </p>
      <button type="button" className={`${primaryButton} mt-4`} onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}

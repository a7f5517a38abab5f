'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { primaryButton } from './ui';

/** Shown in place of a page when the API cannot be reached; Retry re-runs the server render. */
export function ApiUnavailable({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const retry = onRetry ?? (() => startTransition(() => router.refresh()));

  return (
    <section role="alert" aria-labelledby="api-unavailable-title" className="rounded-xl border border-red-300 bg-white p-5 shadow-sm sm:p-6 dark:border-red-900 dark:bg-zinc-900">
      <h2 id="api-unavailable-title" className="text-base font-semibold text-red-800 dark:text-red-300">
        Cannot reach the Fanout API
      </h2>
      <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{message}</p>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        If Fanout was just started, give it a few seconds, then retry.
      </p>
      <button type="button" className={`${primaryButton} mt-4`} onClick={retry} disabled={pending}>
        {pending ? 'Retrying…' : 'Retry'}
      </button>
    </section>
  );
}

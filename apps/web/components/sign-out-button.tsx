'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { secondaryButton } from './ui';
import { apiPaths } from '@/lib/api-paths';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setPending(true);
    setError(null);
    try {
      await apiRequest(apiPaths.logout(), { method: 'POST' });
    } catch (e) {
      // 401: the session had already ended, which is what we wanted.
      if (!(e instanceof ApiRequestError && e.status === 401)) {
        setError(e instanceof Error ? e.message : 'Sign-out failed.');
        setPending(false);
        return;
      }
    }
    router.replace('/login');
    router.refresh();
  }

  return (
    <div className="flex items-center gap-2">
      {error ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button type="button" className={secondaryButton} onClick={signOut} disabled={pending}>
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}

'use client';

import { useState } from 'react';
import { ApiRequestError } from '@/lib/api';
import { Dialog } from './dialog';
import { dangerButton, secondaryButton } from './ui';

/**
 * "Are you sure?" for destructive actions. `onConfirm` may fail: its message is shown in the
 * dialog (which stays open) instead of being lost.
 */
export function ConfirmDialog({
  title,
  description,
  confirmLabel,
  pendingLabel,
  onConfirm,
  onClose,
  describeError,
}: {
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  describeError?: (error: unknown) => string | null;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setPending(false);
      setError(describeError?.(e) ?? (e instanceof ApiRequestError || e instanceof Error ? e.message : 'Something went wrong.'));
    }
  }

  return (
    <Dialog title={title} description={description} onClose={pending ? () => undefined : onClose} initialFocus="[data-cancel]">
      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      ) : null}
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <button type="button" data-cancel className={secondaryButton} onClick={onClose} disabled={pending}>
          Cancel
        </button>
        <button type="button" className={dangerButton} onClick={confirm} disabled={pending}>
          {pending ? (pendingLabel ?? 'Working…') : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

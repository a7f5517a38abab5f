'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

export interface Toast {
  key: string;
  tone: 'failure' | 'recovery' | 'info';
  title: string;
  detail?: string | null;
}

/** How long a toast stays: trouble longer than good news. The page keeps showing the state either way. */
const LIFETIME_MS: Record<Toast['tone'], number> = { failure: 15_000, recovery: 6_000, info: 6_000 };
/** More than this at once and the oldest go: a burst of failures must not cover the page. */
const MAX_TOASTS = 4;

/** A list of toasts with push and dismiss; each leaves by itself after its lifetime. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((...next: Toast[]) => {
    if (next.length) setToasts((list) => [...list, ...next].slice(-MAX_TOASTS));
  }, []);
  const dismiss = useCallback((key: string) => setToasts((list) => list.filter((t) => t.key !== key)), []);
  return { toasts, push, dismiss };
}

const TONE: Record<Toast['tone'], string> = {
  failure: 'border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100',
  recovery: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
  info: 'border-zinc-300 bg-white text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100',
};

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (key: string) => void }) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    timer.current = setTimeout(() => onDismiss(toast.key), LIFETIME_MS[toast.tone]);
    return () => clearTimeout(timer.current);
  }, [toast.key, toast.tone, onDismiss]);
  return (
    <li role={toast.tone === 'failure' ? 'alert' : 'status'} data-tone={toast.tone} className={`pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ${TONE[toast.tone]}`}>
      <span aria-hidden="true" className="mt-0.5">
        {toast.tone === 'failure' ? '⚠' : toast.tone === 'recovery' ? '✓' : 'ℹ'}
      </span>
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{toast.title}</p>
        {toast.detail ? <p className="mt-0.5">{toast.detail}</p> : null}
      </div>
      <button type="button" onClick={() => onDismiss(toast.key)} aria-label={`Dismiss: ${toast.title}`} className="-m-1 rounded p-1 opacity-70 hover:opacity-100">
        ✕
      </button>
    </li>
  );
}

/** Toasts in a corner of the screen (the bottom on phones), announced to screen readers as they come. */
export function ToastList({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (key: string) => void }) {
  return (
    <section aria-label="Notifications" className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex justify-center p-3 sm:inset-x-auto sm:right-0 sm:justify-end sm:p-5">
      <ol className="flex w-full max-w-sm flex-col gap-2">
        {toasts.map((t) => (
          <ToastItem key={t.key} toast={t} onDismiss={onDismiss} />
        ))}
      </ol>
    </section>
  );
}

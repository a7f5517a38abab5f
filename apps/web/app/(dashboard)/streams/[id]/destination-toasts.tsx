'use client';

import { useEffect, useRef } from 'react';
import { ToastList, useToasts } from '@/components/toaster';
import { destinationToasts, emptyToastMemory } from '@/lib/destination-toasts';
import type { DestinationView } from '@/lib/stream-view';

/** Toasts for the stream page: a destination that fails or recovers while you watch (from the live events). */
export function DestinationToasts({ destinations }: { destinations: readonly DestinationView[] }) {
  const { toasts, push, dismiss } = useToasts();
  const memory = useRef(emptyToastMemory);
  useEffect(() => {
    const out = destinationToasts(memory.current, destinations);
    memory.current = out.memory;
    push(...out.toasts.map((t) => ({ key: t.key, tone: t.tone, title: t.title, detail: t.detail })));
  }, [destinations, push]);
  return <ToastList toasts={toasts} onDismiss={dismiss} />;
}

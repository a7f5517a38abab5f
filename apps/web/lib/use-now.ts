'use client';

import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs` while `active` (for countdowns and uptimes). */
export function useNow(active = true, intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

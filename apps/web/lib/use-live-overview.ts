'use client';

import { liveOverviewSchema, type LiveOverview } from '@fanout/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiRequest } from './api';
import { apiPaths } from './api-paths';

/** Dispatched on `window` when a page learns that a destination changed state, so the overview refreshes at once. */
export const DESTINATIONS_CHANGED_EVENT = 'fanout:destinations-changed';

export function announceDestinationsChanged(): void {
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(DESTINATIONS_CHANGED_EVENT));
}

/**
 * `GET /api/live`, polled every `intervalMs` while the tab is visible, at once when it becomes
 * visible again, and soon after a page announces a destination change. Failures keep the last
 * answer (the badge is a hint; the pages themselves say what is wrong).
 */
export function useLiveOverview(initial: LiveOverview | null = null, intervalMs = 5_000): LiveOverview | null {
  const [overview, setOverview] = useState<LiveOverview | null>(initial);
  const inFlight = useRef(false);
  const stopped = useRef(false);

  const refresh = useCallback(async () => {
    if (inFlight.current || stopped.current) return;
    inFlight.current = true;
    try {
      setOverview(await apiRequest(apiPaths.live(), { schema: liveOverviewSchema }));
    } catch {
      // keep the last answer
    } finally {
      inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    stopped.current = false;
    if (initial === null) void refresh();
    let soon: ReturnType<typeof setTimeout> | undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, intervalMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    // The engine's own status follows a state change within a second or so.
    const onChanged = () => {
      clearTimeout(soon);
      soon = setTimeout(() => void refresh(), 1_200);
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener(DESTINATIONS_CHANGED_EVENT, onChanged);
    return () => {
      stopped.current = true;
      clearInterval(timer);
      clearTimeout(soon);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener(DESTINATIONS_CHANGED_EVENT, onChanged);
    };
    // `initial` only seeds the first render.
  }, [refresh, intervalMs]);

  return overview;
}

'use client';

import type { Health, LiveOverview } from '@fanout/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { loadHealth, type HealthResult } from '@/lib/health';
import { useLiveOverview } from '@/lib/use-live-overview';
import { useNow } from '@/lib/use-now';
import { StatusPanel } from './status-panel';

const REFRESH_MS = 10_000;

/**
 * Live system status: starts from the server-rendered report, then re-checks every
 * 10 s while the tab is visible (and at once when it becomes visible again). The uptime
 * counts on between checks, and what is on air (or the last broadcast) comes from `/api/live`.
 */
export function SystemStatusClient({ initial, initialOverview = null }: { initial: HealthResult; initialOverview?: LiveOverview | null }) {
  const [health, setHealth] = useState<Health | null>(initial.status === 'ok' ? initial.health : null);
  /** When the shown report was taken (this page's clock), so its uptime can count on. */
  const [receivedAt, setReceivedAt] = useState(() => Date.now());
  const now = useNow(health !== null);
  const overview = useLiveOverview(initialOverview, 10_000);
  const [error, setError] = useState<string | null>(initial.status === 'error' ? initial.message : null);
  const [loading, setLoading] = useState(false);
  const inFlight = useRef<AbortController | null>(null);

  const refresh = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLoading(true);
    try {
      const result = await loadHealth(undefined, { signal: controller.signal });
      if (result.status === 'ok') {
        setHealth(result.health);
        setReceivedAt(Date.now());
        setError(null);
      } else {
        setError(result.message);
      }
    } catch (e) {
      if (controller.signal.aborted) return;
      setError(e instanceof Error ? e.message : 'Unexpected error');
    } finally {
      if (inFlight.current === controller) {
        inFlight.current = null;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      inFlight.current?.abort();
    };
  }, [refresh]);

  // Counts on from the last report while checks succeed; a stale report keeps its figure.
  const uptimeS = health === null ? 0 : health.uptimeS + (error ? 0 : Math.max(0, (now - receivedAt) / 1000));
  return <StatusPanel health={health === null ? null : { ...health, uptimeS }} error={error} loading={loading} onRetry={() => void refresh()} overview={overview} now={now} />;
}

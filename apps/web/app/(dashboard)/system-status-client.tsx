'use client';

import type { Health } from '@fanout/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { loadHealth, type HealthResult } from '@/lib/health';
import { StatusPanel } from './status-panel';

const REFRESH_MS = 10_000;

/**
 * Live system status: starts from the server-rendered report, then re-checks every
 * 10 s while the tab is visible (and at once when it becomes visible again).
 */
export function SystemStatusClient({ initial }: { initial: HealthResult }) {
  const [health, setHealth] = useState<Health | null>(initial.status === 'ok' ? initial.health : null);
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

  return <StatusPanel health={health} error={error} loading={loading} onRetry={() => void refresh()} />;
}

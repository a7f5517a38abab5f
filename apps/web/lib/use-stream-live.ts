'use client';

import { destinationStateEventSchema, ingestEventSchema, inputSwitchEventSchema, metricsSeriesSchema, streamStatusSchema, type StreamStatus } from '@fanout/contracts';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { apiRequest } from './api';
import { LIVE_WINDOW_S, appendStatus, emptySeries, mergeMetrics, type Series } from './metrics';
import { emptyStreamView, reduceStreamView, type StreamView, type StreamViewEvent } from './stream-view';
import { apiPaths } from './api-paths';
import { announceDestinationsChanged } from './use-live-overview';

export type LiveConnection = 'connecting' | 'open' | 'reconnecting' | 'paused';

interface LiveState {
  view: StreamView;
  series: Series;
}

type Action = StreamViewEvent | { type: 'backfill'; metrics: Parameters<typeof mergeMetrics>[1] };

function reducer(state: LiveState, action: Action): LiveState {
  if (action.type === 'backfill') return { ...state, series: mergeMetrics(state.series, action.metrics) };
  const view = reduceStreamView(state.view, action);
  if (view === state.view) return state;
  return { view, series: action.type === 'status' ? appendStatus(state.series, action.status) : state.series };
}

function init(initial: StreamStatus | null): LiveState {
  if (!initial) return { view: emptyStreamView, series: emptySeries };
  return reducer({ view: emptyStreamView, series: emptySeries }, { type: 'status', status: initial });
}

function data(message: Event): unknown {
  try {
    return JSON.parse((message as MessageEvent<string>).data) as unknown;
  } catch {
    return undefined;
  }
}

const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000];
/**
 * The API writes metric samples in batches every few seconds, so the newest seconds before an
 * open are not in `/metrics` yet: they are fetched once more this long after it.
 */
const CATCH_UP_MS = 6_000;

/**
 * Live status of one stream over Server-Sent Events (`/api/streams/:id/events`): `status`
 * every second (5 s while idle), `state` the moment a destination changes, `ingest` when the
 * publisher arrives or leaves, `input` when what is on air changes (primary, backup, slate). When the connection drops it
 * reconnects with backoff; while the tab is hidden it disconnects. Either way, on the next
 * open the gap is filled from `/api/streams/:id/metrics`, so the charts have no hole. The first
 * open fills the whole visible window, so a page opened or reloaded mid-broadcast shows the
 * last minutes at once.
 */
export function useStreamLive(streamId: string, initial: StreamStatus | null, eventSource: typeof EventSource | undefined = globalThis.EventSource) {
  const [state, dispatch] = useReducer(reducer, initial, init);
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  const lastSeen = useRef<number | null>(initial ? Date.parse(initial.at) : null);

  const backfill = useCallback(
    async (from: number, to: number) => {
      if (to - from < 1_500) return;
      try {
        const metrics = await apiRequest(apiPaths.streamMetrics(streamId, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }), { schema: metricsSeriesSchema });
        dispatch({ type: 'backfill', metrics });
      } catch {
        // History is a nicety: live points keep coming either way.
      }
    },
    [streamId],
  );

  useEffect(() => {
    if (!eventSource) return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let catchUpTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    let firstOpen = true;

    const close = () => {
      source?.close();
      source = null;
      clearTimeout(retryTimer);
      clearTimeout(catchUpTimer);
    };

    const open = () => {
      close();
      if (stopped) return;
      const es = new eventSource(apiPaths.streamEvents(streamId));
      source = es;
      es.addEventListener('open', () => {
        attempt = 0;
        setConnection('open');
        const now = Date.now();
        const windowStart = now - LIVE_WINDOW_S * 1000;
        void backfill(firstOpen ? windowStart : Math.max(windowStart, lastSeen.current ?? windowStart), now);
        firstOpen = false;
        clearTimeout(catchUpTimer);
        catchUpTimer = setTimeout(() => void backfill(now - CATCH_UP_MS - 4_000, now), CATCH_UP_MS);
      });
      es.addEventListener('status', (message) => {
        const parsed = streamStatusSchema.safeParse(data(message));
        if (!parsed.success) return;
        lastSeen.current = Date.parse(parsed.data.at);
        dispatch({ type: 'status', status: parsed.data });
      });
      es.addEventListener('state', (message) => {
        const parsed = destinationStateEventSchema.safeParse(data(message));
        if (!parsed.success) return;
        dispatch({ type: 'state', event: parsed.data });
        announceDestinationsChanged();
      });
      es.addEventListener('ingest', (message) => {
        const parsed = ingestEventSchema.safeParse(data(message));
        if (parsed.success) dispatch({ type: 'ingest', event: parsed.data });
      });
      es.addEventListener('input', (message) => {
        const parsed = inputSwitchEventSchema.safeParse(data(message));
        if (parsed.success) dispatch({ type: 'input', event: parsed.data });
      });
      es.addEventListener('error', () => {
        // EventSource retries on its own only while the server keeps answering 200; take over.
        es.close();
        if (source !== es) return;
        source = null;
        setConnection('reconnecting');
        const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
        attempt += 1;
        retryTimer = setTimeout(open, delay);
      });
    };

    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        close();
        setConnection('paused');
      } else if (!source) {
        attempt = 0;
        setConnection('connecting');
        open();
      }
    };

    open();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      close();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [streamId, eventSource, backfill]);

  return { view: state.view, series: state.series, connection };
}

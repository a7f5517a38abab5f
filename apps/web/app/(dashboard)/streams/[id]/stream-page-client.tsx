'use client';

import type { Destination, Stream, StreamDetail } from '@fanout/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { LiveBadge } from '@/components/state-badge';
import { card, subtleText } from '@/components/ui';
import { formatUptime } from '@/lib/format';
import { LIVE_WINDOW_S } from '@/lib/metrics';
import { healthSummary } from '@/lib/stream-view';
import type { StreamPageData } from '@/lib/streams';
import { useNow } from '@/lib/use-now';
import { useStreamLive, type LiveConnection } from '@/lib/use-stream-live';
import { DestinationToasts } from './destination-toasts';
import { DestinationsPanel } from './destinations-panel';
import { EncoderDropCard } from './encoder-drop-card';
import { GraceCountdown } from './grace-countdown';
import { HealthCharts } from './health-charts';
import { HistoryPanel } from './history-panel';
import { IngestFacts } from './ingest-facts';
import { IngestPanel } from './ingest-panel';
import { OnAirPanel } from './on-air-panel';
import { PreviewPanel } from './preview-panel';
import { RecordingsPanel } from './recordings-panel';
import { StreamActions } from './stream-actions';

const CONNECTION_TEXT: Record<LiveConnection, string | null> = {
  open: null,
  connecting: 'Connecting to live status…',
  reconnecting: 'Live status lost; reconnecting…',
  paused: 'Live status paused while this tab is hidden.',
};

/** One stream during a broadcast: is it live, where is it going, how healthy is it. */
export function StreamPageClient({ initial, eventSource }: { initial: StreamPageData; eventSource?: typeof EventSource }) {
  const [stream, setStream] = useState<StreamDetail>(initial.stream);
  const [destinations, setDestinations] = useState<Destination[]>(initial.destinations);
  const { view, series, connection } = useStreamLive(stream.id, initial.status, eventSource);
  const ingest = view.ingest;
  const live = ingest?.state === 'live';
  const grace = live && ingest.reconnectGrace;
  const now = useNow(live);
  const uptime = live ? formatUptime(ingest.startedAt ? (now - Date.parse(ingest.startedAt)) / 1000 : ingest.uptimeS) : null;
  const health = healthSummary(view.destinations);
  const connectionText = CONNECTION_TEXT[connection];
  const saved = (next: Partial<Stream>) => setStream((current) => ({ ...current, ...next }));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <nav aria-label="Breadcrumb" className="w-full text-sm">
          <Link href="/streams" className="text-sky-700 hover:underline dark:text-sky-400">
            Streams
          </Link>
        </nav>
        <h1 className="min-w-0 text-2xl font-semibold tracking-tight break-words">{stream.name}</h1>
        <span data-testid="stream-live">
          <LiveBadge live={live} grace={ingest?.reconnectGrace} uptime={uptime} />
        </span>
        {live && !grace && health.enabled > 0 ? (
          <span className={`text-sm font-semibold tabular-nums ${health.live === health.enabled ? 'text-emerald-700 dark:text-emerald-400' : 'text-amber-700 dark:text-amber-400'}`}>
            {health.live}/{health.enabled} destinations live
          </span>
        ) : null}
        {connectionText ? (
          <span role="status" className={`text-sm ${subtleText}`}>
            {connectionText}
          </span>
        ) : null}
        <div className="ml-auto">
          <StreamActions stream={stream} live={live} onRenamed={saved} />
        </div>
      </div>

      {grace ? <GraceCountdown graceEndsAt={ingest.graceEndsAt} slate={view.inputs?.onAir === 'slate'} /> : null}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="min-w-0 space-y-6">
          <DestinationsPanel streamId={stream.id} destinations={destinations} live={view.destinations} ingestLive={live} grace={grace} onChange={setDestinations} />
          <section aria-labelledby="health-title" className={card}>
            <h2 id="health-title" className="mb-3 text-base font-semibold">
              Live health
            </h2>
            {live || series.ingestBitrateKbps.some((v) => (v ?? 0) > 0) ? (
              <HealthCharts series={series} mode={{ kind: 'live', ingest, windowS: LIVE_WINDOW_S }} />
            ) : (
              <p className={subtleText}>Charts of the incoming stream and of every destination appear here once you go live, updated every second.</p>
            )}
          </section>
        </div>
        {/* On a phone the server and key come first: they are what you reach for to go live. */}
        <div className="order-first min-w-0 space-y-6 lg:order-none">
          {live && view.inputs ? <OnAirPanel streamId={stream.id} inputs={view.inputs} lastSwitch={view.lastSwitch} /> : null}
          <IngestPanel stream={stream} onRotated={setStream} />
          <PreviewPanel streamId={stream.id} ingest={ingest} />
          <IngestFacts ingest={ingest} />
          <EncoderDropCard stream={stream} onChange={saved} />
        </div>
      </div>

      <HistoryPanel streamId={stream.id} refreshKey={live ? 'live' : 'idle'} />
      <RecordingsPanel stream={stream} refreshKey={live ? 'live' : 'idle'} onChange={saved} />
      <DestinationToasts destinations={view.destinations} />
    </div>
  );
}

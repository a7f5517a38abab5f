import type { Health, LiveOverview } from '@fanout/contracts';
import Link from 'next/link';
import { card, secondaryButton } from '@/components/ui';
import { formatUptime, plural } from '@/lib/format';

function StatusBadge({ up }: { up: boolean }) {
  return (
    <span
      className={
        up
          ? 'inline-flex items-center gap-1.5 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
          : 'inline-flex items-center gap-1.5 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300'
      }
    >
      <span aria-hidden="true" className={`size-1.5 rounded-full ${up ? 'bg-emerald-500' : 'bg-red-500'}`} />
      {up ? 'Up' : 'Down'}
    </span>
  );
}

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1 py-3 sm:flex-row sm:items-baseline sm:gap-4">
      <dt className="w-36 shrink-0 text-sm text-zinc-600 dark:text-zinc-400">{term}</dt>
      <dd className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">{children}</dd>
    </div>
  );
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What is on air now, or the last broadcast: what a streamer opening Settings wants to know first. */
export function Broadcasts({ overview, now }: { overview: LiveOverview; now: number }) {
  if (overview.streams.length > 0) {
    return (
      <ul className="space-y-0.5">
        {overview.streams.map((s) => (
          <li key={s.streamId}>
            <Link href={`/streams/${s.streamId}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
              {s.name}
            </Link>{' '}
            {s.state === 'grace' ? 'publisher lost, holding its destinations' : 'live now'}
            {s.destinations.enabled > 0 ? ` · ${s.destinations.live}/${s.destinations.enabled} destinations live` : ''}
            {s.destinations.failing > 0 ? <span className="text-amber-700 dark:text-amber-400"> · {s.destinations.failing} failing</span> : null}
          </li>
        ))}
      </ul>
    );
  }
  const last = overview.lastBroadcast;
  if (!last) return <span>Nothing has been broadcast yet. Open a stream for its server URL and key, and point OBS at them to go live.</span>;
  const ended = Date.parse(last.endedAt);
  return (
    <span>
      <Link href={`/streams/${last.streamId}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
        {last.name}
      </Link>
      , ended{' '}
      <time dateTime={last.endedAt} title={when.format(new Date(ended))}>
        {formatUptime(Math.max(0, (now - ended) / 1000))} ago
      </time>{' '}
      after {formatUptime(last.durationS)} on air
    </span>
  );
}

export interface StatusPanelProps {
  health: Health | null;
  /** Why the last check failed; shown with a retry button. */
  error: string | null;
  loading: boolean;
  onRetry: () => void;
  /** On air now and the last broadcast (`GET /api/live`), when known. */
  overview?: LiveOverview | null;
  /** The time the relative texts count from (default now). */
  now?: number;
}

/** The "System status" card: presentational, fed by `SystemStatusClient`. */
export function StatusPanel({ health, error, loading, onRetry, overview = null, now = Date.now() }: StatusPanelProps) {
  return (
    <section aria-labelledby="system-status-title" aria-busy={loading} className={card}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="system-status-title" className="text-base font-semibold">
          System status
        </h2>
        {health ? (
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            {error ? 'Last known status' : health.status === 'ok' ? 'All systems normal' : 'Degraded'}
          </span>
        ) : null}
      </div>

      {error ? (
        <div role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950">
          <p className="text-sm font-medium text-red-800 dark:text-red-200">Could not check the system status.</p>
          <p className="mt-0.5 text-sm text-red-800 dark:text-red-200">{error}</p>
          <button type="button" className={`${secondaryButton} mt-3`} onClick={onRetry} disabled={loading}>
            {loading ? 'Retrying…' : 'Retry'}
          </button>
        </div>
      ) : null}

      {!health && !error ? (
        <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400" role="status">
          Checking…
        </p>
      ) : null}

      {health ? (
        <dl className={`mt-2 divide-y divide-zinc-200 dark:divide-zinc-800 ${error ? 'opacity-60' : ''}`}>
          <Row term="Database">
            <StatusBadge up={health.database.status === 'ok'} />
            <span>{health.database.embedded ? 'Embedded PostgreSQL' : 'External PostgreSQL'}</span>
            {health.database.detail ? <span className="text-zinc-600 dark:text-zinc-400">— {health.database.detail}</span> : null}
          </Row>
          <Row term="RTMP listener">
            <StatusBadge up={health.rtmp.status === 'ok'} />
            <span>Port {health.rtmp.port}</span>
            <span aria-hidden="true" className="text-zinc-400">·</span>
            <span>
              {health.rtmp.connections === 0 ? 'No connections' : plural(health.rtmp.connections, 'connection', 'connections')}
            </span>
            {health.rtmp.detail ? <span className="text-zinc-600 dark:text-zinc-400">— {health.rtmp.detail}</span> : null}
          </Row>
          <Row term="Version">
            <span className="font-mono">{health.version}</span>
          </Row>
          <Row term="Uptime">
            <span data-testid="system-uptime">{formatUptime(health.uptimeS)}</span>
          </Row>
          {overview ? (
            <Row term={overview.streams.length > 0 ? 'On air' : 'Last broadcast'}>
              <Broadcasts overview={overview} now={now} />
            </Row>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

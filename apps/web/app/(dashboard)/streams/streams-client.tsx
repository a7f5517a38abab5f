'use client';

import { createStreamSchema, streamDetailSchema, type StreamDetail } from '@fanout/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { StateBadge, LiveBadge } from '@/components/state-badge';
import { TextField } from '@/components/text-field';
import { alertBox, card, primaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { formatUptime, plural } from '@/lib/format';
import { healthSummary } from '@/lib/stream-view';
import type { StreamListItem } from '@/lib/streams';
import { useNow } from '@/lib/use-now';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';

const REFRESH_MS = 5_000;

/** "4/5 live", "2 destinations", "No destinations": what a row says about its destinations. */
export function destinationSummary(item: Pick<StreamListItem, 'status' | 'destinations'>): { text: string; tone: 'ok' | 'warn' | 'muted' } {
  if (item.status) {
    const h = healthSummary(item.status.destinations);
    if (h.total === 0) return { text: 'No destinations', tone: 'muted' };
    if (item.status.ingest.state !== 'live') {
      const disabled = h.total - h.enabled;
      return { text: `${plural(h.total, 'destination', 'destinations')}${disabled ? `, ${disabled} disabled` : ''}`, tone: 'muted' };
    }
    const tone = h.live === h.enabled ? 'ok' : 'warn';
    return { text: `${h.live}/${h.enabled} live${h.failing ? `, ${h.failing} failing` : ''}`, tone };
  }
  if (item.destinations) {
    if (item.destinations.length === 0) return { text: 'No destinations', tone: 'muted' };
    return { text: plural(item.destinations.length, 'destination', 'destinations'), tone: 'muted' };
  }
  return { text: 'Status unavailable', tone: 'muted' };
}

function uptimeOf(item: StreamListItem, now: number): string | null {
  const ingest = item.status?.ingest;
  if (!ingest || ingest.state !== 'live') return null;
  if (ingest.startedAt) return formatUptime((now - Date.parse(ingest.startedAt)) / 1000);
  return formatUptime(ingest.uptimeS);
}

function StreamRow({ item, now }: { item: StreamListItem; now: number }) {
  const live = item.status?.ingest.state === 'live';
  const summary = destinationSummary(item);
  const failing = item.status?.destinations.filter((d) => d.state === 'failed' || d.state === 'reconnecting') ?? [];
  return (
    <li className="flex flex-col gap-2 px-4 py-4 sm:flex-row sm:items-center sm:gap-4 sm:px-5" data-stream-id={item.stream.id}>
      <div className="min-w-0 flex-1">
        <Link href={`/streams/${item.stream.id}`} className="block truncate text-base font-semibold text-sky-800 hover:underline dark:text-sky-300">
          {item.stream.name}
        </Link>
        {failing.length > 0 && live ? (
          <ul className="mt-1 flex flex-wrap gap-2">
            {failing.map((d) => (
              <li key={d.id} className="flex items-center gap-1 text-xs">
                <span className="font-medium">{d.name}:</span>
                <StateBadge state={d.state} reason={d.lastError?.reason} nextRetryAt={d.nextRetryAt} />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        {item.status ? <LiveBadge live={live} grace={item.status.ingest.reconnectGrace} uptime={uptimeOf(item, now)} /> : null}
        <span
          data-testid="destination-summary"
          className={`text-sm font-medium tabular-nums ${summary.tone === 'ok' ? 'text-emerald-700 dark:text-emerald-400' : summary.tone === 'warn' ? 'text-amber-700 dark:text-amber-400' : 'text-zinc-600 dark:text-zinc-400'}`}
        >
          {summary.text}
        </span>
      </div>
    </li>
  );
}

function CreateStreamForm() {
  const router = useRouter();
  const { errors, formError, pending, submit } = useApiForm('Could not create the stream.');
  const [navigating, setNavigating] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createStreamSchema.safeParse({ name: String(new FormData(event.currentTarget).get('name') ?? '') });
    await submit(parsed, async (input) => {
      const created: StreamDetail = await apiRequest(apiPaths.streams(), { method: 'POST', json: input, schema: streamDetailSchema });
      setNavigating(true); // the button stays busy until the new page shows
      router.push(`/streams/${created.id}`);
    });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="flex flex-col gap-3 sm:flex-row sm:items-start" aria-label="Create stream">
      <div className="flex-1">
        <TextField name="name" label="New stream name" placeholder="Sunday service" error={errors['name']} maxLength={100} />
      </div>
      <button type="submit" className={`${primaryButton} sm:mt-7`} disabled={pending || navigating}>
        {pending ? 'Creating…' : 'Create stream'}
      </button>
      {formError ? (
        <p role="alert" className={alertBox}>
          {formError}
        </p>
      ) : null}
    </form>
  );
}

/** Every stream with its live state and destination health; refreshes every few seconds. */
export function StreamsClient({ items }: { items: StreamListItem[] }) {
  const router = useRouter();
  const anyLive = items.some((i) => i.status?.ingest.state === 'live');
  const now = useNow(anyLive);

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [router]);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Streams</h1>
      <section className={card} aria-labelledby="create-stream-title">
        <h2 id="create-stream-title" className="sr-only">
          Create a stream
        </h2>
        <CreateStreamForm />
      </section>
      {items.length === 0 ? (
        <section className={`${card} text-center`} aria-labelledby="no-streams">
          <h2 id="no-streams" className="text-base font-semibold">
            No streams yet
          </h2>
          <p className={`mt-1 ${subtleText}`}>Create one above: you get a server URL and a stream key for OBS, then add where it should go.</p>
        </section>
      ) : (
        <section aria-label="Your streams" className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.map((item) => (
              <StreamRow key={item.stream.id} item={item} now={now} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

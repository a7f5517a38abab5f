'use client';

import { destinationSchema, platformPreset, type Destination } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Dialog } from '@/components/dialog';
import { StateBadge } from '@/components/state-badge';
import { Toggle } from '@/components/toggle';
import { alertBox, cardFrame, primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { formatKbps } from '@/lib/format';
import { type DestinationView, displayedState } from '@/lib/stream-view';
import { apiPaths } from '@/lib/api-paths';
import { RetryNowButton, TestConnectionButton } from './destination-actions';
import { DestinationForm } from './destination-form';

function DestinationCard({
  destination,
  live,
  ingestLive,
  grace,
  onChanged,
  onEdit,
  onDelete,
}: {
  destination: Destination;
  live: DestinationView | undefined;
  ingestLive: boolean;
  /** The publisher is gone and destinations are held open (grace window). */
  grace: boolean;
  onChanged: (d: Destination) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const state = displayedState(destination.enabled, live, ingestLive, grace);
  const canRetry = ingestLive && (state === 'reconnecting' || state === 'failed');

  async function setEnabled(enabled: boolean) {
    setPending(true);
    setError(null);
    try {
      const saved = await apiRequest(apiPaths.destination(destination.id), { method: 'PATCH', json: { enabled }, schema: destinationSchema });
      onChanged(saved);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not change the destination.');
    } finally {
      setPending(false);
    }
  }

  // Saved warnings (a private server, allowed for owners and admins) and the live ones.
  const warnings = [...destination.warnings, ...(live?.warnings ?? [])];
  return (
    <li className="px-4 py-4 sm:px-5" data-destination-id={destination.id} data-state={state}>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="min-w-0 text-base font-semibold break-words">{destination.name}</h3>
            <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">{platformPreset(destination.platform).label}</span>
          </div>
          {/* The whole URL, wrapped where it must: a cut-off server name is a guessing game. */}
          <p className={`mt-0.5 font-mono text-xs break-all ${subtleText}`} data-testid="destination-url">
            {destination.url}
            <span className="whitespace-nowrap"> · key {destination.streamKeyMasked}</span>
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1">
            <StateBadge state={state} reason={live?.failure?.reason} nextRetryAt={live?.nextRetryAt} />
            {state === 'live' && live ? <span className="text-sm font-medium tabular-nums">{formatKbps(live.bitrateKbps)}</span> : null}
            {live && (live.droppedFrames > 0 || live.reconnects > 0) ? (
              <span className={`text-xs tabular-nums ${subtleText}`}>
                {live.droppedFrames} dropped · {live.reconnects} reconnects
              </span>
            ) : null}
          </div>
          {warnings.length ? (
            <ul className="mt-2 space-y-1" aria-label={`Warnings for ${destination.name}`}>
              {warnings.map((w) => (
                <li key={w} className="rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                  <span aria-hidden="true">⚠ </span>
                  {w}
                </li>
              ))}
            </ul>
          ) : null}
          {error ? (
            <p role="alert" className={`mt-2 ${alertBox}`}>
              {error}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Toggle checked={destination.enabled} disabled={pending} label={`Send to ${destination.name}`} onChange={setEnabled} />
          {canRetry ? <RetryNowButton destination={destination} onError={setError} /> : null}
          {!ingestLive ? <TestConnectionButton destination={destination} /> : null}
          <button type="button" className={secondaryButton} onClick={onEdit} aria-label={`Edit ${destination.name}`}>
            Edit
          </button>
          <button type="button" className={secondaryButton} onClick={onDelete} aria-label={`Delete ${destination.name}`}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}

type Editing = { mode: 'add' } | { mode: 'edit'; destination: Destination } | { mode: 'delete'; destination: Destination } | null;

/** The stream's destinations with their live state; add, edit, switch on/off (also while live), delete. */
export function DestinationsPanel({
  streamId,
  destinations,
  live,
  ingestLive,
  grace = false,
  onChange,
}: {
  streamId: string;
  destinations: Destination[];
  live: DestinationView[];
  ingestLive: boolean;
  grace?: boolean;
  onChange: (next: Destination[]) => void;
}) {
  const [editing, setEditing] = useState<Editing>(null);
  const byId = new Map(live.map((d) => [d.id, d]));

  function upsert(saved: Destination) {
    const exists = destinations.some((d) => d.id === saved.id);
    onChange(exists ? destinations.map((d) => (d.id === saved.id ? saved : d)) : [...destinations, saved]);
  }

  return (
    <section aria-labelledby="destinations-title" className={cardFrame}>
      <div className="flex items-center justify-between gap-3 px-4 pt-4 sm:px-5 sm:pt-5">
        <h2 id="destinations-title" className="text-base font-semibold">
          Destinations
        </h2>
        <button type="button" className={primaryButton} onClick={() => setEditing({ mode: 'add' })}>
          Add destination
        </button>
      </div>
      {destinations.length === 0 ? (
        <p className={`px-4 pt-2 pb-5 sm:px-5 ${subtleText}`}>No destinations yet. Add YouTube, Twitch or any RTMP server: Fanout sends your stream to each of them.</p>
      ) : (
        <ul className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800">
          {destinations.map((d) => (
            <DestinationCard
              key={d.id}
              destination={d}
              live={byId.get(d.id)}
              ingestLive={ingestLive}
              grace={grace}
              onChanged={upsert}
              onEdit={() => setEditing({ mode: 'edit', destination: d })}
              onDelete={() => setEditing({ mode: 'delete', destination: d })}
            />
          ))}
        </ul>
      )}
      {editing?.mode === 'add' || editing?.mode === 'edit' ? (
        <Dialog title={editing.mode === 'add' ? 'Add destination' : `Edit ${editing.destination.name}`} onClose={() => setEditing(null)}>
          <DestinationForm
            streamId={streamId}
            destination={editing.mode === 'edit' ? editing.destination : undefined}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              upsert(saved);
              setEditing(null);
            }}
          />
        </Dialog>
      ) : null}
      {editing?.mode === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${editing.destination.name}?`}
          description={ingestLive ? 'Fanout stops sending to it at once, and forgets its URL and key.' : 'Fanout forgets its URL and key.'}
          confirmLabel="Delete destination"
          pendingLabel="Deleting…"
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            const id = editing.destination.id;
            await apiRequest(apiPaths.destination(id), { method: 'DELETE' });
            onChange(destinations.filter((d) => d.id !== id));
          }}
        />
      ) : null}
    </section>
  );
}

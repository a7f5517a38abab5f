'use client';

import { recordingListSchema, streamSchema, type Recording, type Stream } from '@fanout/contracts';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Dialog } from '@/components/dialog';
import { Toggle } from '@/components/toggle';
import { alertBox, card, secondaryButton, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { codecLabel, formatBytes, formatUptime } from '@/lib/format';
import { recordingCodecs, recordingStateText } from '@/lib/recordings';
import { useApiData } from '@/lib/use-api-data';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const TONE: Record<Recording['state'], string> = {
  recording: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30',
  complete: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-400/30',
  interrupted: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-400/30',
  failed: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200 dark:ring-red-400/30',
};

const DOT: Record<Recording['state'], string> = {
  recording: 'bg-red-600 animate-pulse',
  complete: 'bg-emerald-500',
  interrupted: 'bg-amber-500',
  failed: 'bg-red-600',
};

function RecordingBadge({ recording }: { recording: Recording }) {
  const { label, detail } = recordingStateText(recording);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1" data-recording-state={recording.state}>
      <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${TONE[recording.state]}`}>
        <span aria-hidden="true" className={`size-2 rounded-full ${DOT[recording.state]}`} />
        <span data-testid="recording-state">{label}</span>
      </span>
      {detail ? <span className="text-xs font-medium text-zinc-700 dark:text-zinc-300">{detail}</span> : null}
    </span>
  );
}

function PlayDialog({ recording, title, onClose }: { recording: Recording; title: string; onClose: () => void }) {
  return (
    <Dialog title={title} onClose={onClose}>
      {/* The file is served as an attachment; a <video> ignores Content-Disposition and seeks with Range requests. */}
      <video src={recording.fileUrl} controls autoPlay playsInline preload="metadata" className="aspect-video w-full rounded-md bg-black" data-testid="recording-video" />
      <div className="mt-4 flex justify-end gap-2">
        <a href={recording.fileUrl} download className={secondaryButton}>
          Download
        </a>
        <button type="button" className={secondaryButton} onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

/** One line per recording: when, how long, how big, which codecs, and its state with the reason in words. */
function RecordingRow({ recording, onPlay, onDelete }: { recording: Recording; onPlay: () => void; onDelete: () => void }) {
  const codecs = recordingCodecs(recording, codecLabel);
  const playable = recording.bytes > 0 && recording.state !== 'failed';
  const name = `recording of ${dateTime.format(new Date(recording.startedAt))}${recording.part > 1 ? `, part ${recording.part}` : ''}`;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3" data-recording-id={recording.id}>
      <div className="min-w-0 space-y-1">
        <p className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
          <time dateTime={recording.startedAt} className="text-sm font-medium">
            {dateTime.format(new Date(recording.startedAt))}
          </time>
          {recording.part > 1 ? <span className={`text-sm ${subtleText}`}>part {recording.part}</span> : null}
          <span className="text-sm tabular-nums">{formatUptime(recording.durationMs / 1000)}</span>
          <span className={`text-sm tabular-nums ${subtleText}`}>{formatBytes(recording.bytes)}</span>
          {codecs ? <span className={`text-sm ${subtleText}`}>{codecs}</span> : null}
        </p>
        <RecordingBadge recording={recording} />
      </div>
      <div className="ml-auto flex flex-wrap gap-2">
        <button type="button" className={secondaryButton} disabled={!playable} onClick={onPlay} aria-label={`Play ${name}`}>
          Play
        </button>
        {playable ? (
          <a href={recording.fileUrl} download className={secondaryButton} aria-label={`Download ${name}`}>
            Download
          </a>
        ) : null}
        <button type="button" className={secondaryButton} onClick={onDelete} aria-label={`Delete ${name}`}>
          Delete…
        </button>
      </div>
    </li>
  );
}

/**
 * "Record broadcasts" for the stream, and its recordings: play one in the page, download or delete
 * it. Reloaded when the stream goes live or idle (a recording starts or ends with the broadcast).
 */
export function RecordingsPanel({ stream, refreshKey, onChange }: { stream: Pick<Stream, 'id' | 'record'>; refreshKey: string; onChange: (stream: Stream) => void }) {
  const [recordPending, setRecordPending] = useState(false);
  const [recordError, setRecordError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<Recording | null>(null);
  const [deleting, setDeleting] = useState<Recording | null>(null);
  const streamId = stream.id;
  const { data: recordings, setData: setRecordings, error, reload: load } = useApiData(apiPaths.streamRecordings(streamId), recordingListSchema, refreshKey, 'Could not load the recordings.');

  // A recording being written grows: its duration and size are re-read every 10 s until it ends.
  const growing = recordings?.some((r) => r.state === 'recording') ?? false;
  useEffect(() => {
    if (!growing) return;
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [growing, load]);

  async function setRecord(record: boolean) {
    setRecordPending(true);
    setRecordError(null);
    try {
      onChange(await apiRequest(apiPaths.stream(streamId), { method: 'PATCH', json: { record }, schema: streamSchema }));
      // Turning it on while live starts a recording at once; off ends it.
      void load();
    } catch (e) {
      setRecordError(e instanceof ApiRequestError ? (e.fieldErrors['record'] ?? e.message) : 'Could not change recording.');
    } finally {
      setRecordPending(false);
    }
  }

  async function remove(recording: Recording) {
    await apiRequest(apiPaths.recording(recording.id), { method: 'DELETE' });
    setRecordings((list) => list?.filter((r) => r.id !== recording.id) ?? list);
  }

  return (
    <section aria-labelledby="recordings-title" className={card}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="recordings-title" className="text-base font-semibold">
          Recordings
        </h2>
        <div className="flex items-center gap-3">
          <span className="text-sm font-medium">Record broadcasts</span>
          <Toggle checked={stream.record} label="Record broadcasts" describedBy="record-hint" disabled={recordPending} onChange={(next) => void setRecord(next)} />
        </div>
      </div>
      <p id="record-hint" className={`mt-1 ${subtleText}`}>
        {stream.record ? 'Each broadcast is saved as an MP4 on the server. Turning this off while live ends the recording.' : 'Off: broadcasts are not saved. Turning this on while live starts recording at once.'}
      </p>
      {recordError ? (
        <p role="alert" className={`mt-2 ${alertBox}`}>
          {recordError}
        </p>
      ) : null}

      {error ? (
        <div role="alert" className="mt-3 flex flex-wrap items-center gap-3 text-sm">
          <span className="text-red-700 dark:text-red-400">{error}</span>
          <button type="button" className={secondaryButton} onClick={() => void load()}>
            Retry
          </button>
        </div>
      ) : recordings === null ? (
        <p className={`mt-3 ${subtleText}`} role="status">
          Loading recordings…
        </p>
      ) : recordings.length === 0 ? (
        <p className={`mt-3 ${subtleText}`}>No recordings yet.</p>
      ) : (
        <ul className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Recordings">
          {recordings.map((r) => (
            <RecordingRow key={r.id} recording={r} onPlay={() => setPlaying(r)} onDelete={() => setDeleting(r)} />
          ))}
        </ul>
      )}

      {playing ? <PlayDialog recording={playing} title={`Recording of ${dateTime.format(new Date(playing.startedAt))}`} onClose={() => setPlaying(null)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this recording?"
          description={`The recording of ${dateTime.format(new Date(deleting.startedAt))} (${formatUptime(deleting.durationMs / 1000)}, ${formatBytes(deleting.bytes)}) is deleted from the server. This cannot be undone.`}
          confirmLabel="Delete recording"
          pendingLabel="Deleting…"
          onConfirm={() => remove(deleting)}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </section>
  );
}

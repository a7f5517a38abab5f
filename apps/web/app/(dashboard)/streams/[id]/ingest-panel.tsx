'use client';

import { streamDetailSchema, type StreamDetail } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CopyButton } from '@/components/copy-button';
import { card, input, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';

const MASK = '•'.repeat(24);

/** Where OBS publishes: server URL and stream key, each copyable; the key masked until revealed. */
export function IngestPanel({ stream, onRotated }: { stream: StreamDetail; onRotated: (stream: StreamDetail) => void }) {
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const key = stream.streamKey;

  async function rotate() {
    const updated = await apiRequest(apiPaths.streamRotateKey(stream.id), { method: 'POST', schema: streamDetailSchema });
    onRotated(updated);
    setNotice('New stream key created; the old key no longer works. Paste the new one into OBS (if you were live, start streaming again now to continue the broadcast).');
  }

  return (
    <section aria-labelledby="ingest-title" className={card}>
      <h2 id="ingest-title" className="text-base font-semibold">
        Ingest
      </h2>
      <p className={`mt-1 ${subtleText}`}>
        In OBS: <strong>Settings → Stream</strong>, Service <strong>Custom…</strong>, then paste these two. In <strong>Output</strong>, set the
        keyframe interval to <strong>2 s</strong>.
      </p>

      <label htmlFor="ingest-server" className="mt-4 block text-sm font-medium">
        Server
      </label>
      <div className="mt-1.5 flex gap-2">
        <input id="ingest-server" readOnly value={stream.ingestUrl} spellCheck={false} className={`${input} font-mono text-[13px]`} />
        <CopyButton value={stream.ingestUrl} label="Copy server" />
      </div>

      <label htmlFor="ingest-key" className="mt-4 block text-sm font-medium">
        Stream key
      </label>
      {key ? (
        <>
          <div className="mt-1.5 flex flex-wrap gap-2 sm:flex-nowrap">
            <input
              id="ingest-key"
              readOnly
              value={revealed ? key : MASK}
              aria-label={revealed ? 'Stream key' : 'Stream key (hidden)'}
              spellCheck={false}
              autoComplete="off"
              className={`${input} min-w-0 flex-1 basis-full font-mono text-[13px] sm:basis-auto`}
            />
            <button type="button" className={secondaryButton} aria-pressed={revealed} onClick={() => setRevealed((r) => !r)}>
              {revealed ? 'Hide' : 'Reveal'}
            </button>
            <CopyButton value={key} label="Copy stream key" />
          </div>
          <p className={`mt-1.5 text-xs ${subtleText}`}>Anyone with this key can broadcast as you. Keep it off screen.</p>
          <button type="button" className={`${secondaryButton} mt-3`} onClick={() => setConfirming(true)}>
            Rotate key…
          </button>
        </>
      ) : (
        <p id="ingest-key" className={`mt-1.5 ${subtleText}`}>
          Only the stream&apos;s owner can see its key.
        </p>
      )}
      {notice ? (
        <p role="status" className="mt-3 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-200">
          {notice}
        </p>
      ) : null}
      {stream.oldKeyInUse ? (
        <p role="alert" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          An encoder at <span className="font-mono">{stream.oldKeyInUse.address}</span> is still using the old key (last tried{' '}
          <time dateTime={stream.oldKeyInUse.lastSeenAt}>{new Date(stream.oldKeyInUse.lastSeenAt).toLocaleTimeString()}</time>). It is told the key was
          replaced; paste the new key into it.
        </p>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title="Rotate the stream key?"
          description="A new key is created and the current one stops working at once. An encoder live with the old key is disconnected; your destinations stay connected for the grace window, so put the new key into OBS and start streaming again right away to continue the same broadcast."
          confirmLabel="Rotate key"
          pendingLabel="Rotating…"
          onConfirm={rotate}
          onClose={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}

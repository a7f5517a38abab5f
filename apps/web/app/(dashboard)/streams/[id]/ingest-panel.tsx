'use client';

import { streamDetailSchema, type StreamDetail } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CopyButton } from '@/components/copy-button';
import { card, input, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';

const MASK = '•'.repeat(24);

/** One key: masked until revealed, copyable, rotatable; a line for non-owners instead. */
function KeyField({
  id,
  label,
  labelSuffix = '',
  value,
  noun,
  hint,
  copyLabel,
  rotateLabel,
  onRotate,
}: {
  id: string;
  label: string;
  /** Added to the Reveal/Hide buttons' names when there is more than one key on the page. */
  labelSuffix?: string;
  value: string | null;
  /** What a non-owner is told they cannot see. */
  noun: string;
  hint: string;
  copyLabel: string;
  rotateLabel: string;
  onRotate: () => void;
}) {
  const [revealed, setRevealed] = useState(false);
  return (
    <>
      <label htmlFor={id} className="mt-4 block text-sm font-medium">
        {label}
      </label>
      {value ? (
        <>
          <div className="mt-1.5 flex flex-wrap gap-2 sm:flex-nowrap">
            <input
              id={id}
              readOnly
              value={revealed ? value : MASK}
              aria-label={revealed ? label : `${label} (hidden)`}
              spellCheck={false}
              autoComplete="off"
              className={`${input} min-w-0 flex-1 basis-full font-mono text-[13px] sm:basis-auto`}
            />
            <button
              type="button"
              className={secondaryButton}
              aria-pressed={revealed}
              aria-label={labelSuffix ? `${revealed ? 'Hide' : 'Reveal'}${labelSuffix}` : undefined}
              onClick={() => setRevealed((r) => !r)}
            >
              {revealed ? 'Hide' : 'Reveal'}
            </button>
            <CopyButton value={value} label={copyLabel} />
          </div>
          <p className={`mt-1.5 text-xs ${subtleText}`}>{hint}</p>
          <button type="button" className={`${secondaryButton} mt-3`} onClick={onRotate}>
            {rotateLabel}
          </button>
        </>
      ) : (
        <p id={id} className={`mt-1.5 ${subtleText}`}>
          Only the stream&apos;s owner can see its {noun}.
        </p>
      )}
    </>
  );
}

/**
 * Where OBS publishes: server URL, stream key and the backup encoder's key, each copyable; the
 * keys masked until revealed.
 */
export function IngestPanel({ stream, onRotated }: { stream: StreamDetail; onRotated: (stream: StreamDetail) => void }) {
  const [confirming, setConfirming] = useState<'primary' | 'backup' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function rotate() {
    const updated = await apiRequest(apiPaths.streamRotateKey(stream.id), { method: 'POST', schema: streamDetailSchema });
    onRotated(updated);
    setNotice('New stream key created; the old key no longer works. Paste the new one into OBS (if you were live, start streaming again now to continue the broadcast).');
  }

  async function rotateBackup() {
    const updated = await apiRequest(apiPaths.streamRotateBackupKey(stream.id), { method: 'POST', schema: streamDetailSchema });
    onRotated(updated);
    setNotice('New backup key created; the old one no longer works. Paste it into the backup encoder.');
  }

  return (
    <section aria-labelledby="ingest-title" className={card}>
      <h2 id="ingest-title" className="text-base font-semibold">
        Ingest
      </h2>
      <p className={`mt-1 ${subtleText}`}>
        In OBS: <strong>Settings → Stream</strong>, Service <strong>Custom…</strong>, then paste the server and the stream key. In <strong>Output</strong>, set the
        keyframe interval to <strong>2 s</strong>.
      </p>

      <label htmlFor="ingest-server" className="mt-4 block text-sm font-medium">
        Server
      </label>
      <div className="mt-1.5 flex gap-2">
        <input id="ingest-server" readOnly value={stream.ingestUrl} spellCheck={false} className={`${input} font-mono text-[13px]`} />
        <CopyButton value={stream.ingestUrl} label="Copy server" />
      </div>

      <KeyField
        id="ingest-key"
        label="Stream key"
        value={stream.streamKey}
        noun="key"
        hint="Anyone with this key can broadcast as you. Keep it off screen."
        copyLabel="Copy stream key"
        rotateLabel="Rotate key…"
        onRotate={() => setConfirming('primary')}
      />
      <KeyField
        id="ingest-backup-key"
        label="Backup key"
        labelSuffix=" backup key"
        value={stream.backupStreamKey}
        noun="backup key"
        hint="Point a second encoder here; it takes over by itself if the primary drops. Same server as above."
        copyLabel="Copy backup key"
        rotateLabel="Rotate backup key…"
        onRotate={() => setConfirming('backup')}
      />
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
      {confirming === 'primary' ? (
        <ConfirmDialog
          title="Rotate the stream key?"
          description="A new key is created and the current one stops working at once. An encoder live with the old key is disconnected; your destinations stay connected for the grace window, so put the new key into OBS and start streaming again right away to continue the same broadcast."
          confirmLabel="Rotate key"
          pendingLabel="Rotating…"
          onConfirm={rotate}
          onClose={() => setConfirming(null)}
        />
      ) : null}
      {confirming === 'backup' ? (
        <ConfirmDialog
          title="Rotate the backup key?"
          description="A new backup key is created and the current one stops working at once. A backup encoder live with the old key is disconnected; the primary is not affected."
          confirmLabel="Rotate backup key"
          pendingLabel="Rotating…"
          onConfirm={rotateBackup}
          onClose={() => setConfirming(null)}
        />
      ) : null}
    </section>
  );
}

'use client';

import { streamSchema, updateStreamSchema, type Stream, type StreamDetail } from '@fanout/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Dialog } from '@/components/dialog';
import { TextField } from '@/components/text-field';
import { alertBox, dangerButton, primaryButton, secondaryButton } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';

function RenameDialog({ stream, onRenamed, onClose }: { stream: StreamDetail; onRenamed: (stream: Stream) => void; onClose: () => void }) {
  const { errors, formError, pending, submit } = useApiForm('Could not rename the stream.', { fields: ['name'] });
  const [name, setName] = useState(stream.name);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    await submit(updateStreamSchema.safeParse({ name }), async (body) => {
      onRenamed(await apiRequest(apiPaths.stream(stream.id), { method: 'PATCH', json: body, schema: streamSchema }));
      onClose();
    });
  }

  return (
    <Dialog title="Rename stream" description="Only the name changes: the server URL, the stream key and the destinations stay as they are." onClose={pending ? () => undefined : onClose}>
      <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Rename stream">
        <TextField name="name" label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} error={errors['name']} autoComplete="off" />
        {formError ? (
          <p role="alert" className={alertBox}>
            {formError}
          </p>
        ) : null}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button type="button" className={secondaryButton} onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className={primaryButton} disabled={pending}>
            {pending ? 'Saving…' : 'Save name'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ stream, live, onClose }: { stream: StreamDetail; live: boolean; onClose: () => void }) {
  const router = useRouter();
  const [typed, setTyped] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const matches = typed.trim() === stream.name.trim();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches) {
      setError('Type the stream’s name exactly to confirm.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await apiRequest(apiPaths.stream(stream.id), { method: 'DELETE' });
      router.replace('/streams');
      router.refresh();
    } catch (e) {
      setPending(false);
      setError(e instanceof ApiRequestError || e instanceof Error ? e.message : 'Could not delete the stream.');
    }
  }

  return (
    <Dialog
      title={`Delete ${stream.name}?`}
      description={
        <>
          {live ? (
            <strong className="mb-2 block text-red-800 dark:text-red-300">This stream is live: deleting it ends the broadcast at once on every destination.</strong>
          ) : null}
          Its stream key stops working, and its destinations, history and charts are deleted. This cannot be undone.
        </>
      }
      onClose={pending ? () => undefined : onClose}
    >
      <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Delete stream">
        <TextField name="confirmName" label={`Type “${stream.name}” to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
        {error ? (
          <p role="alert" className={alertBox}>
            {error}
          </p>
        ) : null}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button type="button" className={secondaryButton} onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className={dangerButton} disabled={pending || !matches}>
            {pending ? 'Deleting…' : live ? 'End broadcast and delete' : 'Delete stream'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Rename and delete, beside the stream's name. Deleting asks for the name typed out (a live stream's broadcast ends). */
export function StreamActions({ stream, live, onRenamed }: { stream: StreamDetail; live: boolean; onRenamed: (stream: Stream) => void }) {
  const [open, setOpen] = useState<'rename' | 'delete' | null>(null);
  return (
    <div className="flex gap-2">
      <button type="button" className={secondaryButton} onClick={() => setOpen('rename')}>
        Rename
      </button>
      <button type="button" className={secondaryButton} onClick={() => setOpen('delete')}>
        Delete…
      </button>
      {open === 'rename' ? <RenameDialog stream={stream} onRenamed={onRenamed} onClose={() => setOpen(null)} /> : null}
      {open === 'delete' ? <DeleteDialog stream={stream} live={live} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

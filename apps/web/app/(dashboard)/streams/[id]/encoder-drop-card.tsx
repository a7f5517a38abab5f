'use client';

import { MAX_GRACE_SECONDS, MAX_SLATE_IMAGE_BYTES, streamSchema, updateStreamSchema, type Stream, type StreamDetail } from '@fanout/contracts';
import { useRef, useState } from 'react';
import { Toggle } from '@/components/toggle';
import { alertBox, card, input, primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';

const IMAGE_TYPES = ['image/png', 'image/jpeg'];
const MAX_IMAGE_MB = MAX_SLATE_IMAGE_BYTES / (1024 * 1024);

/** What the grace field sends: empty is the server's default (null), anything else a number for the schema to judge. */
export function parseGraceSeconds(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : Number(trimmed);
}

/** A file the API would refuse, said before uploading it; null when it may go. */
export function slateImageProblem(file: Pick<File, 'type' | 'size'>): string | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'Choose a PNG or JPEG image.';
  if (file.size > MAX_SLATE_IMAGE_BYTES) return `Choose an image of at most ${MAX_IMAGE_MB} MB (this one is ${(file.size / (1024 * 1024)).toFixed(1)} MB).`;
  return null;
}

function GraceForm({ stream, serverDefault, onSaved }: { stream: StreamDetail; serverDefault: number | null; onSaved: (saved: Stream) => void }) {
  const { errors, formError, pending, submit } = useApiForm('Could not save the grace window.', { fields: ['graceSeconds'] });
  const [text, setText] = useState(stream.graceSeconds === null ? '' : String(stream.graceSeconds));
  const [saved, setSaved] = useState(false);
  const defaultText = serverDefault === null ? 'the server’s default' : `the server’s default, ${serverDefault} s`;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const ok = await submit(updateStreamSchema.safeParse({ graceSeconds: parseGraceSeconds(text) }), async (body) => {
      onSaved(await apiRequest(apiPaths.stream(stream.id), { method: 'PATCH', json: body, schema: streamSchema }));
    });
    setSaved(ok);
  }

  const error = errors['graceSeconds'];
  return (
    <form noValidate onSubmit={onSubmit} aria-label="Grace window" className="space-y-1.5">
      <label htmlFor="field-graceSeconds" className="block text-sm font-medium">
        Wait for the encoder (seconds)
      </label>
      <div className="flex gap-2">
        <input
          id="field-graceSeconds"
          name="graceSeconds"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_GRACE_SECONDS}
          step={1}
          value={text}
          placeholder={serverDefault === null ? 'Default' : `Default: ${serverDefault}`}
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={['field-graceSeconds-hint', error ? 'field-graceSeconds-error' : null].filter(Boolean).join(' ')}
          className={`${input} w-32`}
        />
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </button>
      </div>
      <p id="field-graceSeconds-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
        How long destinations stay connected after the encoder drops, up to {MAX_GRACE_SECONDS} (an hour). Empty: {defaultText}. Takes effect from the next broadcast.
      </p>
      {error ? (
        <p id="field-graceSeconds-error" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {formError ? (
        <p role="alert" className={alertBox}>
          {formError}
        </p>
      ) : null}
      {saved ? (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          Saved: destinations wait {stream.graceSeconds === null ? `${stream.effectiveGraceSeconds} s (the default)` : `${stream.graceSeconds} s`}.
        </p>
      ) : null}
    </form>
  );
}

function SlateImage({ stream, onChanged }: { stream: StreamDetail; onChanged: (slateImage: boolean) => void }) {
  const [version, setVersion] = useState(() => stream.updatedAt);
  const [pending, setPending] = useState<'upload' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  async function upload(file: File) {
    setError(null);
    const problem = slateImageProblem(file);
    if (problem) {
      setError(problem);
      return;
    }
    setPending('upload');
    try {
      await apiRequest(apiPaths.streamSlateImage(stream.id), { method: 'PUT', blob: file });
      setVersion(String(Date.now()));
      onChanged(true);
    } catch (e) {
      setError(e instanceof ApiRequestError ? (e.fieldErrors['image'] ?? e.message) : 'Could not upload the image.');
    } finally {
      setPending(null);
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  async function remove() {
    setError(null);
    setPending('remove');
    try {
      await apiRequest(apiPaths.streamSlateImage(stream.id), { method: 'DELETE' });
      onChanged(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not remove the image.');
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="space-y-2">
      <p className="text-sm font-medium">Slate image</p>
      <div className="flex flex-wrap items-start gap-3">
        {stream.slateImage ? (
          // A plain <img>: the image is private (the session cookie goes with it), next/image would fetch it from the server without one.
          <img
            src={apiPaths.streamSlateImage(stream.id, version)}
            alt="The stream’s slate image"
            className="aspect-video w-40 rounded-md border border-zinc-200 bg-zinc-100 object-contain dark:border-zinc-700 dark:bg-zinc-950"
          />
        ) : (
          <div className="flex aspect-video w-40 items-center justify-center rounded-md border border-dashed border-zinc-300 bg-zinc-900 px-2 text-center text-xs text-zinc-300 dark:border-zinc-700">
            Default card
          </div>
        )}
        <div className="min-w-0 flex-1 basis-48 space-y-2">
          <label htmlFor="field-image" className={`block ${subtleText}`}>
            {stream.slateImage ? 'Your own image is shown. Replace it:' : 'The default card is shown. Use your own (PNG or JPEG, up to 5 MB):'}
          </label>
          <input
            ref={fileInput}
            id="field-image"
            name="image"
            type="file"
            accept={IMAGE_TYPES.join(',')}
            disabled={pending !== null}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'field-image-error' : undefined}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void upload(file);
            }}
            className="block w-full text-sm text-zinc-700 file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium dark:text-zinc-300 dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
          />
          {pending === 'upload' ? (
            <p role="status" className={subtleText}>
              Uploading…
            </p>
          ) : null}
          {stream.slateImage ? (
            <button type="button" className={secondaryButton} disabled={pending !== null} onClick={() => void remove()}>
              {pending === 'remove' ? 'Removing…' : 'Use default card'}
            </button>
          ) : null}
          {error ? (
            <p id="field-image-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
              {error}
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/**
 * "When the encoder drops": how long destinations wait for it (the grace window), whether they
 * see a slate meanwhile, and which image that slate is.
 */
export function EncoderDropCard({ stream, onChange }: { stream: StreamDetail; onChange: (stream: Partial<StreamDetail>) => void }) {
  // The server's default grace is only known while the stream uses it; remembered once seen.
  const [serverDefault, setServerDefault] = useState<number | null>(stream.graceSeconds === null ? stream.effectiveGraceSeconds : null);
  const [slatePending, setSlatePending] = useState(false);
  const [slateError, setSlateError] = useState<string | null>(null);

  function saved(next: Stream) {
    if (next.graceSeconds === null) setServerDefault(next.effectiveGraceSeconds);
    onChange(next);
  }

  async function setSlate(slate: boolean) {
    setSlatePending(true);
    setSlateError(null);
    try {
      saved(await apiRequest(apiPaths.stream(stream.id), { method: 'PATCH', json: { slate }, schema: streamSchema }));
    } catch (e) {
      setSlateError(e instanceof ApiRequestError ? (e.fieldErrors['slate'] ?? e.message) : 'Could not change the slate.');
    } finally {
      setSlatePending(false);
    }
  }

  return (
    <section aria-labelledby="encoder-drop-title" className={`${card} space-y-5`}>
      <div>
        <h2 id="encoder-drop-title" className="text-base font-semibold">
          When the encoder drops
        </h2>
        <p className={`mt-1 ${subtleText}`}>Destinations stay connected for a while, so a quick reconnect continues the same broadcast.</p>
      </div>
      <GraceForm stream={stream} serverDefault={serverDefault} onSaved={saved} />
      <div className="space-y-1.5">
        <div className="flex items-center justify-between gap-3">
          <span id="slate-label" className="text-sm font-medium">
            Slate
          </span>
          <Toggle checked={stream.slate} label="Slate" describedBy="slate-hint" disabled={slatePending} onChange={(next) => void setSlate(next)} />
        </div>
        <p id="slate-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
          {stream.slate ? 'On: while no encoder is on air, viewers see the slate instead of a frozen picture.' : 'Off: while no encoder is on air, destinations get nothing and may show a frozen picture.'}
        </p>
        {stream.slateUnavailable ? (
          <p role="status" data-testid="slate-unavailable" className={alertBox}>
            This server cannot show a slate ({stream.slateUnavailable}): while no encoder is on air, destinations get nothing. Install ffmpeg on the server, or set FFMPEG_PATH, and restart Fanout.
          </p>
        ) : null}
        {slateError ? (
          <p role="alert" className={alertBox}>
            {slateError}
          </p>
        ) : null}
      </div>
      <SlateImage stream={stream} onChanged={(slateImage) => onChange({ slateImage })} />
    </section>
  );
}

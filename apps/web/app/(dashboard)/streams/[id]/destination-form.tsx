'use client';

import {
  PLATFORM_PRESETS,
  createDestinationSchema,
  destinationSchema,
  platformPreset,
  updateDestinationSchema,
  type Destination,
  type PlatformId,
} from '@fanout/contracts';
import { useId, useState } from 'react';
import { TextField } from '@/components/text-field';
import { alertBox, primaryButton, secondaryButton, select, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';

const OTHER_SERVER = '__other__';

function presetLabel(id: PlatformId): string {
  return id === 'custom' ? 'Custom' : platformPreset(id).label;
}

/**
 * Add or edit a destination. Picking a platform fills in its server URL (and offers its other
 * servers, e.g. YouTube's backup ingest); the user pastes the key. Validated with the shared
 * contracts schema before sending; the API's own field errors land on the same fields.
 */
export function DestinationForm({
  streamId,
  destination,
  onSaved,
  onCancel,
}: {
  streamId: string;
  /** Edit this one; create a new one when absent. */
  destination?: Destination;
  onSaved: (destination: Destination) => void;
  onCancel: () => void;
}) {
  const editing = destination !== undefined;
  const [platform, setPlatform] = useState<PlatformId>(destination?.platform ?? 'youtube');
  const [url, setUrl] = useState(destination?.url ?? platformPreset('youtube').urlTemplate);
  const [name, setName] = useState(destination?.name ?? presetLabel('youtube'));
  const [streamKey, setStreamKey] = useState('');
  const [showKey, setShowKey] = useState(false);
  const { errors, setErrors, formError, pending, submit } = useApiForm('Could not save the destination.', { fields: ['name', 'platform', 'url', 'streamKey'] });
  const serverId = useId();

  const preset = platformPreset(platform);
  const serverChoice = preset.servers.find((s) => s.url === url)?.url ?? OTHER_SERVER;

  function choosePlatform(next: PlatformId) {
    const nextPreset = platformPreset(next);
    // Keep a name the user typed; replace one that was only the previous platform's label.
    if (name.trim() === '' || name === presetLabel(platform)) setName(presetLabel(next));
    setPlatform(next);
    setUrl(nextPreset.urlTemplate);
    setErrors({});
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const key = streamKey.trim();
    const body = editing
      ? { name, platform, url, ...(key ? { streamKey: key } : {}) }
      : { name, platform, url, streamKey: key };
    const save = async (input: object) => {
      const saved = editing
        ? await apiRequest(apiPaths.destination(destination.id), { method: 'PATCH', json: input, schema: destinationSchema })
        : await apiRequest(apiPaths.streamDestinations(streamId), { method: 'POST', json: input, schema: destinationSchema });
      onSaved(saved);
    };
    await (editing ? submit(updateDestinationSchema.safeParse(body), save) : submit(createDestinationSchema.safeParse(body), save));
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={editing ? 'Edit destination' : 'Add destination'}>
      <div className="space-y-1.5">
        <label htmlFor="field-platform" className="block text-sm font-medium">
          Platform
        </label>
        <select id="field-platform" name="platform" className={select} value={platform} onChange={(e) => choosePlatform(e.target.value as PlatformId)}>
          {PLATFORM_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {presetLabel(p.id)}
            </option>
          ))}
        </select>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">{preset.help}</p>
      </div>

      {preset.servers.length > 0 ? (
        <div className="space-y-1.5">
          <label htmlFor={serverId} className="block text-sm font-medium">
            Server
          </label>
          <select id={serverId} className={select} value={serverChoice} onChange={(e) => e.target.value !== OTHER_SERVER && setUrl(e.target.value)}>
            {preset.servers.map((s) => (
              <option key={s.url} value={s.url}>
                {s.label}
              </option>
            ))}
            <option value={OTHER_SERVER}>Other (type the URL below)</option>
          </select>
        </div>
      ) : null}

      <TextField
        name="url"
        label="Server URL"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        inputMode="url"
        className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm text-zinc-900 shadow-xs aria-invalid:border-red-600 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:aria-invalid:border-red-400"
        error={errors['url']}
      />

      <div className="space-y-1.5">
        <TextField
          name="streamKey"
          label="Stream key"
          type={showKey ? 'text' : 'password'}
          value={streamKey}
          onChange={(e) => setStreamKey(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          placeholder={editing ? destination.streamKeyMasked : 'Paste the key from the platform'}
          hint={editing ? 'Leave empty to keep the saved key (a new server needs the key again).' : undefined}
          error={errors['streamKey']}
        />
        <label className={`flex items-center gap-2 ${subtleText}`}>
          <input type="checkbox" checked={showKey} onChange={(e) => setShowKey(e.target.checked)} /> Show key
        </label>
      </div>

      <TextField name="name" label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} error={errors['name']} />

      {errors['platform'] ? <p className="text-sm text-red-700 dark:text-red-400">{errors['platform']}</p> : null}
      {formError ? (
        <p role="alert" className={alertBox}>
          {formError}
        </p>
      ) : null}
      <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:justify-end">
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? 'Saving…' : editing ? 'Save destination' : 'Add destination'}
        </button>
      </div>
    </form>
  );
}

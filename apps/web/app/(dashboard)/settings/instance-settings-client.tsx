'use client';

import { instanceSettingsSchema, type InstanceSettings } from '@fanout/contracts';
import { useState } from 'react';
import { Toggle } from '@/components/toggle';
import { alertBox, card, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';

/** Instance-wide defaults, changed by owners: today, whether new streams record their broadcasts. */
export function InstanceSettingsClient({ initial }: { initial: InstanceSettings }) {
  const [settings, setSettings] = useState(initial);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function setRecordNewStreams(recordNewStreams: boolean) {
    setPending(true);
    setError(null);
    try {
      setSettings(await apiRequest(apiPaths.settings(), { method: 'PATCH', json: { recordNewStreams }, schema: instanceSettingsSchema }));
    } catch (e) {
      setError(e instanceof ApiRequestError ? (e.fieldErrors['recordNewStreams'] ?? e.message) : 'Could not save the setting.');
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="instance-settings-title" className={card}>
      <h2 id="instance-settings-title" className="text-base font-semibold">
        New streams
      </h2>
      <div className="mt-3 flex items-center justify-between gap-3">
        <span className="text-sm font-medium">Record new streams by default</span>
        <Toggle checked={settings.recordNewStreams} label="Record new streams by default" describedBy="record-new-hint" disabled={pending} onChange={(next) => void setRecordNewStreams(next)} />
      </div>
      <p id="record-new-hint" className={`mt-1 ${subtleText}`}>
        {settings.recordNewStreams
          ? 'Streams created from now on start with “Record broadcasts” on. Existing streams keep their own setting.'
          : 'Streams created from now on start with “Record broadcasts” off. Existing streams keep their own setting.'}
      </p>
      {error ? (
        <p role="alert" className={`mt-2 ${alertBox}`}>
          {error}
        </p>
      ) : null}
    </section>
  );
}

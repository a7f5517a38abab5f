'use client';

import { rotatedWebhookSecretSchema, updateWebhookSchema, webhookDeliverySchema, webhookEndpointListSchema, webhookEndpointSchema, type WebhookEndpoint } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { TextField } from '@/components/text-field';
import { alertBox, primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';
import { deliveryState, eventsSummary, healthText } from '@/lib/webhooks';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookEventsField } from './webhook-events-field';

const HEALTH_TONE = { ok: 'text-emerald-800 dark:text-emerald-300', waiting: 'text-zinc-600 dark:text-zinc-400', failed: 'text-red-800 dark:text-red-300' } as const;

const until = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A secret to show once, with what the reader needs to know about it. */
export interface ShownSecret {
  webhookId: string;
  title: string;
  secret: string;
  note: string;
}

/** One endpoint: what it gets and how it is doing, and its actions (edit, on/off, test, rotate, delete, log). */
export function WebhookEndpointRow({ endpoint, onChanged, onDeleted, onSecret }: { endpoint: WebhookEndpoint; onChanged: (e: WebhookEndpoint) => void; onDeleted: () => void; onSecret: (s: ShownSecret) => void }) {
  const [editing, setEditing] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [logKey, setLogKey] = useState(0);
  const [busy, setBusy] = useState<'enabled' | 'test' | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | null>(null);
  const { errors, formError, pending, submit } = useApiForm('Could not save the webhook.', { fields: ['url', 'description', 'events'] });
  const health = healthText(endpoint);

  async function act(kind: 'enabled' | 'test', action: () => Promise<void>) {
    setBusy(kind);
    setResult(null);
    try {
      await action();
    } catch (e) {
      setResult({ ok: false, text: e instanceof Error ? e.message : 'Something went wrong.' });
    } finally {
      setBusy(null);
    }
  }

  const toggle = () =>
    act('enabled', async () => {
      onChanged(await apiRequest(apiPaths.webhook(endpoint.id), { method: 'PATCH', json: { enabled: !endpoint.enabled }, schema: webhookEndpointSchema }));
    });

  const test = () =>
    act('test', async () => {
      const delivery = await apiRequest(apiPaths.webhookTest(endpoint.id), { method: 'POST', schema: webhookDeliverySchema });
      const state = deliveryState(delivery, Date.now());
      setResult(
        state.tone === 'ok'
          ? { ok: true, text: `Test delivered${state.detail ? `: ${state.detail}` : ''}.` }
          : { ok: false, text: `Test not delivered${delivery.error ? `: ${delivery.error}` : ' yet'}. ${delivery.status === 'pending' ? 'Fanout retries it; the delivery log shows when.' : ''}`.trim() },
      );
      setLogKey((k) => k + 1);
      // The test changed the endpoint's health.
      const fresh = (await apiRequest(apiPaths.webhooks(), { schema: webhookEndpointListSchema })).find((e) => e.id === endpoint.id);
      if (fresh) onChanged(fresh);
    });

  async function onSave(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = updateWebhookSchema.safeParse({ url: String(data.get('editUrl') ?? ''), description: String(data.get('editDescription') ?? ''), events: data.getAll('events').map(String) });
    await submit(parsed, async (body) => {
      onChanged(await apiRequest(apiPaths.webhook(endpoint.id), { method: 'PATCH', json: body, schema: webhookEndpointSchema }));
      setEditing(false);
    });
  }

  return (
    <li className="py-4" aria-label={endpoint.url}>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-mono text-sm font-medium break-all">{endpoint.url}</p>
          {endpoint.description ? <p className="text-sm">{endpoint.description}</p> : null}
          <p className={`text-xs ${subtleText}`}>{eventsSummary(endpoint.events)}</p>
          <p className={`mt-1 text-xs font-medium ${HEALTH_TONE[health.tone]}`}>{endpoint.enabled ? health.text : `Disabled: nothing is sent · ${health.text}`}</p>
          {endpoint.warnings.map((warning) => (
            <p key={warning} className="mt-1 text-xs text-amber-800 dark:text-amber-300">
              {warning}
            </p>
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" className="size-4 accent-sky-700" checked={endpoint.enabled} disabled={busy !== null} onChange={() => void toggle()} />
          Enabled
        </label>
      </div>

      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" className={secondaryButton} onClick={() => void test()} disabled={busy !== null} aria-label={`Send a test to ${endpoint.url}`}>
          {busy === 'test' ? 'Sending…' : 'Send test'}
        </button>
        <button type="button" className={secondaryButton} onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
          Edit
        </button>
        <button type="button" className={secondaryButton} onClick={() => setShowLog((v) => !v)} aria-expanded={showLog}>
          {showLog ? 'Hide delivery log' : 'Delivery log'}
        </button>
        <button type="button" className={secondaryButton} onClick={() => setConfirming('rotate')}>
          Rotate secret
        </button>
        <button type="button" className={secondaryButton} onClick={() => setConfirming('delete')} aria-label={`Delete ${endpoint.url}`}>
          Delete
        </button>
      </div>
      {result ? (
        <p role={result.ok ? 'status' : 'alert'} className={`mt-2 ${result.ok ? `text-sm ${HEALTH_TONE.ok}` : alertBox}`}>
          {result.text}
        </p>
      ) : null}

      {editing ? (
        <form noValidate onSubmit={onSave} className="mt-3 space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" aria-label={`Edit ${endpoint.url}`}>
          <TextField name="editUrl" label="URL" defaultValue={endpoint.url} error={errors['url']} spellCheck={false} />
          <TextField name="editDescription" label="Description" defaultValue={endpoint.description} error={errors['description']} maxLength={200} />
          <WebhookEventsField idPrefix={`edit-${endpoint.id}`} defaultValue={endpoint.events} error={errors['events'] ?? errors['events.0']} />
          {formError ? (
            <p role="alert" className={alertBox}>
              {formError}
            </p>
          ) : null}
          <div className="flex gap-2">
            <button type="submit" className={primaryButton} disabled={pending}>
              {pending ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className={secondaryButton} onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}

      {showLog ? <WebhookDeliveries webhookId={endpoint.id} refreshKey={logKey} /> : null}

      {confirming === 'rotate' ? (
        <ConfirmDialog
          title="Rotate the signing secret?"
          description="You get a new secret to put in your receiver. For 24 hours each event is signed with both, so nothing is missed while you switch; then only the new one works."
          confirmLabel="Rotate secret"
          pendingLabel="Rotating…"
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            const rotated = await apiRequest(apiPaths.webhookRotate(endpoint.id), { method: 'POST', schema: rotatedWebhookSecretSchema });
            onSecret({
              webhookId: endpoint.id,
              title: `Copy the new signing secret of ${endpoint.url} now. It won’t be shown again.`,
              secret: rotated.secret,
              note: `The old secret keeps working until ${until.format(new Date(rotated.previousSecretExpiresAt))}.`,
            });
          }}
        />
      ) : null}
      {confirming === 'delete' ? (
        <ConfirmDialog
          title="Delete this webhook?"
          description={`${endpoint.url} gets no more events, and its delivery log is deleted. Events still waiting to be sent to it are dropped.`}
          confirmLabel="Delete webhook"
          pendingLabel="Deleting…"
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            await apiRequest(apiPaths.webhook(endpoint.id), { method: 'DELETE' });
            onDeleted();
          }}
        />
      ) : null}
    </li>
  );
}

'use client';

import { createdWebhookEndpointSchema, createWebhookSchema, MAX_WEBHOOK_ENDPOINTS, WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from '@fanout/contracts';
import { useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { TextField } from '@/components/text-field';
import { alertBox, card, input, primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';
import { type ShownSecret, WebhookEndpointRow } from './webhook-endpoint';
import { WebhookEventsField } from './webhook-events-field';

/**
 * Webhook endpoints, for owners and admins: add one (its signing secret is shown once), then
 * per endpoint the events it gets, on/off, a test ping, rotation, deletion and the delivery log.
 */
export function WebhooksClient({ initial }: { initial: WebhookEndpoint[] }) {
  const [endpoints, setEndpoints] = useState(initial);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [formKey, setFormKey] = useState(0);
  const { errors, formError, pending, submit } = useApiForm('Could not add the webhook.', {
    fields: ['url', 'description', 'events', 'events.0'],
    describe: (error) => (error instanceof ApiRequestError && error.code === 'LIMIT_REACHED' ? { message: `Fanout can have at most ${MAX_WEBHOOK_ENDPOINTS} webhooks. Delete one you no longer use first.` } : undefined),
  });

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const parsed = createWebhookSchema.safeParse({ url: String(data.get('url') ?? ''), description: String(data.get('description') ?? ''), events: data.getAll('events').map(String) });
    await submit(parsed, async (body) => {
      const { secret, ...endpoint } = await apiRequest(apiPaths.webhooks(), { method: 'POST', json: body, schema: createdWebhookEndpointSchema });
      setEndpoints((list) => [...list, endpoint]);
      setShown({ webhookId: endpoint.id, title: `Copy the signing secret of ${endpoint.url} now. It won’t be shown again.`, secret, note: 'Your receiver needs it to check that each request really comes from this Fanout.' });
      setFormKey((k) => k + 1); // a fresh form: every event checked again
    });
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby="webhooks-title" className={card}>
        <h2 id="webhooks-title" className="text-base font-semibold">
          Webhooks
        </h2>
        <p className={`mt-1 ${subtleText}`}>
          Fanout tells other services when a stream goes live or ends and when a destination fails or recovers, by sending a JSON POST to each webhook below, for every stream. Each request is signed the{' '}
          <a className="font-medium text-sky-700 hover:underline dark:text-sky-400" href="https://www.standardwebhooks.com/" rel="noreferrer" target="_blank">
            Standard Webhooks
          </a>{' '}
          way (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>): check the signature with the webhook&apos;s secret before you trust an event. Failed deliveries are retried for about a day.
        </p>

        {shown ? (
          <div role="status" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950">
            <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">{shown.title}</p>
            <p className="mt-1 text-sm text-amber-900 dark:text-amber-200">{shown.note}</p>
            <div className="mt-2 flex gap-2">
              <input readOnly value={shown.secret} aria-label="Signing secret" spellCheck={false} className={`${input} font-mono`} />
              <CopyButton value={shown.secret} label="Copy secret" />
            </div>
            <button type="button" className={`${secondaryButton} mt-3`} onClick={() => setShown(null)}>
              I have copied it
            </button>
          </div>
        ) : null}

        {endpoints.length === 0 ? (
          <p className={`mt-4 ${subtleText}`}>No webhooks yet. Add one below to be told when a stream goes live or a destination fails.</p>
        ) : (
          <ul className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Webhooks">
            {endpoints.map((endpoint) => (
              <WebhookEndpointRow
                key={endpoint.id}
                endpoint={endpoint}
                onChanged={(next) => setEndpoints((list) => list.map((e) => (e.id === next.id ? next : e)))}
                onDeleted={() => {
                  setEndpoints((list) => list.filter((e) => e.id !== endpoint.id));
                  if (shown?.webhookId === endpoint.id) setShown(null);
                }}
                onSecret={setShown}
              />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="add-webhook-title" className={card}>
        <h2 id="add-webhook-title" className="text-base font-semibold">
          Add a webhook
        </h2>
        <form key={formKey} noValidate onSubmit={onSubmit} className="mt-3 space-y-4" aria-label="Add webhook">
          <TextField
            name="url"
            label="URL"
            type="url"
            placeholder="https://example.com/hooks/fanout"
            spellCheck={false}
            error={errors['url']}
            hint="https:// for a receiver on the internet; http:// only to one on your own network."
          />
          <TextField name="description" label="Description (optional)" placeholder="Chat bot" error={errors['description']} maxLength={200} />
          <WebhookEventsField idPrefix="new" defaultValue={WEBHOOK_EVENT_TYPES} error={errors['events'] ?? errors['events.0']} />
          <button type="submit" className={primaryButton} disabled={pending}>
            {pending ? 'Adding…' : 'Add webhook'}
          </button>
        </form>
        {formError ? (
          <p role="alert" className={`mt-3 ${alertBox}`}>
            {formError}
          </p>
        ) : null}
      </section>
    </div>
  );
}

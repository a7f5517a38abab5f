'use client';

import { webhookDeliveryPageSchema, webhookDeliverySchema, type WebhookDelivery } from '@fanout/contracts';
import { useCallback, useEffect, useState } from 'react';
import { alertBox, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useNow } from '@/lib/use-now';
import { type DeliveryTone, deliveryState, eventLabel } from '@/lib/webhooks';

const PAGE = 20;
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const TONE: Record<DeliveryTone, string> = {
  ok: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200',
  waiting: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200',
  failed: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200',
};

const TRIGGER_TEXT: Record<WebhookDelivery['trigger'], string | null> = { event: null, test: 'test', redeliver: 'redelivery' };

/**
 * One endpoint's delivery log, newest first: what was sent, how it went (status code, time
 * taken, attempts, next retry, the start of the receiver's answer), and "Redeliver", which
 * sends the same event (same webhook-id) again. `refreshKey` reloads it (after a test).
 */
export function WebhookDeliveries({ webhookId, refreshKey = 0 }: { webhookId: string; refreshKey?: number }) {
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const now = useNow(deliveries?.some((d) => d.status === 'pending') ?? false, 5_000);

  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      setError(null);
      try {
        const page = await apiRequest(apiPaths.webhookDeliveries(webhookId, { limit: String(PAGE), ...(cursor ? { cursor } : {}) }), { schema: webhookDeliveryPageSchema });
        setDeliveries((current) => (cursor && current ? [...current, ...page.deliveries] : page.deliveries));
        setNextCursor(page.nextCursor);
      } catch (e) {
        setError(e instanceof Error ? e.message : 'Could not load the deliveries.');
      } finally {
        setLoading(false);
      }
    },
    [webhookId],
  );

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  async function redeliver(delivery: WebhookDelivery) {
    setError(null);
    setNotice(null);
    try {
      const again = await apiRequest(apiPaths.webhookRedeliver(delivery.id), { method: 'POST', schema: webhookDeliverySchema });
      setDeliveries((list) => [again, ...(list ?? [])]);
      setNotice(`${eventLabel(delivery.eventType)} queued again, with the same webhook-id. Refresh to see how it went.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not redeliver.');
    }
  }

  return (
    <div className="mt-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 className="text-sm font-semibold">Delivery log</h4>
        <button type="button" className={secondaryButton} onClick={() => void load()} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {error ? (
        <p role="alert" className={`mt-2 ${alertBox}`}>
          {error}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className={`mt-2 ${subtleText}`}>
          {notice}
        </p>
      ) : null}
      {deliveries === null ? (
        loading ? (
          <p className={`mt-2 ${subtleText}`}>Loading the deliveries…</p>
        ) : null
      ) : deliveries.length === 0 ? (
        <p className={`mt-2 ${subtleText}`}>Nothing sent yet. Events appear here as they are sent; “Send test” sends one now.</p>
      ) : (
        <ul className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Deliveries">
          {deliveries.map((d) => {
            const state = deliveryState(d, now);
            const trigger = TRIGGER_TEXT[d.trigger];
            const when = dateTime.format(new Date(d.createdAt));
            return (
              <li key={d.id} className="flex flex-wrap items-start gap-x-3 gap-y-1 py-2 text-sm">
                <div className="min-w-0 flex-1">
                  <p>
                    <span className="font-medium">{eventLabel(d.eventType)}</span>
                    {trigger ? <span className={`ml-1 text-xs ${subtleText}`}>({trigger})</span> : null} <span className={`text-xs ${subtleText}`}>· {when}</span>
                  </p>
                  <p className="mt-0.5 flex flex-wrap items-center gap-x-2">
                    <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${TONE[state.tone]}`}>{state.label}</span>
                    {state.detail ? <span className="text-xs text-zinc-700 dark:text-zinc-300">{state.detail}</span> : null}
                    {d.status !== 'pending' || d.attempts > 0 ? <span className={`text-xs ${subtleText}`}>{d.attempts === 1 ? '1 attempt' : `${d.attempts} attempts`}</span> : null}
                  </p>
                  {d.response ? (
                    <p className={`mt-0.5 truncate font-mono text-xs ${subtleText}`} title={d.response}>
                      Answer: {d.response}
                    </p>
                  ) : null}
                  <p className={`mt-0.5 font-mono text-xs break-all ${subtleText}`}>webhook-id {d.eventId}</p>
                </div>
                <button type="button" className={secondaryButton} onClick={() => void redeliver(d)} aria-label={`Redeliver ${eventLabel(d.eventType)} of ${when}`}>
                  Redeliver
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {nextCursor ? (
        <button type="button" className={`${secondaryButton} mt-2`} onClick={() => void load(nextCursor)} disabled={loading}>
          Show older deliveries
        </button>
      ) : null}
    </div>
  );
}

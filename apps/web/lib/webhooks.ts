import { WEBHOOK_EVENT_TYPES, type WebhookDelivery, type WebhookEndpoint, type WebhookEventType } from '@fanout/contracts';
import { formatLatency } from './format';

/**
 * What each event means, in the words of the events checklist. Partial on purpose: a type
 * added to the contracts shows up (by its id) before anyone writes its words here.
 */
const EVENT_TEXT: Partial<Record<WebhookEventType | 'ping', { label: string; hint: string }>> = {
  'stream.live': { label: 'Stream went live', hint: 'An encoder started a broadcast.' },
  'stream.ended': { label: 'Stream ended', hint: 'With how long it ran and why it ended.' },
  'stream.publisher_lost': { label: 'Publisher lost', hint: 'The encoder dropped; destinations wait for it a few seconds.' },
  'stream.publisher_returned': { label: 'Publisher returned', hint: 'The encoder came back in time: the broadcast goes on.' },
  'destination.live': { label: 'Destination live', hint: 'A platform is receiving the stream.' },
  'destination.failed': { label: 'Destination failed', hint: 'A platform connection failed, with the reason.' },
  'destination.recovered': { label: 'Destination recovered', hint: 'A failed platform connection is back.' },
  'stream.input_switched': { label: 'Input switched', hint: 'The backup encoder, the slate or the primary went on air, with the reason.' },
  'recording.ready': { label: 'Recording ready', hint: 'A recording file is complete and can be downloaded.' },
  'recording.failed': { label: 'Recording failed', hint: 'A recording stopped early or could not start, with the reason.' },
  ping: { label: 'Test ping', hint: 'Sent by “Send test”.' },
};

export function eventLabel(type: string): string {
  return EVENT_TEXT[type as WebhookEventType]?.label ?? type;
}

export function eventHint(type: string): string | null {
  return EVENT_TEXT[type as WebhookEventType]?.hint ?? null;
}

/** "All events", or the labels of the chosen ones. */
export function eventsSummary(events: readonly string[]): string {
  if (WEBHOOK_EVENT_TYPES.every((type) => events.includes(type))) return 'All events';
  return events.map(eventLabel).join(', ');
}

export type DeliveryTone = 'ok' | 'waiting' | 'failed';

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * A delivery's state in words: delivered (code and time taken), waiting for its first attempt
 * or being sent, retrying (when, and why the last attempt failed), or given up.
 */
export function deliveryState(delivery: WebhookDelivery, now: number): { tone: DeliveryTone; label: string; detail: string | null } {
  const answer = delivery.statusCode === null ? null : `HTTP ${delivery.statusCode}`;
  const took = delivery.latencyMs === null ? null : formatLatency(delivery.latencyMs);
  if (delivery.status === 'succeeded') return { tone: 'ok', label: 'Delivered', detail: [answer, took === null ? null : `in ${took}`].filter(Boolean).join(' ') || null };
  if (delivery.status === 'failed') return { tone: 'failed', label: `Gave up after ${delivery.attempts} attempts`, detail: delivery.error };
  if (delivery.error === null) return { tone: 'waiting', label: delivery.attempts === 0 ? 'Waiting to be sent' : 'Sending…', detail: null };
  const at = delivery.nextAttemptAt === null ? null : Date.parse(delivery.nextAttemptAt);
  const when = at === null || at <= now ? 'now' : `at ${time.format(at)}`;
  return { tone: 'waiting', label: `Retrying ${when} (attempt ${delivery.attempts + 1} of ${delivery.maxAttempts})`, detail: delivery.error };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** How an endpoint has been doing, in one line. */
export function healthText(endpoint: Pick<WebhookEndpoint, 'health' | 'pendingDeliveries'>): { tone: DeliveryTone; text: string } {
  const { health, pendingDeliveries } = endpoint;
  const waiting = pendingDeliveries > 0 ? ` · ${pendingDeliveries === 1 ? '1 delivery' : `${pendingDeliveries} deliveries`} waiting` : '';
  if (health.consecutiveFailures > 0) {
    const failures = health.consecutiveFailures === 1 ? '1 failed attempt' : `${health.consecutiveFailures} failed attempts in a row`;
    const when = health.lastFailureAt === null ? '' : `, last ${dateTime.format(new Date(health.lastFailureAt))}`;
    return { tone: 'failed', text: `${failures}: ${health.lastError ?? 'unknown error'}${when}${waiting}` };
  }
  if (health.lastSuccessAt !== null) return { tone: 'ok', text: `Working · last delivered ${dateTime.format(new Date(health.lastSuccessAt))}${waiting}` };
  return { tone: 'waiting', text: `Nothing delivered yet${waiting}` };
}

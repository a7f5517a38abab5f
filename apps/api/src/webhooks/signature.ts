import { createHmac, randomBytes } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from '@fanout/contracts';

/** Bytes of a new signing secret: the spec asks for at least 24 (192 bits); 32 matches HMAC-SHA256's block strength. */
export const WEBHOOK_SECRET_BYTES = 32;

/** A new Standard Webhooks symmetric secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(WEBHOOK_SECRET_BYTES).toString('base64');
}

/** The key bytes of a `whsec_` secret (the base64 after the prefix). */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new Error('not a whsec_ secret');
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  if (key.length < 24) throw new Error('a webhook secret needs at least 24 bytes');
  return key;
}

/**
 * One Standard Webhooks symmetric signature: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`
 * keyed with the secret's bytes. `timestamp` is the attempt's unix time in seconds.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  if (id.includes('.') || !Number.isSafeInteger(timestamp)) throw new Error('webhook id must not contain "." and the timestamp must be whole seconds');
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

/**
 * The three headers of one attempt. With several secrets (the current one and, for a day after a
 * rotation, the previous one) `webhook-signature` lists one signature per secret, space
 * separated, as the spec's zero-downtime rotation asks; a receiver accepts any that matches.
 */
export function webhookHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  if (secrets.length === 0) throw new Error('no secret to sign with');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signWebhook(secret, id, timestamp, body)).join(' '),
  };
}

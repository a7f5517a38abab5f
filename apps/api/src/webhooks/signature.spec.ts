import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, secretKey, signWebhook, webhookHeaders } from './signature';

describe('Standard Webhooks signatures', () => {
  it("matches the spec libraries' published vector", () => {
    // standard-webhooks/libraries/javascript/src/webhook.test.ts "sign function works"
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes whsec_ secrets of 32 random bytes, each one different', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(a)).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('signs id.timestamp.body, so changing any of them breaks the signature', () => {
    const secret = newWebhookSecret();
    const base = signWebhook(secret, 'evt-1', 1700000000, '{"a":1}');
    expect(signWebhook(secret, 'evt-2', 1700000000, '{"a":1}')).not.toBe(base);
    expect(signWebhook(secret, 'evt-1', 1700000001, '{"a":1}')).not.toBe(base);
    expect(signWebhook(secret, 'evt-1', 1700000000, '{"a": 1}')).not.toBe(base);
    const expected = createHmac('sha256', secretKey(secret)).update('evt-1.1700000000.{"a":1}').digest();
    expect(timingSafeEqual(Buffer.from(base.slice(3), 'base64'), expected)).toBe(true);
  });

  it('lists one signature per secret during a rotation, space separated', () => {
    const current = newWebhookSecret();
    const previous = newWebhookSecret();
    const headers = webhookHeaders([current, previous], 'evt-1', 1700000000, '{}');
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['webhook-signature'].split(' ')).toEqual([signWebhook(current, 'evt-1', 1700000000, '{}'), signWebhook(previous, 'evt-1', 1700000000, '{}')]);
  });

  it('refuses what the scheme cannot sign safely', () => {
    expect(() => signWebhook('sk_nope', 'evt', 1, '{}')).toThrow(/whsec_/);
    expect(() => signWebhook('whsec_c2hvcnQ=', 'evt', 1, '{}')).toThrow(/24 bytes/);
    expect(() => signWebhook(newWebhookSecret(), 'a.b', 1, '{}')).toThrow(/"\."/);
    expect(() => signWebhook(newWebhookSecret(), 'evt', 1.5, '{}')).toThrow(/whole seconds/);
    expect(() => webhookHeaders([], 'evt', 1, '{}')).toThrow(/no secret/);
  });
});

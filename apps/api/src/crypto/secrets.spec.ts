import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secrets } from './secrets';

describe('Secrets', () => {
  const secrets = new Secrets(randomBytes(32));

  it('round-trips a stream key through AES-256-GCM', () => {
    const sealed = secrets.encrypt('live_123_abc');
    expect(sealed).not.toContain('live_123_abc');
    expect(secrets.decrypt(sealed)).toBe('live_123_abc');
  });

  it('uses a fresh nonce per encryption', () => {
    expect(secrets.encrypt('same')).not.toBe(secrets.encrypt('same'));
  });

  it('rejects a tampered ciphertext', () => {
    const [v, iv, tag, body] = secrets.encrypt('secret-key').split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => secrets.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('cannot decrypt with another key', () => {
    const other = new Secrets(randomBytes(32));
    expect(() => other.decrypt(secrets.encrypt('k'))).toThrow();
  });

  it('derives a stable lookup hash that depends on the secret key', () => {
    expect(secrets.lookupHash('k1')).toBe(secrets.lookupHash('k1'));
    expect(secrets.lookupHash('k1')).not.toBe(secrets.lookupHash('k2'));
    expect(new Secrets(randomBytes(32)).lookupHash('k1')).not.toBe(secrets.lookupHash('k1'));
  });

  it('fingerprints without revealing the key', () => {
    expect(Secrets.fingerprint('live_abcdef')).toMatch(/^[0-9a-f]{8}$/);
    expect(Secrets.fingerprint('live_abcdef')).not.toContain('abc');
  });

  it('signs tokens for one purpose: tampering, another purpose or another key never verifies', () => {
    const token = secrets.sign('preview', Buffer.from('stream-1|123'));
    expect(token.length).toBeLessThan(40);
    expect(secrets.verify('preview', token)?.toString()).toBe('stream-1|123');
    expect(secrets.verify('recording', token)).toBeUndefined();
    expect(new Secrets(randomBytes(32)).verify('preview', token)).toBeUndefined();
    const [body, mac] = token.split('.') as [string, string];
    const forged = Buffer.from('stream-2|123').toString('base64url');
    expect(secrets.verify('preview', `${forged}.${mac}`)).toBeUndefined();
    expect(secrets.verify('preview', `${body}.${mac.slice(0, -2)}`)).toBeUndefined();
    // Every other spelling of the last character, including those that decode to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of alphabet) if (c !== mac.at(-1)) expect(secrets.verify('preview', `${body}.${mac.slice(0, -1)}${c}`)).toBeUndefined();
    for (const junk of ['', '.', 'a.b.c', `${body}`, `${body}.`, 'x'.repeat(5000) + '.y']) expect(secrets.verify('preview', junk)).toBeUndefined();
  });
});

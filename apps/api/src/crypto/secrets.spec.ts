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
});

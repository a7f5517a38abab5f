import { describe, expect, it } from 'vitest';
import { SecretTokens, TOKEN_BODY } from './secret-tokens';

describe('SecretTokens', () => {
  const tokens = new SecretTokens();

  it('generates 32 random bytes as 43 base64url characters, after an optional prefix', () => {
    const token = tokens.generate();
    expect(token).toMatch(TOKEN_BODY);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(tokens.generate('fo_pat_')).toMatch(/^fo_pat_[A-Za-z0-9_-]{43}$/);
    expect(new Set(Array.from({ length: 100 }, () => tokens.generate())).size).toBe(100);
  });

  it('hashes with SHA-256 (hex)', () => {
    expect(tokens.hash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

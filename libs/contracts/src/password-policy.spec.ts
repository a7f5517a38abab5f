import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords';
import { passwordProblem, passwordSchema } from './password-policy';
import { nameSchema } from './text';

describe('password policy', () => {
  const refused: [string, string][] = [
    ['short', 'Use at least 10 characters'],
    ['          ', 'Use something other than spaces'],
    ['\t\t\t\t\t\t\t\t\t\t', 'Use something other than spaces'],
    ['1234567890', 'This password is too common; choose another'],
    ['QWERTYUIOP', 'This password is too common; choose another'],
    ['pass word 123', 'This password is too common; choose another'],
    ['zzzzzzzzzzzz', 'Use more than one repeated character'],
    ['x'.repeat(257), 'Use at most 256 characters'],
  ];
  for (const [password, problem] of refused) {
    it(`refuses ${JSON.stringify(password.slice(0, 16))}`, () => {
      expect(passwordProblem(password)).toBe(problem);
      expect(passwordSchema.safeParse(password).error?.issues.map((i) => i.message)).toEqual([problem]);
    });
  }

  it('accepts long, uncommon passwords, spaces included, and counts code points', () => {
    for (const password of ['correct horse battery', 'owner password 123', 'ünïcødé pässwörd', '🎥🎥🎥🎥🎥🎥🎥🎥🎥🔑']) expect(passwordProblem(password), password).toBeNull();
    expect(passwordProblem('🎥🎥🎥🎥🎥')).toBe('Use at least 10 characters');
  });

  it('ships a list of lower-case, space-free entries of at least 10 characters', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThan(100);
    for (const entry of COMMON_PASSWORDS) expect(entry, entry).toMatch(/^\S{10,}$/);
    for (const entry of COMMON_PASSWORDS) expect(entry).toBe(entry.toLowerCase());
  });
});

describe('nameSchema', () => {
  const schema = nameSchema('Give it a name');
  it('trims, bounds and refuses control characters, lone surrogates and bidi overrides', () => {
    expect(schema.parse('  Main show  ')).toBe('Main show');
    expect(schema.parse('Café 🎥 👨‍👩‍👧')).toBe('Café 🎥 👨‍👩‍👧');
    for (const bad of ['a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\ud800b', 'a\u202eb', 'a\u2066b', 'a\u2028b', 'a\nb']) {
      expect(schema.safeParse(bad).error?.issues.map((i) => i.message), JSON.stringify(bad)).toEqual(['Remove control characters']);
    }
    expect(schema.safeParse('   ').error?.issues[0]?.message).toBe('Give it a name');
  });
});

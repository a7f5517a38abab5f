import { afterEach, describe, expect, it } from 'vitest';
import { skipWithout } from './support/tools';

describe('external tool gating', () => {
  const saved = process.env['CI'];
  afterEach(() => {
    if (saved === undefined) delete process.env['CI'];
    else process.env['CI'] = saved;
  });

  it('skips a suite locally when its tool is missing', () => {
    delete process.env['CI'];
    expect(skipWithout('nothing', false)).toBe(true);
  });

  it('fails on CI when a tool is missing', () => {
    process.env['CI'] = 'true';
    expect(() => skipWithout('nothing', false)).toThrow(/required on CI/);
  });

  it('runs when the tool is there', () => {
    process.env['CI'] = 'true';
    expect(skipWithout('something', true)).toBe(false);
  });
});

// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatUptime, formatWait } from './format';

describe('formatUptime', () => {
  it.each([
    [0, '0 s'],
    [42.9, '42 s'],
    [60, '1 min'],
    [5 * 60 + 3, '5 min 3 s'],
    [2 * 3600 + 5 * 60 + 59, '2 h 5 min'],
    [3 * 86_400 + 4 * 3600, '3 d 4 h'],
    [86_400, '1 d'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });
});

describe('formatWait', () => {
  it.each([
    [30, '30 s'],
    [119, '119 s'],
    [120, '2 min'],
    [898, '15 min'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs } from './retry-schedule';

const S = 1000;
const H = 3600 * S;

describe('webhook retry schedule', () => {
  it('grows 5x from 15 s up to 10 h, for 8 attempts, about a day in all', () => {
    const delays = Array.from({ length: 8 }, (_, i) => retryDelayMs(DEFAULT_RETRY_SCHEDULE, i + 1, 0.5));
    expect(delays).toEqual([15 * S, 75 * S, 375 * S, 1875 * S, 9375 * S, 10 * H, 10 * H, null]);
    const total = delays.reduce<number>((sum, d) => sum + (d ?? 0), 0);
    expect(total / H).toBeGreaterThan(22);
    expect(total / H).toBeLessThan(25);
  });

  it('jitters each wait by at most 20% either way, and the whole schedule stays within a day and a bit', () => {
    for (let attempt = 1; attempt < 8; attempt++) {
      const middle = retryDelayMs(DEFAULT_RETRY_SCHEDULE, attempt, 0.5)!;
      expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, attempt, 0)).toBe(Math.round(middle * 0.8));
      expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, attempt, 0.999999)).toBeLessThanOrEqual(Math.round(middle * 1.2));
    }
    const longest = Array.from({ length: 7 }, (_, i) => retryDelayMs(DEFAULT_RETRY_SCHEDULE, i + 1, 1)!).reduce((a, b) => a + b, 0);
    expect(longest / H).toBeLessThan(28);
  });

  it('scales with the first delay (WEBHOOK_RETRY_FIRST_S)', () => {
    const fast = { ...DEFAULT_RETRY_SCHEDULE, firstMs: 100 };
    expect([1, 2, 3].map((a) => retryDelayMs(fast, a, 0.5))).toEqual([100, 500, 2500]);
  });

  it("takes a receiver's Retry-After when it asks for longer, never shorter, at most an hour", () => {
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, 0.5, 120)).toBe(120 * S);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, 0.5, 1)).toBe(15 * S);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, 0.5, 86_400)).toBe(H);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 8, 0.5, 120)).toBeNull();
  });

  it('treats a broken random draw as the middle, never as a zero wait', () => {
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, Number.NaN)).toBe(15 * S);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, -3)).toBe(12 * S);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, 7)).toBe(18 * S);
  });
});

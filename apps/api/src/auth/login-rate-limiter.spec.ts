import { describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { FakeClock } from '../../test/support/strict-fake';
import { LoginRateLimiter, SlidingWindowLimiter } from './login-rate-limiter';

const MINUTE = 60_000;

function refusal(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected RATE_LIMITED');
}

describe('SlidingWindowLimiter', () => {
  const limit = { max: 3, windowMs: 10 * MINUTE };

  it('allows max hits in a window and then says how long to wait for the oldest to expire', () => {
    const limiter = new SlidingWindowLimiter(limit, 100);
    limiter.hit('k', 0);
    limiter.hit('k', 1 * MINUTE);
    expect(limiter.retryAfterMs('k', 2 * MINUTE)).toBe(0);
    limiter.hit('k', 2 * MINUTE);
    expect(limiter.retryAfterMs('k', 2 * MINUTE)).toBe(8 * MINUTE); // the hit at 0 leaves at 10
    expect(limiter.retryAfterMs('k', 5 * MINUTE)).toBe(5 * MINUTE);
    expect(limiter.retryAfterMs('k', 10 * MINUTE)).toBe(0);
  });

  it('slides: each hit leaves the window on its own, not all at a fixed boundary', () => {
    const limiter = new SlidingWindowLimiter(limit, 100);
    for (const t of [0, 4, 8]) limiter.hit('k', t * MINUTE);
    expect(limiter.retryAfterMs('k', 10 * MINUTE)).toBe(0); // the hit at 0 just left
    limiter.hit('k', 10 * MINUTE);
    expect(limiter.retryAfterMs('k', 10 * MINUTE)).toBe(4 * MINUTE); // waits for the hit at 4
  });

  it('keeps keys apart', () => {
    const limiter = new SlidingWindowLimiter(limit, 100);
    for (let i = 0; i < 3; i++) limiter.hit('a', 0);
    expect(limiter.retryAfterMs('a', 0)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('b', 0)).toBe(0);
  });

  it('keeps at most max timestamps per key however often it is hit', () => {
    const limiter = new SlidingWindowLimiter(limit, 100);
    for (let i = 0; i < 1000; i++) limiter.hit('k', i);
    // Blocked until the third newest hit (at 997 ms) is a window old.
    expect(limiter.retryAfterMs('k', 1000)).toBe(997 + 10 * MINUTE - 1000);
  });

  it('reset and forgiveOne undo hits', () => {
    const limiter = new SlidingWindowLimiter(limit, 100);
    for (let i = 0; i < 3; i++) limiter.hit('k', 0);
    limiter.forgiveOne('k');
    expect(limiter.retryAfterMs('k', 0)).toBe(0);
    limiter.hit('k', 0);
    limiter.reset('k');
    expect(limiter.size).toBe(0);
    limiter.forgiveOne('nobody'); // harmless
  });

  it('sweeps keys whose hits all left the window, at most once per window', () => {
    const limiter = new SlidingWindowLimiter(limit, 100);
    limiter.hit('old', 0);
    limiter.hit('older', 0);
    expect(limiter.size).toBe(2);
    limiter.hit('new', 11 * MINUTE); // a window after the last sweep: sweeps first
    expect(limiter.size).toBe(1);
  });

  it('never holds more than maxKeys keys: when full it sweeps, then evicts the least recently hit', () => {
    const limiter = new SlidingWindowLimiter(limit, 3);
    limiter.hit('a', 0);
    limiter.hit('b', 1);
    limiter.hit('c', 2);
    limiter.hit('a', 3); // a is now the most recent
    limiter.hit('d', 4); // full: b (least recently hit) goes
    expect(limiter.size).toBe(3);
    for (let i = 0; i < 2; i++) limiter.hit('b', 5);
    limiter.hit('b', 5);
    expect(limiter.retryAfterMs('b', 5)).toBeGreaterThan(0); // b restarted from zero: exactly 3 hits
    for (let i = 0; i < 500; i++) limiter.hit(`spray-${i}`, 10 + i);
    expect(limiter.size).toBe(3);
  });
});

describe('LoginRateLimiter', () => {
  const limits = { pairFreeFailures: 5, baseDelayMs: 30_000, maxDelayMs: 15 * MINUTE, pairMemoryMs: 60 * MINUTE, address: { max: 20, windowMs: 15 * MINUTE }, maxKeys: 1000 };

  it('gives one address five free failures on one account, then delays that double up to 15 minutes', () => {
    const clock = new FakeClock();
    const limiter = new LoginRateLimiter(clock, limits);
    for (let i = 0; i < 5; i++) limiter.attempt('a@example.com', '10.0.0.1');
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const error = refusal(() => limiter.attempt('a@example.com', '10.0.0.1'));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.userMessage).toBe('Too many sign-in attempts. Try again later.');
      waits.push(error.retryAfterS!);
      clock.advance(error.retryAfterS! * 1000);
      limiter.attempt('a@example.com', '10.0.0.1'); // the attempt after the delay fails again
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it("never lets failures from other addresses lock the account's owner out", () => {
    const limiter = new LoginRateLimiter(new FakeClock(), limits);
    for (let i = 0; i < 200; i++) {
      try {
        limiter.attempt('owner@example.com', `198.51.100.${i % 10}`);
      } catch {
        // those attackers are throttled
      }
    }
    expect(() => limiter.attempt('owner@example.com', '192.0.2.44')).not.toThrow();
    limiter.succeeded('owner@example.com', '192.0.2.44');
  });

  it('refuses the 21st attempt from one address across accounts', () => {
    const limiter = new LoginRateLimiter(new FakeClock(), limits);
    for (let i = 0; i < 20; i++) limiter.attempt(`user${i}@example.com`, '203.0.113.7');
    expect(refusal(() => limiter.attempt('fresh@example.com', '203.0.113.7')).retryAfterS).toBe(15 * 60);
    expect(() => limiter.attempt('fresh@example.com', '203.0.113.8')).not.toThrow();
  });

  it('does not count refused attempts, so waiting out the delay always works', () => {
    const clock = new FakeClock();
    const limiter = new LoginRateLimiter(clock, limits);
    for (let i = 0; i < 5; i++) limiter.attempt('a@example.com', '10.0.0.1');
    for (let i = 0; i < 20; i++) {
      expect(() => limiter.attempt('a@example.com', '10.0.0.1')).toThrow();
      clock.advance(1000);
    }
    clock.advance(10_000);
    expect(() => limiter.attempt('a@example.com', '10.0.0.1')).not.toThrow();
  });

  it('clears the pair and forgives the address attempt on success', () => {
    const limiter = new LoginRateLimiter(new FakeClock(), limits);
    for (let i = 0; i < 4; i++) limiter.attempt('a@example.com', '10.0.0.1');
    limiter.attempt('a@example.com', '10.0.0.1');
    limiter.succeeded('a@example.com', '10.0.0.1');
    for (let i = 0; i < 5; i++) limiter.attempt('a@example.com', '10.0.0.1');
    expect(() => limiter.attempt('a@example.com', '10.0.0.1')).toThrow();
    // Address: 4 + (1 forgiven) + 5 = 9 counted, so 11 more fit.
    for (let i = 0; i < 11; i++) limiter.attempt(`other${i}@example.com`, '10.0.0.1');
    expect(() => limiter.attempt('another@example.com', '10.0.0.1')).toThrow();
  });

  it('stays bounded under a spray of accounts and addresses', () => {
    const clock = new FakeClock();
    const limiter = new LoginRateLimiter(clock, { ...limits, maxKeys: 50 });
    for (let i = 0; i < 5000; i++) {
      limiter.attempt(`spray${i}@example.com`, `10.${i >> 8}.${i & 255}.1`);
      clock.advance(10);
    }
    expect(limiter.size.pairs).toBeLessThanOrEqual(50);
    expect(limiter.size.addresses).toBeLessThanOrEqual(50);
  });

  it('forgets a pair an hour after its last failure once its delay is over', () => {
    const clock = new FakeClock();
    const limiter = new LoginRateLimiter(clock, limits);
    for (let i = 0; i < 5; i++) limiter.attempt('a@example.com', '10.0.0.1');
    clock.advance(60 * MINUTE);
    for (let i = 0; i < 5; i++) limiter.attempt('a@example.com', '10.0.0.1'); // five free ones again
    expect(() => limiter.attempt('a@example.com', '10.0.0.1')).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { BadKeyThrottle } from './bad-key-throttle';

describe('BadKeyThrottle', () => {
  const policy = { free: 5, windowMs: 60_000, firstDelayMs: 250, maxDelayMs: 4_000 };

  it('answers the first attempts at once, then delays each one more, doubling up to the cap', () => {
    const t = new BadKeyThrottle(policy);
    const delays = Array.from({ length: 12 }, () => t.admit('198.51.100.7', 0));
    expect(delays).toEqual([0, 0, 0, 0, 0, 250, 500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('counts before the lookup: forty concurrent attempts are forty, not five', () => {
    const t = new BadKeyThrottle(policy);
    for (let i = 0; i < 40; i++) t.admit('198.51.100.7', 0);
    expect(t.count('198.51.100.7')).toBe(40);
  });

  it('forgives a valid key, so the rightful streamer never pays for a neighbour', () => {
    const t = new BadKeyThrottle(policy);
    for (let i = 0; i < 5; i++) t.admit('203.0.113.1', 0);
    expect(t.admit('203.0.113.1', 0)).toBe(250); // a valid key waits at most the delay, then publishes
    t.forgive('203.0.113.1');
    expect(t.count('203.0.113.1')).toBe(5);
  });

  it('starts over after the window, per address, and stays bounded', () => {
    const t = new BadKeyThrottle(policy, 3);
    for (let i = 0; i < 9; i++) t.admit('a', 0);
    expect(t.admit('a', 60_000)).toBe(0);
    expect(t.admit('b', 0)).toBe(0);
    t.admit('c', 0);
    t.admit('d', 0);
    expect(t.size).toBe(3);
    expect(t.count('a')).toBe(0); // the least recently seen went first
  });
});

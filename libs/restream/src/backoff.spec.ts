import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe('Backoff', () => {
  it('starts at the initial delay and doubles the envelope per attempt up to the cap', () => {
    // random() = 1 would be the top of the draw: delay == envelope.
    const backoff = new Backoff({ random: () => 0.999999999, clock: () => 0 });
    const delays = Array.from({ length: 9 }, () => Math.round(backoff.next()));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoff.attempts).toBe(9);
  });

  it('uses equal jitter: the delay is at least half the envelope', () => {
    const backoff = new Backoff({ random: () => 0, clock: () => 0 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('never returns less than the floor, even when the jitter draws zero', () => {
    const backoff = new Backoff({ initialMs: 100, floorMs: 250, random: () => 0, clock: () => 0 });
    expect(backoff.next()).toBe(250);
    expect(backoff.next()).toBe(250);
    expect(backoff.next()).toBe(250);
    expect(backoff.next()).toBe(400);
  });

  it('clamps a misbehaving random source into the bounds', () => {
    expect(new Backoff({ random: () => 7, clock: () => 0 }).next()).toBe(1_000);
    expect(new Backoff({ random: () => Number.NaN, clock: () => 0 }).next()).toBe(500);
    expect(new Backoff({ random: () => -3, clock: () => 0 }).next()).toBe(500);
  });

  it('reset() starts over from the initial delay', () => {
    const backoff = new Backoff({ random: () => 0, clock: () => 0 });
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(500);
  });

  it('keeps backing off when a destination flaps every 5 s', () => {
    const clock = manualClock();
    const backoff = new Backoff({ random: () => 0, clock: clock.read });
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const delay = backoff.next();
      delays.push(delay);
      clock.now += delay;
      backoff.succeeded(); // connected again...
      clock.now += 5_000;
      expect(backoff.maybeReset()).toBe(false); // ...but never for long
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('resets attempts once the connection has been stable for stableMs (maybeReset on a timer)', () => {
    const clock = manualClock();
    const backoff = new Backoff({ random: () => 0, clock: clock.read, stableMs: 60_000 });
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.succeeded();
    clock.now += 59_999;
    expect(backoff.maybeReset()).toBe(false);
    expect(backoff.attempts).toBe(3);
    clock.now += 1;
    expect(backoff.maybeReset()).toBe(true);
    expect(backoff.attempts).toBe(0);
    expect(backoff.connectedSince).toBe(0);
  });

  it('resets attempts at the next failure when the connection that ended had been stable', () => {
    const clock = manualClock();
    const backoff = new Backoff({ random: () => 0, clock: clock.read });
    for (let i = 0; i < 5; i++) backoff.next();
    backoff.succeeded();
    clock.now += 3_600_000; // up for an hour, nobody called maybeReset()
    expect(backoff.next()).toBe(500);
    expect(backoff.attempts).toBe(1);
    expect(backoff.connectedSince).toBeUndefined();
  });

  it('does not reset on a failure that was never preceded by succeeded()', () => {
    const clock = manualClock();
    const backoff = new Backoff({ random: () => 0, clock: clock.read });
    backoff.next();
    clock.now += 3_600_000;
    expect(backoff.maybeReset()).toBe(false);
    expect(backoff.next()).toBe(1_000);
  });

  it('rejects nonsensical options', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
    expect(() => new Backoff({ floorMs: 5_000, maxMs: 1_000 })).toThrow(RangeError);
    expect(() => new Backoff({ floorMs: -1 })).toThrow(RangeError);
  });

  const optionsArb = fc
    .record({
      initialMs: fc.integer({ min: 1, max: 10_000 }),
      factor: fc.double({ min: 1, max: 10, noNaN: true }),
      floorMs: fc.integer({ min: 0, max: 1_000 }),
      extraCapMs: fc.integer({ min: 0, max: 120_000 }),
    })
    .map(({ extraCapMs, ...o }) => ({ ...o, maxMs: o.floorMs + extraCapMs }));

  type Op =
    | { op: 'next'; r: number }
    | { op: 'succeeded' }
    | { op: 'wait'; ms: number }
    | { op: 'maybeReset' }
    | { op: 'reset' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      arbitrary: fc.record({
        op: fc.constant('next' as const),
        r: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      }),
      weight: 6,
    },
    { arbitrary: fc.constant({ op: 'succeeded' as const }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 120_000 }) }), weight: 1 },
    { arbitrary: fc.constant({ op: 'maybeReset' as const }), weight: 1 },
    { arbitrary: fc.constant({ op: 'reset' as const }), weight: 1 },
  );

  it('property: every delay is within [floor, cap] and the envelope never shrinks until a reset', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(opArb, { maxLength: 200 }), (options, ops) => {
        const clock = manualClock();
        let r = 0;
        const backoff = new Backoff({ ...options, clock: clock.read, random: () => r });
        let lastEnvelope = 0;
        for (const op of ops) {
          switch (op.op) {
            case 'next': {
              r = op.r;
              const attemptsBefore = backoff.attempts;
              const connected = backoff.connectedSince !== undefined;
              const envelope = backoff.envelopeMs;
              const delay = backoff.next();
              expect(delay).toBeGreaterThanOrEqual(options.floorMs);
              expect(delay).toBeLessThanOrEqual(options.maxMs);
              // Equal jitter: at least half of the envelope the delay was drawn under (unless floored).
              const drawnUnder =
                backoff.attempts === 1 && attemptsBefore > 0 ? Math.min(options.maxMs, options.initialMs) : envelope;
              expect(delay).toBeGreaterThanOrEqual(Math.min(options.maxMs, drawnUnder / 2) - 1e-9);
              if (backoff.attempts === attemptsBefore + 1) {
                expect(envelope).toBeGreaterThanOrEqual(lastEnvelope);
                lastEnvelope = envelope;
              } else {
                // The only other outcome: a stable connection ended and the count restarted.
                expect(connected).toBe(true);
                expect(backoff.attempts).toBe(1);
                lastEnvelope = 0;
              }
              break;
            }
            case 'succeeded':
              backoff.succeeded();
              break;
            case 'wait':
              clock.now += op.ms;
              break;
            case 'maybeReset':
              if (backoff.maybeReset()) lastEnvelope = 0;
              break;
            case 'reset':
              backoff.reset();
              lastEnvelope = 0;
              break;
          }
          expect(backoff.envelopeMs).toBeGreaterThanOrEqual(lastEnvelope);
        }
      }),
    );
  });
});

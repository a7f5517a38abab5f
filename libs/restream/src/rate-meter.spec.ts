import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyframeIntervalMeter, MediaFrameRateMeter, RateMeter } from './rate-meter';

function manualClock(start = 0) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe('RateMeter', () => {
  it('reports a steady 1 Mbit/s stream as 1 Mbit/s', () => {
    const clock = manualClock();
    const meter = new RateMeter({ clock: clock.read });
    for (let ms = 1; ms <= 20_000; ms++) {
      clock.now = ms;
      if (ms % 10 === 0) meter.record(1_250); // 125 000 B/s
      if (ms % 1_000 === 0) expect(meter.bitsPerSecond()).toBe(1_000_000);
    }
    expect(meter.bytesPerSecond()).toBe(125_000);
  });

  it('averages over the time since start during the first window instead of ramping up from zero', () => {
    const clock = manualClock(10_000);
    const meter = new RateMeter({ clock: clock.read });
    clock.now = 10_500;
    meter.record(500);
    expect(meter.bytesPerSecond()).toBe(1_000);
    clock.now = 12_000;
    expect(meter.bytesPerSecond()).toBe(250);
  });

  it('falls to zero once the window has passed without data', () => {
    const clock = manualClock();
    const meter = new RateMeter({ clock: clock.read });
    clock.now = 10_000;
    meter.record(1_000_000);
    clock.now = 14_000;
    expect(meter.bitsPerSecond()).toBe(1_600_000);
    clock.now = 15_000;
    expect(meter.bitsPerSecond()).toBe(0);
    clock.now = 100_000;
    expect(meter.bitsPerSecond()).toBe(0);
  });

  it('pro-rates the oldest bucket between whole seconds', () => {
    const clock = manualClock();
    const meter = new RateMeter({ clock: clock.read });
    clock.now = 10_000;
    meter.record(1_000); // in the bucket (9 s, 10 s]
    clock.now = 14_500; // window (9.5 s, 14.5 s]: half of that bucket
    expect(meter.bytesPerSecond()).toBe(100);
  });

  it('ignores amounts recorded for a time already out of the window', () => {
    const meter = new RateMeter({ clock: () => 0 });
    meter.record(100, 10_000);
    meter.record(999, 4_000); // same ring slot, six seconds older
    expect(meter.bytesPerSecond(10_000)).toBe(20);
  });

  it('reset() starts over', () => {
    const clock = manualClock();
    const meter = new RateMeter({ clock: clock.read });
    clock.now = 1_000;
    meter.record(1_000);
    meter.reset();
    clock.now = 2_000;
    expect(meter.bytesPerSecond()).toBe(0);
  });

  it('rejects a window that is not a whole number of buckets', () => {
    expect(() => new RateMeter({ windowMs: 2_500, bucketMs: 1_000 })).toThrow(RangeError);
    expect(() => new RateMeter({ bucketMs: 0 })).toThrow(RangeError);
  });

  it('property: exact on integer seconds, equal to the bytes in (now - window, now]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 30_000 }), bytes: fc.integer({ min: 0, max: 100_000 }) }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 35 }),
        (records, second) => {
          const meter = new RateMeter({ clock: () => 0 });
          const now = second * 1_000;
          const seen = records.filter((r) => r.t <= now).sort((a, b) => a.t - b.t);
          for (const r of seen) meter.record(r.bytes, r.t);
          const span = Math.min(5_000, now);
          const expected = seen.filter((r) => r.t > now - 5_000).reduce((sum, r) => sum + r.bytes, 0);
          expect(meter.bitsPerSecond(now)).toBeCloseTo((expected * 8 * 1_000) / span, 6);
        },
      ),
    );
  });
});

describe('MediaFrameRateMeter', () => {
  it('reads 30 fps from millisecond timestamps (33/34 ms steps)', () => {
    const meter = new MediaFrameRateMeter({ clock: () => 0 });
    for (let frame = 0; frame < 300; frame++) meter.record(Math.round((frame * 1_000) / 30), 0);
    expect(Math.round(meter.fps(0) * 10) / 10).toBe(30);
  });

  it('reads the encoder rate, not the arrival rate, when a second of frames comes in one burst', () => {
    const clock = manualClock();
    const meter = new MediaFrameRateMeter({ clock: clock.read });
    clock.now = 1_000;
    for (let frame = 0; frame < 30; frame++) meter.record(Math.round((frame * 1_000) / 30)); // all at once
    expect(Math.round(meter.fps() * 10) / 10).toBe(30);
    for (let frame = 30; frame < 120; frame++) {
      clock.now = 1_000 + (frame - 30) * (1_000 / 30);
      meter.record(Math.round((frame * 1_000) / 30));
    }
    expect(Math.round(meter.fps() * 10) / 10).toBe(30);
  });

  it('sees a frame rate drop within the window, and reads 0 once frames stop arriving', () => {
    const clock = manualClock();
    const meter = new MediaFrameRateMeter({ clock: clock.read, windowMs: 2_000 });
    for (let ms = 20; ms <= 10_000; ms += 20) {
      clock.now = ms;
      meter.record(ms);
    }
    expect(meter.fps()).toBe(50);
    for (let ms = 10_040; ms <= 12_100; ms += 40) {
      clock.now = ms;
      meter.record(ms);
    }
    expect(meter.fps()).toBe(25);
    clock.now = 14_200;
    expect(meter.fps()).toBe(0);
  });

  it('reads through jittery timestamps: frames stamped on a 21 ms grid still read 30', () => {
    const meter = new MediaFrameRateMeter({ clock: () => 0 });
    // 30 fps, each timestamp snapped up to the next multiple of 21.33 ms (1024 samples at 48 kHz).
    for (let frame = 0; frame < 300; frame++) meter.record(Math.ceil(((frame * 1_000) / 30) / (64 / 3)) * (64 / 3), 0);
    expect(Math.round(meter.fps(0) * 10) / 10).toBe(30);
  });

  it('starts over when timestamps go backwards (a publisher restarted its clock)', () => {
    const meter = new MediaFrameRateMeter({ clock: () => 0 });
    for (let ms = 0; ms <= 2_000; ms += 40) meter.record(ms, 0);
    for (let ms = 0; ms <= 1_000; ms += 20) meter.record(ms, 0);
    expect(meter.fps(0)).toBe(50);
  });
});

describe('KeyframeIntervalMeter', () => {
  it('is undefined before two keyframes', () => {
    const meter = new KeyframeIntervalMeter();
    expect(meter.intervalSeconds).toBeUndefined();
    meter.record(0);
    expect(meter.intervalSeconds).toBeUndefined();
    meter.record(2_000);
    expect(meter.intervalSeconds).toBe(2);
  });

  it('takes the median of the last N intervals, so one scene cut does not swing it', () => {
    const meter = new KeyframeIntervalMeter({ samples: 5 });
    for (const ts of [0, 2_000, 4_000, 4_300, 6_000, 8_000]) meter.record(ts);
    expect(meter.intervalMs).toBe(2_000);
  });

  it('averages the two middle intervals for an even count', () => {
    const meter = new KeyframeIntervalMeter({ samples: 4 });
    for (const ts of [0, 1_000, 3_000]) meter.record(ts);
    expect(meter.intervalMs).toBe(1_500);
  });

  it('forgets intervals older than the last N', () => {
    const meter = new KeyframeIntervalMeter({ samples: 3 });
    for (const ts of [0, 4_000, 8_000, 12_000, 14_000, 16_000, 18_000]) meter.record(ts);
    expect(meter.intervalSeconds).toBe(2);
  });

  it('starts over when the media timestamp goes backwards, and ignores repeated timestamps', () => {
    const meter = new KeyframeIntervalMeter();
    for (const ts of [0, 4_000, 8_000]) meter.record(ts);
    meter.record(1_000); // publisher restarted
    expect(meter.intervalMs).toBeUndefined();
    meter.record(3_000);
    meter.record(3_000);
    expect(meter.intervalMs).toBe(2_000);
    meter.reset();
    expect(meter.intervalMs).toBeUndefined();
  });
});

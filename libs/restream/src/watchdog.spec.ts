import { describe, expect, it } from 'vitest';
import { DeliveryWatchdog } from './watchdog';

const sample = (socketBytes: number, queuedItems = 0, peerAcknowledged = 0) => ({ socketBytes, queuedItems, peerAcknowledged });

describe('DeliveryWatchdog', () => {
  it('never reports a stall while there is nothing to send, however long', () => {
    const dog = new DeliveryWatchdog(1_000, 0);
    for (let t = 0; t <= 60_000; t += 250) expect(dog.sample(sample(0, 0), t)).toBe(0);
  });

  it('reports a stall once bytes have waited in the socket for the timeout without shrinking', () => {
    const dog = new DeliveryWatchdog(1_000, 0);
    expect(dog.sample(sample(50_000, 10), 0)).toBe(0);
    expect(dog.sample(sample(50_000, 20), 500)).toBe(0);
    expect(dog.sample(sample(50_000, 30), 999)).toBe(0);
    expect(dog.sample(sample(50_000, 40), 1_000)).toBe(1_000);
  });

  it('counts a shrinking socket buffer, a drain or a new acknowledgement as progress', () => {
    const dog = new DeliveryWatchdog(1_000, 0);
    dog.sample(sample(50_000, 5), 0);
    expect(dog.sample(sample(40_000, 5), 900)).toBe(0); // the kernel took some
    expect(dog.sample(sample(40_000, 5), 1_800)).toBe(0);
    dog.drained(1_850);
    expect(dog.sample(sample(16_000, 5), 2_700)).toBe(0);
    expect(dog.sample(sample(16_000, 5, 2_500_000), 3_600)).toBe(0); // peer acknowledged
    expect(dog.sample(sample(16_000, 5, 2_500_000), 4_500)).toBe(0);
    expect(dog.sample(sample(16_000, 5, 2_500_000), 4_600)).toBe(1_000);
  });

  it('does not take "the socket is open and the queue moves into it" for progress when the kernel takes nothing', () => {
    const dog = new DeliveryWatchdog(1_000, 0);
    // Growing socket backlog with items still queued: writes happen, delivery does not.
    expect(dog.sample(sample(10_000, 100), 0)).toBe(0);
    expect(dog.sample(sample(20_000, 100), 600)).toBe(0);
    expect(dog.sample(sample(30_000, 100), 1_200)).toBe(1_200);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => new DeliveryWatchdog(0, 0)).toThrow(RangeError);
  });
});

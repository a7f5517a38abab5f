import { describe, expect, it } from 'vitest';
import { BelowFloor, DEFAULT_FREE_SPACE, FreeSpaceGuard, freeSpaceFloor } from './free-space';

const GiB = 1024 ** 3;

describe('the free-space floor', () => {
  it.each([
    { name: 'a 2 TB disk keeps 1 GiB', total: 2_000 * GiB, floor: GiB },
    { name: 'a 16 GiB card keeps 5 %', total: 16 * GiB, floor: 0.8 * GiB },
    { name: 'exactly 20 GiB: both agree', total: 20 * GiB, floor: GiB },
  ])('$name', ({ total, floor }) => {
    expect(freeSpaceFloor(DEFAULT_FREE_SPACE, total)).toBeCloseTo(floor, 0);
  });

  it('checks once, then spends its budget; checks again when the budget runs low or time passes', async () => {
    let now = 0;
    let statfs = 0;
    let available = 100_000;
    const guard = new FreeSpaceGuard({ minFreeBytes: 50_000, minFreeRatio: 1, checkEveryMs: 5_000 }, () => now);
    const space = async () => {
      statfs += 1;
      return { available, total: 1_000_000 };
    };
    expect(await guard.admit(1_000, 1_000, space, '/rec')).toBeUndefined();
    expect(statfs).toBe(1);
    for (let i = 0; i < 20; i++) await guard.admit(1_000, 1_000, space, '/rec');
    expect(statfs).toBe(1); // 21 kB of a 50 kB budget: no statfs needed
    now = 6_000;
    await guard.admit(1_000, 1_000, space, '/rec');
    expect(statfs).toBe(2); // time for a check
    available = 56_000;
    now = 12_000;
    // 56 kB free, 50 kB floor: this 2 kB write plus 2 kB to finish fit, another after it would not.
    expect(await guard.admit(2_000, 2_000, space, '/rec')).toMatch(/^free space on \/rec is down to 54\.7 KiB; recording on would go below the 48\.8 KiB kept free/);
    available = 52_000;
    now = 18_000;
    await expect(guard.admit(2_000, 2_000, space, '/rec')).rejects.toBeInstanceOf(BelowFloor);
    expect(guard.lastFree).toBe(52_000);
  });

  it('is off with minFreeBytes 0, or when the target cannot tell its free space', async () => {
    const guard = new FreeSpaceGuard({ ...DEFAULT_FREE_SPACE, minFreeBytes: 0 }, () => 0);
    expect(await guard.admit(1e12, 0, async () => ({ available: 0, total: 1 }), '/rec')).toBeUndefined();
    expect(await new FreeSpaceGuard(DEFAULT_FREE_SPACE, () => 0).admit(1e12, 0, undefined, '/rec')).toBeUndefined();
  });
});

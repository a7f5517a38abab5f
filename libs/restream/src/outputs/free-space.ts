import type { Clock } from '../clock';
import type { DiskSpace } from './recording-target';

/**
 * How much of its file system a recording leaves free. The floor is the smaller of
 * `minFreeBytes` and `minFreeRatio` of the file system: 1 GiB on any disk larger than 20 GiB
 * (room for the database, the logs and the OS), 5 % on a small one, where 1 GiB would be
 * too much of it. `minFreeBytes: 0` (or `minFreeRatio: 0`) turns the floor off.
 */
export interface FreeSpaceOptions {
  readonly minFreeBytes: number;
  readonly minFreeRatio: number;
  /** statfs at least this often while writing (also catches other processes filling the disk). */
  readonly checkEveryMs: number;
}

export const DEFAULT_FREE_SPACE: FreeSpaceOptions = Object.freeze({
  minFreeBytes: 1024 ** 3,
  minFreeRatio: 0.05,
  checkEveryMs: 5_000,
});

export function freeSpaceFloor(options: FreeSpaceOptions, total: number): number {
  return Math.max(0, Math.min(options.minFreeBytes, options.minFreeRatio * total));
}

/**
 * The floor stops the recording. `finish`: the batch at hand and the end of the file still fit
 * above it (write them, then stop); otherwise not even those do (stop at once).
 */
export class BelowFloor extends Error {
  override readonly name = 'BelowFloor';
  constructor(
    message: string,
    readonly finish: boolean,
  ) {
    super(message);
  }
}

/**
 * Keeps a recording above the free-space floor without a statfs per write: a check gives a
 * budget (free minus floor), each write spends from it, and a new check comes when the budget
 * would not cover two more writes like this one plus what finishing the file needs, or when
 * `checkEveryMs` passed. The recording's own writes never take the file system below the floor
 * (it stops one write early, with room to finish the file), and what others write is noticed
 * within `checkEveryMs`.
 */
export class FreeSpaceGuard {
  private budget = 0;
  private spent = 0;
  private checkedAt: number | undefined;
  /** Free bytes at the last check (stats), undefined before one or when unknown. */
  lastFree: number | undefined;

  constructor(
    readonly options: FreeSpaceOptions,
    private readonly clock: Clock,
  ) {}

  /**
   * Before writing `bytes`, while finishing the file would take up to `reserve` more. Resolves
   * to undefined when the write may go ahead, to the floor's message when it is the last one
   * (write it, finish the file, stop), and rejects with {@link BelowFloor} when not even that
   * fits. `where` names the file system in the message.
   */
  async admit(bytes: number, reserve: number, space: (() => Promise<DiskSpace | undefined>) | undefined, where: string): Promise<string | undefined> {
    if (this.options.minFreeBytes <= 0 || this.options.minFreeRatio <= 0 || space === undefined) return undefined;
    const need = bytes + reserve;
    const now = this.clock();
    const due = this.checkedAt === undefined || now - this.checkedAt >= this.options.checkEveryMs || this.spent + bytes + need > this.budget;
    if (!due) {
      this.spent += bytes;
      return undefined;
    }
    const s = await space();
    if (s === undefined) return undefined;
    this.lastFree = s.available;
    const floor = freeSpaceFloor(this.options, s.total);
    const message = `free space on ${where} is down to ${formatBytes(s.available)}; recording on would go below the ${formatBytes(floor)} kept free for the rest of the machine: recording stopped`;
    if (s.available - need < floor) throw new BelowFloor(message, false);
    if (s.available - need - need < floor) return message;
    this.checkedAt = now;
    this.budget = s.available - floor;
    this.spent = bytes;
    return undefined;
  }

  /** A new file: its first write checks again. */
  reset(): void {
    this.checkedAt = undefined;
    this.budget = this.spent = 0;
  }
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

import { METRICS_RETENTION } from '@fanout/contracts';

export type Resolution = (typeof METRICS_RETENTION)[number]['resolutionS'];

/** One downsampling step: rows of `from` seconds older than `before` become rows of `to` seconds. */
export interface DownsampleStep {
  from: Resolution;
  to: Resolution;
  before: Date;
}

export interface MaintenancePlan {
  steps: DownsampleStep[];
  /** Rows of any resolution older than this are deleted. */
  deleteBefore: Date;
}

/** `time` rounded down to a multiple of `seconds` since the epoch (what date_bin does with the epoch as origin). */
export function floorTo(time: number, seconds: number): Date {
  const ms = seconds * 1000;
  return new Date(Math.floor(time / ms) * ms);
}

/**
 * What the maintenance job does at `now`: 1 s rows past their hour become 10 s averages,
 * 10 s rows past their day become 1 min averages, anything past 30 days is deleted. Each
 * cutoff is on a bucket boundary of the coarser resolution, so a bucket is never built
 * from half of its rows (the other half would make a second row for the same bucket).
 */
export function maintenancePlan(now: Date): MaintenancePlan {
  const t = now.getTime();
  const steps: DownsampleStep[] = [];
  for (let i = 0; i + 1 < METRICS_RETENTION.length; i++) {
    const fine = METRICS_RETENTION[i]!;
    const coarse = METRICS_RETENTION[i + 1]!;
    steps.push({ from: fine.resolutionS, to: coarse.resolutionS, before: floorTo(t - fine.keepS * 1000, coarse.resolutionS) });
  }
  const last = METRICS_RETENTION[METRICS_RETENTION.length - 1]!;
  return { steps, deleteBefore: new Date(t - last.keepS * 1000) };
}

/**
 * The finest resolution still kept for the whole range: 1 s when `from` is within the last
 * hour, 10 s within the last day, else 1 min. Coarser rows inside the range are included
 * as they are, finer ones are averaged into the chosen buckets.
 */
export function resolutionFor(from: Date, now: Date): Resolution {
  const ageS = (now.getTime() - from.getTime()) / 1000;
  for (const level of METRICS_RETENTION) if (ageS <= level.keepS) return level.resolutionS;
  return METRICS_RETENTION[METRICS_RETENTION.length - 1]!.resolutionS;
}

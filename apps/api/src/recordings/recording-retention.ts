import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';
import { RecordingFiles } from './recording-files';
import { RecordingsRepository } from './recordings.repository';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const GIB = 1024 ** 3;

/**
 * Keeps recordings within RECORDINGS_MAX_AGE_DAYS and RECORDINGS_MAX_TOTAL_GB: oldest first,
 * never one being written. Runs hourly and shortly after each recording finishes; one run at
 * a time.
 */
@Injectable()
export class RecordingRetention implements OnModuleDestroy {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly recordings: RecordingsRepository,
    private readonly files: RecordingFiles,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'RECORDINGS_MAX_AGE_DAYS' | 'RECORDINGS_MAX_TOTAL_GB'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'recordings' });
  }

  start(): void {
    this.timer ??= setInterval(() => this.soon(0), HOUR_MS).unref();
    this.soon();
  }

  /** A run in a moment (several finishing recordings make one run). */
  soon(delayMs = 1_000): void {
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      void this.prune();
    }, delayMs).unref();
  }

  onModuleDestroy(): Promise<number> | undefined {
    clearInterval(this.timer);
    clearTimeout(this.soonTimer);
    return this.running;
  }

  /** Deletes what the limits say must go; returns how many recordings were deleted. */
  prune(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<number> {
    const { RECORDINGS_MAX_AGE_DAYS: maxAgeDays, RECORDINGS_MAX_TOTAL_GB: maxTotalGb } = this.config;
    if (maxAgeDays === 0 && maxTotalGb === 0) return 0;
    let deleted = 0;
    try {
      const rows = await this.recordings.finishedOldestFirst();
      const cutoff = this.clock.now().getTime() - maxAgeDays * DAY_MS;
      let total = maxTotalGb > 0 ? await this.recordings.totalBytes() : 0;
      for (const row of rows) {
        const tooOld = maxAgeDays > 0 && row.startedAt.getTime() < cutoff;
        const tooBig = maxTotalGb > 0 && total > maxTotalGb * GIB;
        if (!tooOld && !tooBig) break; // oldest first: nothing after this one is older, and the total fits
        await this.files.remove(row.file);
        await this.recordings.delete(row.id);
        total -= Number(row.bytes);
        deleted += 1;
        this.log.info({ file: row.file, why: tooOld ? `older than ${maxAgeDays} days` : `over ${maxTotalGb} GiB in all` }, 'recording deleted by retention');
      }
    } catch (error) {
      this.log.error({ err: error }, 'recording retention failed; it runs again within the hour');
    }
    return deleted;
  }
}

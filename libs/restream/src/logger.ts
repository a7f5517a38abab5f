import { createHash } from 'node:crypto';
import { type Clock, monotonicClock } from './clock';

/** What the engine logs through: pino-compatible (`logger.warn({ destinationId }, 'stalled')`). */
export interface EngineLogger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

const noop = (): void => undefined;

/** The default logger: discards everything. */
export const noopLogger: EngineLogger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/**
 * A short, non-reversible fingerprint of a secret (stream key, destination key) for logs:
 * enough to tell two keys apart, useless to stream with.
 */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}

/**
 * Hot-path warnings (drops, stalls) at most once per `intervalMs` per key; the next one that
 * gets through carries how many were suppressed. MediaMTX does the same for its async writer.
 */
export class RateLimitedWarner {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: EngineLogger,
    private readonly intervalMs = 10_000,
    private readonly clock: Clock = monotonicClock,
  ) {}

  warn(key: string, o: object, m: string): void {
    const now = this.clock();
    const entry = this.last.get(key);
    if (entry !== undefined && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(key, { at: now, suppressed: 0 });
    this.logger.warn(suppressed > 0 ? { ...o, suppressed } : o, m);
  }

  /** Forget a key (e.g. the destination was removed), so the map stays bounded. */
  forget(prefix: string): void {
    for (const key of this.last.keys()) if (key.startsWith(prefix)) this.last.delete(key);
  }
}

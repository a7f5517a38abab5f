import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../src/logging/logger';

/** A real pino logger whose JSON lines are kept in memory, so tests can read (and grep) them. */
export function capturedLogger(level: pino.Level = 'debug'): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line);
      done();
    },
  });
  const logger = pino({ level, base: { service: 'fanout-api' } }, sink);
  return { logger, lines, text: () => lines.join('\n') };
}

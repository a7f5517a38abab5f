import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/config';

export type { Logger };

/** Nest injection token for the root pino logger. */
export const LOGGER = Symbol('LOGGER');

/**
 * Paths that may carry secrets. Stream keys are never logged at all (callers log a
 * fingerprint), and these redactions are a second line of defence.
 */
const REDACT = [
  'password',
  '*.password',
  'streamKey',
  '*.streamKey',
  'token',
  '*.token',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>,
  destination?: pino.DestinationStream,
): Logger {
  const pretty = config.LOG_PRETTY ?? config.NODE_ENV === 'development';
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    base: { service: 'fanout-api' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}

/** Routes Nest's own log calls into pino, keeping the Nest context as `context`. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, message instanceof Error ? message.message : String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

import { ConfigError } from '@fanout/contracts';
import { readConfig } from './config/config';
import { createLogger } from './logging/logger';
import { startApi } from './server';
import { describeStartupFailure } from './startup/preflight';

async function main() {
  let config;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config);
  const api = await startApi(config, logger).catch((error: unknown) => {
    const reason = describeStartupFailure(error);
    logger.fatal({ err: error, reason }, 'start-up failed');
    logger.flush?.();
    // One line a person can act on, whatever the log format: what is wrong, which setting to change.
    process.stderr.write(`Fanout cannot start: ${reason}\n`);
    process.exit(1);
  });
  logger.info({ api: api.url, rtmpPort: api.rtmpPort }, 'Fanout API ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    api.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();

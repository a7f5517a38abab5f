import { join, resolve } from 'node:path';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { startEmbeddedPostgres } from './embedded-postgres';
import { applyMigrations, readMigrations } from './migrate';
import { StartupError, redactUrl } from '../startup/preflight';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The repository's prisma/migrations folder, found from this file in src/ or dist/. */
export const MIGRATIONS_DIR = resolve(__dirname, '../../../../prisma/migrations');

/**
 * The platform's database: `DATABASE_URL` when set, otherwise an embedded PostgreSQL
 * in `DATA_DIR/postgres`. Either way, pending migrations are applied before use.
 */
export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'>,
  logger: Logger,
  migrationsDir = MIGRATIONS_DIR,
): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (config.DATABASE_URL) {
    handle = { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  } else {
    const embedded = await startEmbeddedPostgres({
      dataDir: join(config.DATA_DIR, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      logger,
    });
    handle = { url: embedded.url, embedded: true, stop: embedded.stop };
  }
  try {
    await applyMigrations(handle.url, await readMigrations(migrationsDir), logger);
  } catch (error) {
    await handle.stop();
    throw handle.embedded ? error : (unreachable(config.DATABASE_URL!, error) ?? error);
  }
  return handle;
}

/** DATABASE_URL's server could not be used: say why, without its password. */
function unreachable(url: string, error: unknown): StartupError | undefined {
  const e = error as { code?: string; message?: string };
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ECONNRESET: 'connection reset',
    '28P01': 'password authentication failed',
    '28000': 'not allowed to connect',
    '3D000': 'the database does not exist',
  };
  const reason = e.code !== undefined ? reasons[e.code] : undefined;
  if (reason === undefined && !/connect|terminated|timeout/i.test(e.message ?? '')) return undefined;
  return new StartupError(`DATABASE_URL ${redactUrl(url)} cannot be used (${reason ?? e.message}); check DATABASE_URL`, 'DATABASE_URL', { cause: error });
}

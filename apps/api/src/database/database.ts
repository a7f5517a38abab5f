import { join, resolve } from 'node:path';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { startEmbeddedPostgres } from './embedded-postgres';
import { applyMigrations, readMigrations } from './migrate';

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
    throw error;
  }
  return handle;
}

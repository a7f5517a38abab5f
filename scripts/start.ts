/**
 * `npm start`: the whole platform from one command.
 *
 *   1. validate the configuration (one message naming every bad variable);
 *   2. build whatever is not built yet (Nx caches what is);
 *   3. start the API (which starts the embedded PostgreSQL when DATABASE_URL is unset,
 *      applies migrations and opens the RTMP ingest), wait until it is healthy;
 *   4. start the dashboard (Next behind apps/web/server), which proxies /api/* to the API;
 *   5. print the dashboard URL and the OBS ingest URL.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops the dashboard, then the API, which stops its database.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { packageBin } from './tools';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../libs/contracts/src/config';
import { assertPortFree, assertWritableDir, describeStartupFailure } from '../apps/api/src/startup/preflight';
import { orphanedPostmaster } from '../apps/api/src/database/embedded-postgres';

const root = join(__dirname, '..');

function fail(message: string, code = 1): never {
  process.stderr.write(`\n${message}\n`);
  process.exit(code);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(`Fanout cannot start.\n${error.message}\nSee the configuration table in README.md.`, 78);
  throw error;
}

/**
 * The API's node flags and allocator settings (apps/api/runtime.json), the same for the benchmark
 * and the container image: a smaller young generation and two malloc arenas take about a third
 * off the API's memory at 50 destinations; a variable set by the operator wins.
 */
const apiRuntime = JSON.parse(readFileSync(join(root, 'apps/api/runtime.json'), 'utf8')) as { nodeFlags: string[]; env: Record<string, string> };

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  API_PORT: String(config.API_PORT),
  RTMP_PORT: String(config.RTMP_PORT),
  DATA_DIR: resolve(config.DATA_DIR),
};

/** Fail fast, before a build, on what would stop the platform later: busy ports, an unwritable DATA_DIR. */
async function preflight(c: NonNullable<typeof config>): Promise<void> {
  try {
    await assertWritableDir('DATA_DIR', c.DATA_DIR);
    const ports: [string, number][] = [
      ['API_PORT', c.API_PORT],
      ['RTMP_PORT', c.RTMP_PORT],
      ['WEB_PORT', c.WEB_PORT],
    ];
    if (c.RTMPS_CERT_FILE && c.RTMPS_KEY_FILE) ports.push(['RTMPS_PORT', c.RTMPS_PORT]);
    for (const [setting, port] of ports) await assertPortFree(setting, port, c.HOST);
    // A PostgreSQL that a killed API left running on DATA_DIR holds the port: the API stops it.
    if (!c.DATABASE_URL && orphanedPostmaster(join(resolve(c.DATA_DIR), 'postgres')) === undefined) await assertPortFree('EMBEDDED_PG_PORT', c.EMBEDDED_PG_PORT);
  } catch (error) {
    fail(`Fanout cannot start: ${describeStartupFailure(error)}`);
  }
}

async function build(): Promise<void> {
  await preflight(config!);
  if (process.env.FANOUT_SKIP_BUILD === '1') return;
  console.log('Building what is not built yet (cached builds are reused)…');
  const build = spawnSync(
    process.execPath,
    [packageBin('nx'), 'run-many', '-t', 'build', '--projects=@fanout/api,@fanout/web', '--output-style=static'],
    { cwd: root, env, stdio: 'inherit' },
  );
  if (build.status !== 0) fail('The build failed; see the output above.');
}

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, args, { cwd, env: { ...extraEnv, ...env }, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // Ctrl-C in a terminal reaches the children too; a child that stopped on a signal
    // or exited cleanly is part of a normal shutdown, anything else is a failure.
    const graceful = signal === 'SIGINT' || signal === 'SIGTERM' || code === 0 || code === 130;
    if (!graceful) console.error(`\n${name} exited (${signal ?? `code ${code}`}); stopping Fanout.`);
    void stop(graceful ? 0 : (code ?? 1));
  });
  return child;
}

async function waitForHealth(url: string, api: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) return;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  fail(`The API did not become healthy within ${timeoutMs / 1000} s (${url}).`);
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Fanout…');
  // Dashboard first, then the API (which stops the embedded database cleanly).
  for (const child of [...children].reverse()) {
    child.kill('SIGTERM');
    await waitExit(child, 20_000);
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function main() {
  await build();
  const api = run('The API', [...apiRuntime.nodeFlags, join(root, 'apps/api/dist/main.js')], root, apiRuntime.env);
  await waitForHealth(`http://127.0.0.1:${config.API_PORT}/api/health`, api, 120_000);
  if (stopping) return;
  // Next behind our own server (apps/web/server): forwarding headers, Host allowlist, security headers, timeouts.
  run('The dashboard', [join(root, 'apps/web/dist/server/main.js')], join(root, 'apps/web'));

  const host = config.PUBLIC_HOST ?? (config.HOST === '0.0.0.0' ? hostname() : config.HOST);
  const local = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  console.log(
    [
      '',
      '  Fanout is running.',
      `  Dashboard:   http://${local}:${config.WEB_PORT}`,
      `  OBS server:  rtmp://${host}:${config.RTMP_PORT}/live   (stream key: from the dashboard)`,
      `  API:         http://${local}:${config.API_PORT}/api/health`,
      config.DATABASE_URL ? '  Database:    DATABASE_URL' : `  Database:    embedded PostgreSQL in ${join(config.DATA_DIR, 'postgres')}`,
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

void main();

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '@fanout/contracts';
import { freePort } from './support/ports';

const root = join(__dirname, '../../..');

interface Platform {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` exactly as a user runs it (through tsx), on free ports and a fresh data directory. */
function startPlatform(env: Record<string, string>): Platform {
  let output = '';
  const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, platform: Platform) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (platform.child.exitCode !== null) throw new Error(`platform exited while waiting for ${what}:\n${platform.output().slice(-4000)}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${platform.output().slice(-4000)}`);
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('npm start', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fanout-start-'));
    env = {
      HOST: '127.0.0.1',
      API_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      RTMP_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'owner@example.com',
      ADMIN_PASSWORD: 'correct horse battery',
      DATABASE_URL: '',
    };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('brings up the dashboard, a healthy API behind its /api proxy and the RTMP port, then stops cleanly on SIGINT', async () => {
    const platform = startPlatform(env);
    try {
      // The first start builds everything; later ones reuse the Nx cache.
      await waitFor('"Fanout is running"', () => platform.output().includes('Fanout is running'), 480_000, platform);
      expect(platform.output()).toContain(`rtmp://`);
      expect(platform.output()).toContain(`:${env.RTMP_PORT}/live`);
      expect(platform.output()).toContain(`http://127.0.0.1:${env.WEB_PORT}`);

      await waitFor('the dashboard', async () => {
        const res = await fetch(`http://127.0.0.1:${env.WEB_PORT}/login`).catch(() => undefined);
        return res?.status === 200;
      }, 60_000, platform);

      const health = await fetch(`http://127.0.0.1:${env.WEB_PORT}/api/health`);
      expect(health.status).toBe(200);
      const body = healthSchema.parse(await health.json());
      expect(body).toMatchObject({ status: 'ok', database: { status: 'ok', embedded: true }, rtmp: { status: 'ok', port: Number(env.RTMP_PORT) } });

      expect(await tcpAccepts(Number(env.RTMP_PORT))).toBe(true);
      expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    } finally {
      platform.child.kill('SIGINT');
    }
    expect(await platform.exited).toBe(0);
    // The embedded database was shut down, not orphaned.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(await tcpAccepts(Number(env.API_PORT))).toBe(false);
    expect(await tcpAccepts(Number(env.RTMP_PORT))).toBe(false);
  }, 600_000);

  it('restarts on the same data directory without re-initialising it', async () => {
    const platform = startPlatform({ ...env, FANOUT_SKIP_BUILD: '1' });
    try {
      await waitFor('"Fanout is running"', () => platform.output().includes('Fanout is running'), 120_000, platform);
      expect(platform.output()).not.toContain('initialising embedded PostgreSQL cluster');
      const health = await fetch(`http://127.0.0.1:${env.API_PORT}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      platform.child.kill('SIGINT');
    }
    expect(await platform.exited).toBe(0);
  }, 180_000);

  it('refuses to start with a clear message naming API_PORT when it is not a number', async () => {
    const platform = startPlatform({ ...env, API_PORT: 'abc' });
    expect(await platform.exited).toBe(78);
    expect(platform.output()).toMatch(/API_PORT: must be a whole number/);
  }, 60_000);
});

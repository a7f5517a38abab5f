/**
 * The platform as users run it: the built API (`apps/api/dist/main.js`, what `npm start` runs
 * after its build step), which starts its embedded PostgreSQL, records metrics every second and
 * serves the REST API. The bench builds it (through Nx, cached like `npm start`'s build), starts
 * it on private ports with a throwaway DATA_DIR and configures it only through its REST API, as
 * the dashboard does: sign in, create streams, add destinations.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sleep } from './clock';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const PLATFORM_MAIN = join(REPO_ROOT, 'apps/api/dist/main.js');

/** The API's node flags and allocator settings, as `npm start` gives them (apps/api/runtime.json). */
export function platformRuntime(): { nodeFlags: string[]; env: Record<string, string> } {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'apps/api/runtime.json'), 'utf8')) as { nodeFlags: string[]; env: Record<string, string> };
}

/** The file of a package's command (its package.json `bin`), from the repository's node_modules. */
function packageBin(name: string): string | undefined {
  try {
    const manifest = createRequire(join(REPO_ROOT, 'package.json')).resolve(`${name}/package.json`);
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> }).bin;
    const file = typeof bin === 'string' ? bin : bin?.[name];
    return file ? join(dirname(manifest), file) : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the API and the libraries it runs (Nx reuses what is built); a reason when it failed. */
export function buildPlatform(): string | undefined {
  const nx = packageBin('nx');
  if (!nx) return 'nx is not installed (npm ci)';
  console.log('building the platform (apps/api and the libraries it runs; cached builds are reused) ...');
  const result = spawnSync(process.execPath, [nx, 'run', '@fanout/api:build', '--output-style=static'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 10 * 60_000,
    encoding: 'utf8',
  });
  if (result.status !== 0) return `the platform build failed: ${(result.stderr ?? '').trim().slice(-400) || (result.error?.message ?? `exit ${result.status}`)}`;
  return existsSync(PLATFORM_MAIN) ? undefined : `${PLATFORM_MAIN} is missing after the build`;
}

/**
 * Every setting the API reads that the bench sets or must not inherit from the caller's shell
 * (a DATABASE_URL there would point the platform at another database).
 */
const INHERITED_SETTINGS_DROPPED = [
  'DATABASE_URL', 'PUBLIC_HOST', 'API_INTERNAL_URL', 'RTMPS_CERT_FILE', 'RTMPS_KEY_FILE', 'RTMPS_PORT', 'SECRET_KEY',
  'TRUST_PROXY', 'WEB_PORT', 'INGEST_GRACE_S', 'LOG_PRETTY', 'NODE_ENV', 'LOG_LEVEL',
];

export const PLATFORM_OWNER = { email: 'bench-owner@example.com', password: 'bench-owner-password' };

export interface PlatformPorts {
  api: number;
  rtmp: number;
  postgres: number;
}

/** The environment `npm start` would give the API, on private ports, with a throwaway DATA_DIR. */
export function platformEnv(ports: PlatformPorts, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_SETTINGS_DROPPED) delete env[name];
  return {
    ...platformRuntime().env,
    ...env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    API_PORT: String(ports.api),
    RTMP_PORT: String(ports.rtmp),
    EMBEDDED_PG_PORT: String(ports.postgres),
    DATA_DIR: dataDir,
    ADMIN_EMAIL: PLATFORM_OWNER.email,
    ADMIN_PASSWORD: PLATFORM_OWNER.password,
    // The per-stream cap being added (default 20); N = 50 needs more.
    MAX_DESTINATIONS_PER_STREAM: '100',
    // The log level users run with unless they change it; BENCH_PLATFORM_LOG_LEVEL to experiment.
    LOG_LEVEL: process.env['BENCH_PLATFORM_LOG_LEVEL'] ?? 'info',
  };
}

/** Polls GET /api/health until it answers 200, `alive()` turns false, or `ms` passes. */
export async function waitForHealth(baseUrl: string, ms: number, alive: () => boolean, onPoll: () => void = () => undefined): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    onPoll();
    if (!alive()) throw new Error('the API exited during start-up');
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`the API was not healthy within ${ms / 1000} s`);
}

interface StreamDetail {
  id: string;
  ingestUrl: string;
  streamKey: string;
}

/**
 * The dashboard's side of the REST API: a session cookie from POST /api/auth/login, and on every
 * change an `Origin` equal to the API's origin (the API's CSRF check).
 */
export class PlatformClient {
  private cookie = '';

  constructor(private readonly baseUrl: string) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { origin: this.baseUrl };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers['cookie'] = this.cookie;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const setCookie = res.headers.getSetCookie();
    if (setCookie.length > 0) this.cookie = setCookie.map((c) => c.split(';', 1)[0]).join('; ');
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async login(email: string, password: string): Promise<void> {
    await this.request('POST', '/api/auth/login', { email, password });
    if (!this.cookie) throw new Error('POST /api/auth/login set no session cookie');
  }

  /** A stream with `destinations` custom RTMP destinations; its publish URL (ingest URL + key). */
  async createStream(name: string, destinations: ReadonlyArray<{ name: string; url: string; streamKey: string }>): Promise<{ id: string; publishUrl: string }> {
    const stream = await this.request<StreamDetail>('POST', '/api/streams', { name });
    if (!stream.streamKey || !stream.ingestUrl) throw new Error('POST /api/streams answered without streamKey or ingestUrl');
    for (const d of destinations) {
      await this.request('POST', `/api/streams/${stream.id}/destinations`, { name: d.name, platform: 'custom', url: d.url, streamKey: d.streamKey });
    }
    return { id: stream.id, publishUrl: `${stream.ingestUrl.replace(/\/$/, '')}/${stream.streamKey}` };
  }

  /** GET /api/streams/:id/status (the dashboard's live status): destinations with state, drops, reconnects. */
  status(streamId: string): Promise<{ destinations?: unknown[] }> {
    return this.request('GET', `/api/streams/${streamId}/status`);
  }
}

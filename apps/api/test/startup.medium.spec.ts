import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@fanout/contracts';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { startApi } from '../src/server';
import { StartupError } from '../src/startup/preflight';
import { capturedLogger } from './support/logs';
import { freePort } from './support/ports';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return server;
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fanout-startup-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('the API says why it cannot start (without the start script in front)', () => {
  it('EMBEDDED_PG_PORT taken: a StartupError naming it', async () => {
    const port = await freePort();
    await occupy(port);
    const dir = await dataDir();
    const failure = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port, logger: capturedLogger().logger }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StartupError);
    expect(failure).toMatchObject({ setting: 'EMBEDDED_PG_PORT', message: `EMBEDDED_PG_PORT ${port} is already in use; set EMBEDDED_PG_PORT to a free port` });
  }, 60_000);

  it('RTMP_PORT taken: refused before the database starts', async () => {
    const rtmp = await freePort();
    await occupy(rtmp);
    const config = loadConfig({
      HOST: '127.0.0.1',
      API_PORT: String(await freePort()),
      RTMP_PORT: String(rtmp),
      EMBEDDED_PG_PORT: String(await freePort()),
      DATA_DIR: await dataDir(),
    });
    const { logger, lines } = capturedLogger();
    await expect(startApi(config, logger)).rejects.toThrow(`RTMP_PORT ${rtmp} is already in use; set RTMP_PORT to a free port`);
    expect(lines.join('\n')).not.toContain('embedded PostgreSQL started');
  }, 60_000);
});

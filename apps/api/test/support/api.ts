import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@fanout/contracts';
import { startApi, type RunningApi } from '../../src/server';
import { capturedLogger } from './logs';
import { freePort } from './ports';

export interface TestApi extends RunningApi {
  dataDir: string;
  logs: string[];
  /** Close the API and delete its throwaway data directory. */
  dispose(): Promise<void>;
}

/**
 * The whole API on free loopback ports with its own embedded PostgreSQL in a throwaway
 * data directory: the same code path as `npm start`, nothing mocked.
 */
export async function startTestApi(env: Record<string, string> = {}, dataDir?: string): Promise<TestApi> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'fanout-api-')));
  const config = loadConfig({
    HOST: '127.0.0.1',
    API_PORT: String(await freePort()),
    WEB_PORT: String(await freePort()),
    RTMP_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    DATA_DIR: dir,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const { logger, lines } = capturedLogger();
  const api = await startApi(config, logger);
  return {
    ...api,
    dataDir: dir,
    logs: lines,
    async dispose() {
      await api.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

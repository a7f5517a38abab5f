/**
 * The systems under test, each a pluggable runner: it starts its processes for N destinations
 * (sinks at rtmp://127.0.0.1:<sinkPort>/live/sinkK), says where the ingest publishes, which
 * processes to measure, and how to stop.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runnable } from './support/bundle';
import { Managed, forkModule, freePort, makeTempDir, removeTempDir, spawnTool, stop, stopAll } from './support/children';
import { sleep } from './support/clock';
import { loadEngine } from './support/engine';
import { expect, send } from './support/ipc';
import { establishedTo, waitForPort } from './support/net';
import { processTree, processTrees } from './support/proc';
import { commandWorks } from './support/tools';

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface SystemContext {
  destinations: number;
  sinkPort: number;
  /** Hard lifetime bound for every process started (seconds). */
  hardLimitS: number;
  /** How to run fanout-process.ts (bundled JS, or through tsx). */
  fanoutProcess: Runnable;
}

export interface RunningSystem {
  /** Where the ingest publishes (rtmp://127.0.0.1:port/app/name). */
  ingestUrl: string;
  /** The processes whose CPU and memory are the system's cost (listed once it settled). */
  pids(): number[];
  /** Processes measured and reported apart (the relay ffmpeg pulls from). */
  sidePids(): number[];
  /** Stops everything; returns what the system reports about itself (engine stats), if anything. */
  stop(): Promise<unknown>;
}

export interface SystemRunner {
  id: SystemId;
  label: string;
  /** Why it cannot run here, or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  start(context: SystemContext): Promise<RunningSystem>;
}

export type SystemId = 'fanout' | 'naive' | 'node-floor' | 'nginx-push' | 'ffmpeg';

export const FANOUT_PROCESS = join(__dirname, 'fanout-process.ts');

const NODE_RUNNERS = {
  restream: { id: 'fanout', label: 'Fanout (StreamRestreamer)' },
  naive: { id: 'naive', label: 'naive relay (bench reference)' },
  passthrough: { id: 'node-floor', label: 'Node floor: byte passthrough' },
} as const;

function fanoutRunner(engine: keyof typeof NODE_RUNNERS): SystemRunner {
  return {
    ...NODE_RUNNERS[engine],
    async unavailable() {
      if (engine !== 'restream') return undefined;
      try {
        await loadEngine();
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    async start({ destinations, sinkPort, hardLimitS, fanoutProcess }) {
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the fan-out process (open it in Chrome DevTools).
      const profileDir = process.env['BENCH_CPU_PROF'];
      // BENCH_NODE_FLAGS="--flag ..." adds node/V8 flags to the fan-out process (for experiments).
      const execArgv = [...fanoutProcess.execArgv, ...(process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
      const args = [engine, String(destinations), String(sinkPort)];
      const child = forkModule(`fanout(${engine})`, fanoutProcess.file, args, hardLimitS, execArgv);
      try {
        const { port } = await expect(child, 'ready', 60_000);
        return {
          ingestUrl: `rtmp://127.0.0.1:${port}/live/ingest`,
          pids: () => [child.pid],
          sidePids: () => [],
          async stop() {
            try {
              const answer = expect(child, 'stopped', 10_000);
              send(child, { type: 'stop' });
              const { stats } = await answer;
              await Promise.race([child.exit, sleep(5_000)]); // exits by itself (and writes its CPU profile)
              return stats;
            } catch (error) {
              return { error: error instanceof Error ? error.message : String(error) };
            } finally {
              await stop(child);
            }
          },
        };
      } catch (error) {
        await stop(child);
        throw error;
      }
    },
  };
}

interface Nginx {
  managed: Managed;
  port: number;
  dir: string;
  /** Master and worker. */
  pids(): number[];
}

/** nginx (master + 1 worker) with one rtmp `application live` holding `appLines`. */
async function startNginx(name: string, appLines: readonly string[], hardLimitS: number): Promise<Nginx> {
  const dir = makeTempDir('fanout-bench-nginx-');
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  writeFileSync(
    conf,
    [
      `load_module ${NGINX_RTMP_MODULE};`,
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} warn;`,
      'events { worker_connections 1024; }',
      'rtmp {',
      `  access_log off;`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    chunk_size 4096;',
      '    application live {',
      '      live on;',
      ...appLines.map((line) => `      ${line}`),
      '    }',
      '  }',
      '}',
    ].join('\n'),
  );
  const managed = spawnTool(name, 'nginx', ['-p', dir, '-c', conf, '-e', errorLog], hardLimitS);
  let exited = false;
  void managed.exit.then(() => (exited = true));
  try {
    await waitForPort(port, 10_000, () => !exited);
  } catch (error) {
    await stop(managed);
    const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '';
    removeTempDir(dir);
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}\n${managed.stderr()}${log}`);
  }
  return {
    managed,
    port,
    dir,
    // The tree under the `timeout` wrapper: nginx master and its worker.
    pids: () => processTree(managed.pid).filter((pid) => pid !== managed.pid),
  };
}

async function stopNginx(nginx: Nginx): Promise<void> {
  await stop(nginx.managed);
  removeTempDir(nginx.dir);
}

async function nginxUnavailable(): Promise<string | undefined> {
  if (!commandWorks('nginx', ['-v'])) return 'nginx is not installed';
  if (!existsSync(NGINX_RTMP_MODULE)) return `${NGINX_RTMP_MODULE} is missing (libnginx-mod-rtmp)`;
  return undefined;
}

const nginxPushRunner: SystemRunner = {
  id: 'nginx-push',
  label: 'nginx-rtmp push',
  unavailable: nginxUnavailable,
  async start({ destinations, sinkPort, hardLimitS }) {
    const pushes = Array.from({ length: destinations }, (_, i) => `push rtmp://127.0.0.1:${sinkPort}/live/sink${i + 1};`);
    const nginx = await startNginx('nginx-push', pushes, hardLimitS);
    return {
      ingestUrl: `rtmp://127.0.0.1:${nginx.port}/live/ingest`,
      pids: () => nginx.pids(),
      sidePids: () => [],
      stop: async () => {
        await stopNginx(nginx);
        return undefined;
      },
    };
  },
};

/**
 * Restreamer's approach: the ingest goes to a relay (nginx-rtmp `live`), and one
 * `ffmpeg -i <relay> -c copy -f flv <destination>` process per destination pulls from it.
 * The system's cost is the sum of the ffmpeg processes; the relay is reported apart.
 */
const ffmpegRunner: SystemRunner = {
  id: 'ffmpeg',
  label: 'ffmpeg per destination',
  async unavailable() {
    if (!commandWorks('ffmpeg', ['-version'])) return 'ffmpeg is not installed';
    return nginxUnavailable().then((reason) => (reason ? `relay: ${reason}` : undefined));
  },
  async start({ destinations, sinkPort, hardLimitS }) {
    const relay = await startNginx('relay', [], hardLimitS);
    const ffmpegs: Managed[] = [];
    try {
      for (let i = 0; i < destinations; i++) {
        ffmpegs.push(
          spawnTool(
            `ffmpeg${i + 1}`,
            'ffmpeg',
            [
              '-hide_banner', '-loglevel', 'error', '-nostdin',
              '-i', `rtmp://127.0.0.1:${relay.port}/live/ingest`,
              '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${sinkPort}/live/sink${i + 1}`,
            ],
            hardLimitS,
          ),
        );
      }
      // Every ffmpeg connected to the relay (playing the not yet published stream) before the ingest starts.
      const deadline = Date.now() + 10_000 + 200 * destinations;
      while (establishedTo(relay.port) < destinations && Date.now() < deadline) await sleep(100);
      const connected = establishedTo(relay.port);
      if (connected < destinations) throw new Error(`only ${connected} of ${destinations} ffmpeg processes reached the relay`);
      await sleep(500);
      return {
        ingestUrl: `rtmp://127.0.0.1:${relay.port}/live/ingest`,
        // The ffmpeg processes under their `timeout` wrappers.
        pids: () => processTrees(ffmpegs.map((f) => f.pid)).filter((pid) => !ffmpegs.some((f) => f.pid === pid)),
        sidePids: () => relay.pids(),
        stop: async () => {
          await stopAll(ffmpegs);
          await stopNginx(relay);
          const failed = ffmpegs.filter((f) => f.stderr().trim() !== '');
          return failed.length > 0 ? { ffmpegErrors: failed.slice(0, 3).map((f) => `${f.name}: ${f.stderr().trim().slice(-300)}`) } : undefined;
        },
      };
    } catch (error) {
      await stopAll(ffmpegs);
      await stopNginx(relay);
      throw error;
    }
  },
};

export const SYSTEMS: Record<SystemId, SystemRunner> = {
  fanout: fanoutRunner('restream'),
  naive: fanoutRunner('naive'),
  'node-floor': fanoutRunner('passthrough'),
  'nginx-push': nginxPushRunner,
  ffmpeg: ffmpegRunner,
};

/**
 * The systems under test, each a pluggable runner: it starts its processes for M ingests of N
 * destinations each (ingest m's destinations are the sinks rtmp://127.0.0.1:<sinkPort>/live/sinkK,
 * K = (m-1)·N + 1 .. m·N), says where each ingest publishes, which processes to measure, and how
 * to stop.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Runnable } from './support/bundle';
import { Managed, adoptStrays, forkModule, freePort, makeTempDir, removeTempDir, spawnTool, stop, stopAll } from './support/children';
import { PLATFORM_MAIN, PLATFORM_OWNER, PlatformClient, REPO_ROOT, buildPlatform, platformEnv, platformRuntime, waitForHealth } from './support/platform';
import { sleep } from './support/clock';
import { loadEngine } from './support/engine';
import { expect, send } from './support/ipc';
import { establishedTo, waitForPort } from './support/net';
import { processTree, processTrees } from './support/proc';
import { commandWorks } from './support/tools';

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface SystemContext {
  /** Destinations per ingest (N). */
  destinations: number;
  /** Ingests (M), each publishing its own stream. */
  ingests: number;
  sinkPort: number;
  /** Hard lifetime bound for every process started (seconds). */
  hardLimitS: number;
  /** How to run fanout-process.ts (bundled JS, or through tsx). */
  fanoutProcess: Runnable;
  /** How to run nms-process.ts. */
  nmsProcess: Runnable;
}

export interface RunningSystem {
  /** Where each ingest publishes (rtmp://127.0.0.1:port/app/name), one per ingest. */
  ingestUrls: string[];
  /** The processes whose CPU and memory are the system's cost, now (asked again at every mark). */
  pids(): number[];
  /**
   * The processes by part, for a system of several (the platform: the API's node process, its
   * PostgreSQL); CPU and memory are reported per part as well as in total.
   */
  parts?(): Record<string, number[]>;
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

export type SystemId = 'platform' | 'nms' | 'fanout' | 'naive' | 'node-floor' | 'nginx-push' | 'ffmpeg';

export const FANOUT_PROCESS = join(__dirname, 'fanout-process.ts');
export const NMS_PROCESS = join(__dirname, 'nms-process.ts');

/** The sink stream name of ingest m's k-th destination (both from 1). */
export function sinkName(destinations: number, m: number, k: number): string {
  return `sink${(m - 1) * destinations + k}`;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

const NODE_RUNNERS = {
  restream: { id: 'fanout', label: 'Fanout (StreamRestreamer)' },
  naive: { id: 'naive', label: 'naive relay (bench reference)' },
  passthrough: { id: 'node-floor', label: 'Node floor: byte passthrough' },
} as const;

/**
 * Asks a bench child (fanout-process.ts, nms-process.ts, sinks-process.ts) to stop: what it reports about itself,
 * or the error. It is ended either way.
 */
export async function stopBenchChild(child: Managed, answerMs = 10_000): Promise<unknown> {
  try {
    const answer = expect(child, 'stopped', answerMs);
    send(child, { type: 'stop' });
    const { stats } = await answer;
    await Promise.race([child.exit, sleep(5_000)]); // exits by itself (and writes its CPU profile)
    return stats;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await stop(child);
  }
}

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
    async start({ destinations, ingests, sinkPort, hardLimitS, fanoutProcess }) {
      // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the fan-out process (open it in Chrome DevTools).
      const profileDir = process.env['BENCH_CPU_PROF'];
      // BENCH_NODE_FLAGS="--flag ..." adds node/V8 flags to the fan-out process (for experiments).
      const execArgv = [...fanoutProcess.execArgv, ...(process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
      const args = [engine, String(destinations), String(sinkPort), String(ingests)];
      const child = forkModule(`fanout(${engine})`, fanoutProcess.file, args, hardLimitS, execArgv);
      try {
        const { port } = await expect(child, 'ready', 60_000);
        return {
          ingestUrls: range(ingests).map((m) => `rtmp://127.0.0.1:${port}/live/in${m}`),
          pids: () => [child.pid],
          sidePids: () => [],
          stop: () => stopBenchChild(child),
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

/** nginx (master + 1 worker) with rtmp applications: name → the lines inside it (`live on` added). */
async function startNginx(name: string, applications: ReadonlyMap<string, readonly string[]>, hardLimitS: number): Promise<Nginx> {
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
      ...[...applications].flatMap(([app, lines]) => [`    application ${app} {`, '      live on;', ...lines.map((line) => `      ${line}`), '    }']),
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
  async start({ destinations, ingests, sinkPort, hardLimitS }) {
    // One application per ingest: a push goes out for every stream of its application.
    const applications = new Map(
      range(ingests).map((m) => [`in${m}`, range(destinations).map((k) => `push rtmp://127.0.0.1:${sinkPort}/live/${sinkName(destinations, m, k)};`)]),
    );
    const nginx = await startNginx('nginx-push', applications, hardLimitS);
    return {
      ingestUrls: range(ingests).map((m) => `rtmp://127.0.0.1:${nginx.port}/in${m}/ingest`),
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
  async start({ destinations, ingests, sinkPort, hardLimitS }) {
    const relay = await startNginx('relay', new Map([['live', []]]), hardLimitS);
    const ffmpegs: Managed[] = [];
    const total = destinations * ingests;
    try {
      for (const m of range(ingests)) {
        for (const k of range(destinations)) {
          const sink = sinkName(destinations, m, k);
          ffmpegs.push(
            spawnTool(
              `ffmpeg-${sink}`,
              'ffmpeg',
              [
                '-hide_banner', '-loglevel', 'error', '-nostdin',
                '-i', `rtmp://127.0.0.1:${relay.port}/live/in${m}`,
                '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${sinkPort}/live/${sink}`,
              ],
              hardLimitS,
            ),
          );
        }
      }
      // Every ffmpeg connected to the relay (playing the not yet published stream) before the ingest starts.
      const deadline = Date.now() + 10_000 + 200 * total;
      while (establishedTo(relay.port) < total && Date.now() < deadline) await sleep(100);
      const connected = establishedTo(relay.port);
      if (connected < total) throw new Error(`only ${connected} of ${total} ffmpeg processes reached the relay`);
      await sleep(500);
      return {
        ingestUrls: range(ingests).map((m) => `rtmp://127.0.0.1:${relay.port}/live/in${m}`),
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

/** `count` distinct ports that were free a moment ago. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let i = 0; i < count * 5 && ports.size < count; i++) ports.add(await freePort());
  if (ports.size < count) throw new Error('could not find free ports');
  return [...ports];
}

let platformBuild: Promise<string | undefined> | undefined;

/**
 * The platform: the built API (apps/api/dist/main.js, as `npm start` runs it after its build)
 * with its embedded PostgreSQL, on private ports and a throwaway DATA_DIR, started fresh for
 * every configuration and configured through its REST API. The dashboard (a Next.js server that
 * only proxies the API and renders pages) is not started: nothing here loads a page.
 * Its cost: the API's node process and every PostgreSQL process under it.
 */
const platformRunner: SystemRunner = {
  id: 'platform',
  label: 'Fanout platform (API + PostgreSQL)',
  unavailable() {
    if (process.env['BENCH_SKIP_BUILD'] === '1') return Promise.resolve(existsSync(PLATFORM_MAIN) ? undefined : `${PLATFORM_MAIN} is not built`);
    platformBuild ??= Promise.resolve().then(buildPlatform);
    return platformBuild;
  },
  async start({ destinations, ingests, sinkPort, hardLimitS }) {
    const dataDir = makeTempDir('fanout-bench-platform-');
    const [api, rtmp, postgres] = await freePorts(3);
    const baseUrl = `http://127.0.0.1:${api}`;
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the API process too (written when it exits).
    const profileDir = process.env['BENCH_CPU_PROF'];
    const nodeArgs = [...platformRuntime().nodeFlags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), PLATFORM_MAIN];
    const managed = spawnTool('platform', process.execPath, nodeArgs, hardLimitS, {
      env: platformEnv({ api: api!, rtmp: rtmp!, postgres: postgres! }, dataDir),
      cwd: REPO_ROOT,
    });
    let exited = false;
    void managed.exit.then(() => (exited = true));
    // The API's node process and its descendants (PostgreSQL runs in a session of its own, so
    // its processes are remembered to be killed with the API whatever happens).
    const tree = (): number[] => {
      const pids = processTree(managed.pid).filter((pid) => pid !== managed.pid);
      adoptStrays(managed, pids);
      return pids;
    };
    const stopPlatform = async (): Promise<void> => {
      tree();
      await stop(managed, 20_000); // SIGTERM: the API ends the broadcasts, flushes, stops PostgreSQL
      removeTempDir(dataDir);
    };
    try {
      await waitForHealth(baseUrl, 90_000, () => !exited, tree);
      const client = new PlatformClient(baseUrl);
      await client.login(PLATFORM_OWNER.email, PLATFORM_OWNER.password);
      const streams: Array<{ id: string; publishUrl: string }> = [];
      for (const m of range(ingests)) {
        const sinks = range(destinations).map((k) => sinkName(destinations, m, k));
        streams.push(await client.createStream(`bench in${m}`, sinks.map((sink) => ({ name: sink, url: `rtmp://127.0.0.1:${sinkPort}/live`, streamKey: sink }))));
      }
      const parts = (): Record<string, number[]> => {
        const pids = tree();
        const node = pids.filter((pid) => !isPostgres(pid));
        return { 'API node process': node, PostgreSQL: pids.filter((pid) => !node.includes(pid)) };
      };
      return {
        ingestUrls: streams.map((s) => s.publishUrl),
        pids: tree,
        parts,
        sidePids: () => [],
        async stop() {
          // What the dashboard shows: every destination's state, drops and reconnects.
          const report: { destinations: unknown[]; errors?: string[] } = { destinations: [] };
          for (const stream of streams) {
            try {
              report.destinations.push(...((await client.status(stream.id)).destinations ?? []));
            } catch (error) {
              (report.errors ??= []).push(error instanceof Error ? error.message : String(error));
            }
          }
          await stopPlatform();
          const stderr = managed.stderr().trim();
          return stderr ? { ...report, stderr: stderr.slice(-500) } : report;
        },
      };
    } catch (error) {
      await stopPlatform();
      const stderr = managed.stderr().trim();
      throw new Error(`${error instanceof Error ? error.message : String(error)}${stderr ? `\n${stderr.slice(-800)}` : ''}`);
    }
  },
};

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/** The installed node-media-server package's directory, and its version. */
function nmsPackage(): { dir: string; version: string } | undefined {
  try {
    const file = createRequire(__filename).resolve('node-media-server/package.json');
    return { dir: file.slice(0, -'/package.json'.length), version: (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version };
  } catch {
    return undefined;
  }
}

/** Node-Media-Server with its native RTMP push relay, one task per destination: see nms-process.ts. */
const nmsRunner: SystemRunner = {
  id: 'nms',
  label: 'Node-Media-Server (native push relay)',
  unavailable: () => Promise.resolve(nmsPackage() ? undefined : 'node-media-server is not installed (npm ci)'),
  async start({ destinations, ingests, sinkPort, hardLimitS, nmsProcess }) {
    const nms = nmsPackage()!;
    const dataDir = makeTempDir('fanout-bench-nms-');
    const port = await freePort();
    const args = [nms.dir, String(destinations), String(sinkPort), String(ingests), String(port), dataDir];
    const child = forkModule(`nms ${nms.version}`, nmsProcess.file, args, hardLimitS, nmsProcess.execArgv, { quiet: true });
    let exited = false;
    void child.exit.then(() => (exited = true));
    try {
      await expect(child, 'ready', 60_000);
      await waitForPort(port, 10_000, () => !exited);
      return {
        ingestUrls: range(ingests).map((m) => `rtmp://127.0.0.1:${port}/live/in${m}`),
        pids: () => [child.pid],
        sidePids: () => [],
        async stop() {
          const stats = await stopBenchChild(child);
          removeTempDir(dataDir);
          return { version: nms.version, ...(stats as object) };
        },
      };
    } catch (error) {
      await stop(child);
      removeTempDir(dataDir);
      throw error;
    }
  },
};

export const SYSTEMS: Record<SystemId, SystemRunner> = {
  platform: platformRunner,
  nms: nmsRunner,
  fanout: fanoutRunner('restream'),
  naive: fanoutRunner('naive'),
  'node-floor': fanoutRunner('passthrough'),
  'nginx-push': nginxPushRunner,
  ffmpeg: ffmpegRunner,
};

/**
 * Fan-out benchmark (`npm run bench -w @fanout/restream`): one real-time RTMP ingest (a recorded
 * ~6 Mb/s H.264 + AAC stream) fanned out to N local sinks by each system under test:
 *
 *   fanout      our RtmpServer + StreamRestreamer, alone in a child process
 *   nginx-push  nginx-rtmp `application live { live on; push ...; }`, one push per destination
 *   ffmpeg      Restreamer's approach: the ingest goes to a relay (nginx-rtmp `live`), and one
 *               `ffmpeg -i <relay> -c copy -f flv <destination>` per destination pulls from it
 *   naive       (opt-in) a bench-only relay on @fanout/rtmp, a floor for what the engine adds
 *   node-floor  byte passthrough in a Node process: after the RTMP setup each ingest read
 *               is written unchanged to N sockets. The least any Node relay can spend on this
 *               stream, so the targets' ratios for it show what is reachable in Node at all
 *
 * The sinks (one RtmpServer, publishes to live/sinkK) run in another process, so the system's
 * cost is measured alone. After a warm-up, over a window of stream time, it measures:
 *
 *   - CPU-ms per destination per second of stream: on-CPU time of the system's processes over
 *     the window, per thread from /proc/<pid>/task/<tid>/schedstat (utime + stime kept as a
 *     cross-check), and split into fixed + per-destination cost from the smallest and largest N;
 *   - peak RSS (VmHWM summed over the system's processes);
 *   - added latency ingest → sink per message, p50/p99: the ingest stamps each send, the sink
 *     each arrival, both with performance.timeOrigin + performance.now() (the offset between
 *     the two processes' clocks is measured over IPC and reported); messages are matched by
 *     type, payload length and media timestamp, allowing one constant timestamp shift per sink;
 *   - received/sent media payload bytes per sink over the window (1.0 when nothing is lost);
 *
 * and the ratios between systems at each N and the README targets (met or not, as measured).
 * Output: tables on stdout and bench/results.json (ignored by git).
 *
 *   node --import tsx libs/restream/bench/fanout-bench.ts [--quick] [--n=1,10,50]
 *     [--systems=fanout,nginx-push,ffmpeg,naive,node-floor] [--warmup=4] [--duration=15]
 *     [--ffmpeg-max-n=50] [--resolution=720p|1080p] [--repeat=1] [--tsx]
 *
 * --quick is N = 1, 10 with a 3 s warm-up and 8 s window. The node children run as JavaScript
 * bundled with esbuild into a temporary directory (as the product runs once built); --tsx runs
 * them through tsx instead. BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each fan-out process.
 * BENCH_NODE_FLAGS="--flag ..." adds node/V8 flags to the fan-out processes (experiments).
 * Every child is killed when the bench ends, however it ends; tools also run under `timeout`.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { forkModule, installCleanup, killAll, liveCount, makeTempDir, stop } from './support/children';
import { sleep, wallMs } from './support/clock';
import { Distribution, SentIndex, SinkResult, analyseSink, distribution, latencyPool } from './support/analysis';
import { SentLog, publishRealTime } from './support/ingest';
import { clockOffset, expect, send } from './support/ipc';
import { CpuSnapshot, cpuByThreadName, cpuDelta, cpuSnapshot, machineBusyMs, memory } from './support/proc';
import { RECORDING_SECONDS, Recording, Resolution, ensureRecording, loadRecording } from './support/recording';
import { FANOUT_PROCESS, SYSTEMS, SystemId, SystemRunner } from './systems';
import { Runnable, prepareRunnables } from './support/bundle';
import { printReport } from './report';

const SINK_PROCESS = join(__dirname, 'sink-process.ts');
const DATA_DIR = join(__dirname, '.data');
const RESULTS_FILE = join(__dirname, 'results.json');
/** Stream time published after the window, so the window's last messages get through. */
const TAIL_MS = 1_000;
/** Total bench time we aim to stay under; configurations past it are skipped. */
const BUDGET_MS = 11 * 60_000;

export interface Options {
  destinations: number[];
  systems: SystemId[];
  warmupMs: number;
  durationMs: number;
  ffmpegMaxN: number;
  resolution: Resolution;
  quick: boolean;
  /** Run the node children through tsx instead of bundled JavaScript. */
  tsx: boolean;
  /** Rounds through the whole matrix; each configuration reports its median run. */
  repeat: number;
}

export interface ConfigResult {
  system: SystemId;
  label: string;
  destinations: number;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  window?: { fromMs: number; toMs: number; wallMs: number };
  cpu?: {
    totalMs: number;
    /** The headline: CPU-ms per destination per second of stream. */
    msPerDestinationPerSecond: number;
    /** Share of one core over the window. */
    coreShare: number;
    /** The same from utime + stime (10 ms ticks), as a cross-check. */
    ticksMs: number;
    source: 'schedstat' | 'stat ticks';
    /** ms per thread name over the window, largest first. */
    byThread: Record<string, number>;
  };
  /** The relay (ffmpeg system only): same units, not included above. */
  relayCpu?: { totalMs: number; msPerDestinationPerSecond: number; coreShare: number };
  /** The sink process's share of one core (a saturated sink would inflate latencies). */
  sinkCoreShare?: number;
  /**
   * Cores used by everything else on the machine during the window (/proc/stat busy time minus
   * the system, relay, sinks and the bench itself). Above a few tenths the figures are noisy.
   */
  otherCoreShare?: number;
  /** 1-minute load average at the end of the run. */
  loadAverage?: number;
  memory?: { peakRssBytes: number; rssBytes: number; processes: number };
  latencyMs?: Distribution & { worstSinkP99: number; video: Distribution; audio: Distribution };
  sinks?: {
    expected: number;
    connected: number;
    reconnected: number;
    byteRatioMin: number;
    byteRatioMax: number;
    /** Sinks whose received payload equals what was sent, byte for byte. */
    exactlyOne: number;
    timestampOffsetsMs: number[];
  };
  /** Every sink received the whole window and stayed under a second behind. */
  keptRealTime?: boolean;
  ingest?: { maxQueuedBytes: number; maxLateMs: number };
  clock?: { sinkOffsetMs: number; uncertaintyMs: number };
  systemReport?: unknown;
  perSink?: SinkResult[];
  /** With --repeat: CPU-ms/dest/s of every run (null for a failed one); this result is the median run. */
  repeats?: Array<number | null>;
  failedRepeats?: string[];
}

function parseArgs(argv: readonly string[]): Options {
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const list = (value: string | undefined): string[] | undefined => value?.split(',').map((s) => s.trim()).filter(Boolean);
  const destinations = (list(get('n')) ?? (quick ? ['1', '10'] : ['1', '10', '50'])).map(Number);
  if (destinations.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) throw new Error('--n takes integers in 1..200');
  const systems = (list(get('systems')) ?? ['fanout', 'node-floor', 'nginx-push', 'ffmpeg']) as SystemId[];
  for (const s of systems) if (!(s in SYSTEMS)) throw new Error(`unknown system ${s}; known: ${Object.keys(SYSTEMS).join(', ')}`);
  const warmupMs = Number(get('warmup') ?? (quick ? 3 : 4)) * 1000;
  const durationMs = Number(get('duration') ?? (quick ? 8 : 15)) * 1000;
  if (!(warmupMs >= 1000) || !(durationMs >= 1000) || warmupMs + durationMs + TAIL_MS > (RECORDING_SECONDS - 1) * 1000) {
    throw new Error(`--warmup >= 1, --duration >= 1 and warmup + duration <= ${RECORDING_SECONDS - 2} s (the recording is ${RECORDING_SECONDS} s)`);
  }
  const resolution = (get('resolution') ?? '720p') as Resolution;
  if (resolution !== '720p' && resolution !== '1080p') throw new Error('--resolution is 720p or 1080p');
  const ffmpegMaxN = Number(get('ffmpeg-max-n') ?? 50);
  const repeat = Number(get('repeat') ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 5) throw new Error('--repeat takes 1..5');
  return { destinations, systems, warmupMs, durationMs, ffmpegMaxN, resolution, quick, tsx: argv.includes('--tsx'), repeat };
}

interface Runnables {
  sink: Runnable;
  fanout: Runnable;
}

async function runConfig(runner: SystemRunner, n: number, recording: Recording, options: Options, runnables: Runnables): Promise<ConfigResult> {
  const base = { system: runner.id, label: runner.label, destinations: n };
  const windowMs = { fromMs: options.warmupMs, toMs: options.warmupMs + options.durationMs };
  const publishMs = windowMs.toMs + TAIL_MS;
  const hardLimitS = publishMs / 1000 + 90;
  const sink = forkModule('sinks', runnables.sink.file, [], hardLimitS, runnables.sink.execArgv);
  let system: Awaited<ReturnType<SystemRunner['start']>> | undefined;
  let systemReport: unknown;
  try {
    const { port: sinkPort } = await expect(sink, 'ready', 60_000);
    const clock = await clockOffset(sink);
    system = await runner.start({ destinations: n, sinkPort, hardLimitS, fanoutProcess: runnables.fanout });
    await sleep(500); // let the system settle (nginx forks its worker, node finishes loading)
    const pids = system.pids();
    const sidePids = system.sidePids();
    const marks: Array<{ at: number; cpu: CpuSnapshot; side: CpuSnapshot; sink: CpuSnapshot; machine: number; self: NodeJS.CpuUsage }> = [];
    let mem = { peakRssBytes: 0, rssBytes: 0 };
    const sent: SentLog = await publishRealTime(recording, {
      url: system.ingestUrl,
      endMs: publishMs,
      marks: [windowMs.fromMs, windowMs.toMs],
      onMark: (i) => {
        marks[i] = {
          at: wallMs(),
          cpu: cpuSnapshot(pids),
          side: cpuSnapshot(sidePids),
          sink: cpuSnapshot([sink.pid]),
          machine: machineBusyMs(),
          self: process.cpuUsage(),
        };
        if (i === 1) mem = memory(pids);
      },
      maxWallMs: publishMs + 5_000,
    });

    // Wait until the sinks stop receiving (a system that fell behind is still delivering), bounded.
    let last = -1;
    for (let i = 0; i < 20; i++) {
      await sleep(300);
      const answer = expect(sink, 'count', 5_000);
      send(sink, { type: 'count' });
      const { messages } = await answer;
      if (messages === last) break;
      last = messages;
    }
    const collected = expect(sink, 'results', 30_000);
    send(sink, { type: 'collect' });
    const { sinks } = await collected;
    systemReport = await system.stop();
    system = undefined;

    const [from, to] = [marks[0]!, marks[1]!];
    const wall = to.at - from.at;
    const seconds = wall / 1000;
    const cpu = cpuDelta(from.cpu, to.cpu);
    const cpuTotal = cpu.ms;
    const sideTotal = cpuDelta(from.side, to.side).ms;
    const sinkTotal = cpuDelta(from.sink, to.sink).ms;
    const selfMs = (to.self.user + to.self.system - from.self.user - from.self.system) / 1000;
    // Whatever else ran on the machine meanwhile (other programs, the kernel's own work).
    const otherMs = to.machine - from.machine - cpuTotal - sideTotal - sinkTotal - selfMs;
    const index = new SentIndex(sent);
    const pool = latencyPool();
    const perSink = sinks
      .map((s) => analyseSink(index, s, windowMs, clock.offsetMs, pool))
      .sort((a, b) => Number(a.name.slice(4)) - Number(b.name.slice(4)));
    const ratios = perSink.map((s) => s.byteRatio);
    const connected = perSink.filter((s) => s.connections > 0).length;
    const ratioMin = perSink.length === n ? Math.min(...ratios) : 0;
    const worstSinkP99 = perSink.length > 0 ? Math.max(...perSink.map((s) => s.latencyP99Ms)) : NaN;
    const dist = distribution(pool.all);
    const keptRealTime =
      connected === n && ratioMin >= 0.999 && perSink.every((s) => Number.isFinite(s.lastLagMs) && s.lastLagMs < 1_000);
    return {
      ...base,
      status: 'ok',
      window: { ...windowMs, wallMs: wall },
      cpu: {
        totalMs: cpuTotal,
        msPerDestinationPerSecond: cpuTotal / n / seconds,
        coreShare: cpuTotal / wall,
        ticksMs: cpu.ticksMs,
        source: cpu.precise ? 'schedstat' : 'stat ticks',
        byThread: cpuByThreadName(from.cpu, to.cpu),
      },
      relayCpu:
        sidePids.length > 0
          ? { totalMs: sideTotal, msPerDestinationPerSecond: sideTotal / n / seconds, coreShare: sideTotal / wall }
          : undefined,
      sinkCoreShare: sinkTotal / wall,
      otherCoreShare: Number.isFinite(otherMs) ? Math.max(0, otherMs) / wall : undefined,
      loadAverage: loadavg()[0],
      memory: { ...mem, processes: pids.length },
      latencyMs: { ...dist, worstSinkP99, video: distribution(pool.video), audio: distribution(pool.audio) },
      sinks: {
        expected: n,
        connected,
        reconnected: perSink.filter((s) => s.connections > 1).length,
        byteRatioMin: ratioMin,
        byteRatioMax: ratios.length > 0 ? Math.max(...ratios) : 0,
        exactlyOne: perSink.filter((s) => s.receivedBytes === s.sentBytes && s.sentBytes > 0).length,
        timestampOffsetsMs: [...new Set(perSink.map((s) => s.timestampOffsetMs))].slice(0, 10),
      },
      keptRealTime,
      ingest: { maxQueuedBytes: sent.maxQueuedBytes, maxLateMs: sent.maxLateMs },
      clock: { sinkOffsetMs: clock.offsetMs, uncertaintyMs: clock.uncertaintyMs },
      systemReport,
      perSink,
    };
  } catch (error) {
    return { ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error), systemReport };
  } finally {
    if (system) await system.stop().catch(() => undefined);
    await stop(sink);
  }
}

/**
 * With --repeat: the run with the (lower) median CPU per destination stands for the configuration (a
 * failed run stands only if every run failed); every run's CPU figure is kept alongside.
 */
function representative(all: ConfigResult[]): ConfigResult {
  const ok = all.filter((r) => r.status === 'ok').sort((a, b) => a.cpu!.msPerDestinationPerSecond - b.cpu!.msPerDestinationPerSecond);
  if (ok.length === 0) return all[all.length - 1]!;
  const median = ok[Math.floor((ok.length - 1) / 2)]!;
  if (all.length === 1) return median;
  return {
    ...median,
    repeats: all.map((r) => (r.status === 'ok' ? r.cpu!.msPerDestinationPerSecond : null)),
    failedRepeats: all.filter((r) => r.status !== 'ok').map((r) => r.reason ?? r.status),
  };
}

async function main(): Promise<void> {
  installCleanup();
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const recording = loadRecording(ensureRecording(DATA_DIR, options.resolution), options.resolution);
  console.log(
    `input: ${recording.resolution}30, ${recording.tags.length} messages, ${(recording.durationMs / 1000).toFixed(1)} s, ` +
      `${recording.bitrateMbps.toFixed(2)} Mb/s; window ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured; ` +
      `N = ${options.destinations.join(', ')}`,
  );

  // Bundles go to a temporary directory (not the work tree, where lint and git would see them).
  const buildDir = makeTempDir('fanout-bench-build-');
  const prepared = prepareRunnables(options.tsx ? [] : [SINK_PROCESS, FANOUT_PROCESS], buildDir);
  const tsx: Runnable = { file: '', execArgv: ['--import', 'tsx'], runtime: 'tsx' };
  const runnables: Runnables = {
    sink: prepared.get(SINK_PROCESS) ?? { ...tsx, file: SINK_PROCESS },
    fanout: prepared.get(FANOUT_PROCESS) ?? { ...tsx, file: FANOUT_PROCESS },
  };
  console.log(`fan-out process runs as ${runnables.fanout.runtime}`);

  // Every system at one N before the next N, so the figures compared at an N are measured
  // close together in time; with --repeat, rounds go through the whole matrix again.
  const reasons = new Map<SystemId, string | undefined>();
  for (const id of options.systems) reasons.set(id, await SYSTEMS[id].unavailable());
  const runs = new Map<string, ConfigResult[]>();
  const results: ConfigResult[] = [];
  for (let round = 1; round <= options.repeat; round++) {
    for (const n of options.destinations) {
      for (const id of options.systems) {
        const runner = SYSTEMS[id];
        const key = `${id}:${n}`;
        const skip = (reason: string): void => {
          if (!runs.has(key)) results.push({ system: id, label: runner.label, destinations: n, status: 'skipped', reason });
        };
        const reason = reasons.get(id);
        if (reason) {
          if (round === 1) skip(reason);
          continue;
        }
        if (id === 'ffmpeg' && n > options.ffmpegMaxN) {
          if (round === 1) skip(`N > --ffmpeg-max-n=${options.ffmpegMaxN}`);
          continue;
        }
        if (Date.now() - started + options.warmupMs + options.durationMs + 15_000 > BUDGET_MS) {
          if (round === 1) skip('over the bench time budget');
          continue;
        }
        process.stdout.write(`${options.repeat > 1 ? `[${round}/${options.repeat}] ` : ''}${runner.label}, N=${n} ... `);
        const result = await runConfig(runner, n, recording, options, runnables);
        console.log(
          result.status === 'ok'
            ? `${result.cpu!.msPerDestinationPerSecond.toFixed(2)} CPU-ms/dest/s, p99 ${result.latencyMs!.p99.toFixed(1)} ms`
            : `${result.status}: ${result.reason}`,
        );
        runs.set(key, [...(runs.get(key) ?? []), result]);
        if (liveCount() > 0) await sleep(200);
      }
    }
  }
  for (const id of options.systems) {
    for (const n of options.destinations) {
      const all = runs.get(`${id}:${n}`);
      if (all) results.push(representative(all));
    }
  }
  results.sort(
    (a, b) => options.systems.indexOf(a.system) - options.systems.indexOf(b.system) || a.destinations - b.destinations,
  );

  const output = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    options,
    runtime: { fanoutProcess: runnables.fanout.runtime, sinkProcess: runnables.sink.runtime },
    input: {
      file: recording.file.slice(recording.file.indexOf('bench/')),
      resolution: recording.resolution,
      messages: recording.tags.length,
      durationSeconds: recording.durationMs / 1000,
      bitrateMbps: recording.bitrateMbps,
    },
    ...printReport(results),
    results,
    elapsedSeconds: (Date.now() - started) / 1000,
  };
  writeFileSync(RESULTS_FILE, JSON.stringify(output, null, 2) + '\n');
  console.log(`wrote ${RESULTS_FILE} (${output.elapsedSeconds.toFixed(0)} s)`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => killAll());

/**
 * Fan-out benchmark (`npm run bench -w @fanout/restream`): recorded H.264 + AAC 720p30 streams
 * (3.2 Mb/s by default), published in real time, fanned out to local sinks by each system under
 * test:
 *
 *   platform    the Fanout platform as users run it: the built API (apps/api/dist/main.js) with
 *               its embedded PostgreSQL, fresh ports and DATA_DIR per configuration, configured
 *               through its REST API (sign in, streams, destinations). Measured: the API's node
 *               process and every PostgreSQL process under it. The dashboard is not started.
 *   nms         Node-Media-Server 4.4.3 (npm devDependency) with its native RTMP push relay
 *   nginx-push  nginx-rtmp `application { live on; push ...; }`, one push per destination
 *   fanout      our RtmpServer + StreamRestreamer alone in a child process (the engine alone)
 *   node-floor  byte passthrough in a Node process: after the RTMP setup each ingest read
 *               is written unchanged to N sockets. The least any Node relay can spend on this
 *               stream, so the targets' ratios for it show what is reachable in Node at all
 *   ffmpeg      Restreamer's approach: the ingest goes to a relay (nginx-rtmp `live`), and one
 *               `ffmpeg -i <relay> -c copy -f flv <destination>` per destination pulls from it
 *   naive       (opt-in) a bench-only relay on @fanout/rtmp, a floor for what the engine adds
 *
 * Configurations, every system at one before the next:
 *   - one ingest to N destinations (--n);
 *   - multi-ingest: M ingests at once, each its own stream with --multi-n destinations (--multi),
 *     started spread over one GOP (2 s) as independent encoders would be;
 *   - capacity (--capacity systems): M × --multi-n grown by --capacity-step from the first --multi
 *     value until a limit breaks: real time (every sink under 1 s behind at the window's end),
 *     lossless (received/sent >= 0.999 at every sink), p99 added latency < 50 ms; capped at
 *     --capacity-max and by the time budget. Steps already measured by --multi are reused; a
 *     system that breaks at the first step is tried at M halved (5, 2, 1) for the largest that holds.
 *
 * The sinks (one RtmpServer, publishes to live/sinkK) run in another process, so the system's
 * cost is measured alone. After a warm-up, over a window of stream time, it measures:
 *
 *   - CPU: on-CPU time of the system's processes over the window, per thread from
 *     /proc/<pid>/task/<tid>/schedstat (utime + stime kept as a cross-check), per process, and
 *     for the platform per part (API node process; PostgreSQL, every process listed); as CPU-ms
 *     per destination per second, CPU-ms per second, and share of one core;
 *   - memory: PSS (/proc/<pid>/smaps_rollup, summed over the process tree, PostgreSQL included)
 *     at the window's end, and peak RSS (VmHWM summed);
 *   - added latency ingest → sink per message, p50/p99: the ingest stamps each send, the sink
 *     each arrival, both with performance.timeOrigin + performance.now() (the offset between
 *     the two processes' clocks is measured over IPC and reported); messages are matched by
 *     type, payload length and media timestamp, allowing one constant timestamp shift per sink;
 *   - received/sent media payload bytes per sink over the window (1.0 when nothing is lost),
 *     and the worst sink's;
 *   - video at every destination: from each publish's start (its connect) to the first picture
 *     at each of its sinks, the largest over all sinks;
 *
 * and the ratios between systems measured in the same run: the issue's table (platform, NMS,
 * nginx-rtmp, with the engine alone, the floor and ffmpeg beside), the capacity search, and the
 * README targets. Output: tables on stdout and bench/results.json (ignored by git).
 *
 *   node --conditions=@fanout/source --import tsx libs/restream/bench/fanout-bench.ts [--quick]
 *     [--systems=platform,nms,nginx-push,fanout,node-floor,ffmpeg,naive] [--n=1,10,50]
 *     [--multi=10,20] [--multi-n=3] [--capacity=platform,nginx-push|none] [--capacity-step=10]
 *     [--capacity-max=60] [--warmup=4] [--duration=15] [--ffmpeg-max-n=50] [--bitrate=3|6]
 *     [--resolution=720p|1080p] [--repeat=1] [--budget-min=50] [--tsx]
 *
 * --quick: the same configurations with a 3 s warm-up and a 6 s window, capacity up to M = 30
 * (about 10 minutes here; under 15).
 * A capacity step that breaks is run once more, and breaks only when both runs do (other programs
 * on a shared machine can break one window; noise only ever makes a system look worse).
 * --ffmpeg-max-n caps the ffmpeg processes of one configuration (M·N): larger ones are skipped.
 * --bitrate is the video bitrate in Mb/s (3: the issue's 3.2 Mb/s stream; 6: the earlier 6.3 Mb/s).
 * --budget-min: configurations that would end past it are skipped (and reported as such).
 * The node children run as JavaScript bundled with esbuild into a temporary directory (as the
 * product runs once built); --tsx runs them through tsx instead. The platform is built first
 * with Nx (cached); BENCH_SKIP_BUILD=1 uses apps/api/dist as it is. BENCH_PLATFORM_LOG_LEVEL
 * overrides the platform's LOG_LEVEL (default info, as users run it). BENCH_CPU_PROF=<dir>
 * writes a V8 CPU profile of each fan-out process and of the platform's API process;
 * BENCH_NODE_FLAGS="--flag ..." adds node/V8 flags to the fan-out processes (experiments). Every child is killed when the bench ends, however it ends
 * (PostgreSQL too, though it runs in a session of its own); tools also run under `timeout`.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { forkModule, installCleanup, killAll, liveCount, makeTempDir, stop } from './support/children';
import { sleep, wallMs } from './support/clock';
import { SentIndex, SinkResult, analyseSink, distribution, latencyPool, latencyTimeline, videoEverywhereMs, worstSink } from './support/analysis';
import { SentLog, publishRealTime } from './support/ingest';
import { clockOffset, expect, send } from './support/ipc';
import { CpuSnapshot, cpuByProcess, cpuByThreadName, cpuDelta, cpuSnapshot, machineBusyMs, memory, pssBytes } from './support/proc';
import { RECORDING_SECONDS, Recording, Resolution, VIDEO_MBPS, VideoMbps, ensureRecording, loadRecording } from './support/recording';
import { FANOUT_PROCESS, NMS_PROCESS, SYSTEMS, SystemId, SystemRunner } from './systems';
import { Runnable, prepareRunnables } from './support/bundle';
import { CapacityResult, ConfigResult, capacityBreaks, printReport, shape } from './report';

const SINK_PROCESS = join(__dirname, 'sink-process.ts');
const DATA_DIR = join(__dirname, '.data');
const RESULTS_FILE = join(__dirname, 'results.json');
/** Stream time published after the window, so the window's last messages get through. */
const TAIL_MS = 1_000;
/** Multi-ingest: the publishes start spread over one GOP of the recording (-g 60 at 30 fps). */
const GOP_MS = 2_000;
/** Bucket of ConfigResult.latencyTimelineMs. */
const TIMELINE_BUCKET_MS = 250;
/** Largest M × N: the sink process and the bench's publishers share this machine with the system. */
const MAX_TOTAL_DESTINATIONS = 400;

export interface Options {
  /** N for the single-ingest configurations. */
  destinations: number[];
  /** M for the multi-ingest configurations. */
  multi: number[];
  multiDestinations: number;
  capacity: { systems: SystemId[]; step: number; max: number };
  systems: SystemId[];
  warmupMs: number;
  durationMs: number;
  ffmpegMaxN: number;
  videoMbps: VideoMbps;
  resolution: Resolution;
  quick: boolean;
  /** Run the node children through tsx instead of bundled JavaScript. */
  tsx: boolean;
  /** Rounds through the whole matrix; each configuration reports its median run. */
  repeat: number;
  budgetMs: number;
}

function parseArgs(argv: readonly string[]): Options {
  const known = ['quick', 'tsx', 'systems', 'n', 'multi', 'multi-n', 'capacity', 'capacity-step', 'capacity-max', 'warmup', 'duration', 'ffmpeg-max-n', 'bitrate', 'resolution', 'repeat', 'budget-min'];
  for (const a of argv) {
    const name = /^--([a-z-]+)/.exec(a)?.[1];
    if (!name || !known.includes(name)) throw new Error(`unknown argument ${a}; see the header of fanout-bench.ts`);
  }
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const list = (value: string | undefined): string[] | undefined => value?.split(',').map((s) => s.trim()).filter(Boolean);
  const ints = (name: string, fallback: string[], min: number, max: number): number[] => {
    const values = (list(get(name)) ?? fallback).map(Number);
    if (values.some((n) => !Number.isInteger(n) || n < min || n > max)) throw new Error(`--${name} takes integers in ${min}..${max}`);
    return values;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => ints(name, [String(fallback)], min, max)[0]!;
  const destinations = ints('n', ['1', '10', '50'], 1, 200);
  const multiDestinations = int('multi-n', 3, 1, 50);
  const multi = get('multi') === 'none' ? [] : ints('multi', ['10', '20'], 2, 100);
  const systemIds = (names: string[]): SystemId[] => {
    for (const s of names) if (!(s in SYSTEMS)) throw new Error(`unknown system ${s}; known: ${Object.keys(SYSTEMS).join(', ')}`);
    return names as SystemId[];
  };
  const systems = systemIds(list(get('systems')) ?? ['platform', 'nms', 'nginx-push', 'fanout', 'node-floor', 'ffmpeg']);
  const capacitySystems = get('capacity') === 'none' ? [] : systemIds(list(get('capacity')) ?? ['platform', 'nginx-push']).filter((s) => systems.includes(s));
  const capacity = { systems: capacitySystems, step: int('capacity-step', 10, 1, 100), max: int('capacity-max', quick ? 30 : 60, 2, 100) };
  const warmupMs = Number(get('warmup') ?? (quick ? 3 : 4)) * 1000;
  const durationMs = Number(get('duration') ?? (quick ? 6 : 15)) * 1000;
  const staggerMs = multi.length > 0 || capacitySystems.length > 0 ? GOP_MS : 0;
  if (!(warmupMs >= 1000) || !(durationMs >= 1000) || warmupMs + staggerMs + durationMs + TAIL_MS > (RECORDING_SECONDS - 1) * 1000) {
    throw new Error(
      `--warmup >= 1, --duration >= 1 and warmup + duration <= ${RECORDING_SECONDS - 2 - staggerMs / 1000} s ` +
        `(the recording is ${RECORDING_SECONDS} s${staggerMs ? `, multi-ingest starts spread over ${staggerMs / 1000} s` : ''})`,
    );
  }
  const resolution = (get('resolution') ?? '720p') as Resolution;
  if (resolution !== '720p' && resolution !== '1080p') throw new Error('--resolution is 720p or 1080p');
  const videoMbps = Number(get('bitrate') ?? 3) as VideoMbps;
  if (!VIDEO_MBPS.includes(videoMbps)) throw new Error(`--bitrate is one of ${VIDEO_MBPS.join(', ')} (video Mb/s)`);
  const ffmpegMaxN = int('ffmpeg-max-n', 50, 1, 200);
  const repeat = int('repeat', 1, 1, 5);
  const budgetMs = int('budget-min', quick ? 14 : 50, 1, 240) * 60_000;
  return { destinations, multi, multiDestinations, capacity, systems, warmupMs, durationMs, ffmpegMaxN, videoMbps, resolution, quick, tsx: argv.includes('--tsx'), repeat, budgetMs };
}

interface Runnables {
  sink: Runnable;
  fanout: Runnable;
  nms: Runnable;
}

interface Mark {
  at: number;
  pids: number[];
  parts: Record<string, number[]>;
  cpu: CpuSnapshot;
  side: CpuSnapshot;
  sink: CpuSnapshot;
  machine: number;
  self: NodeJS.CpuUsage;
}

/** Stream-time window of ingest i (0-based) of m: the first's shifted back by its later start. */
function ingestWindow(base: { fromMs: number; toMs: number }, i: number, m: number): { fromMs: number; toMs: number; offsetMs: number } {
  const offsetMs = m > 1 ? Math.round((i * GOP_MS) / m) : 0;
  return { fromMs: base.fromMs - offsetMs, toMs: base.toMs - offsetMs, offsetMs };
}

async function runConfig(runner: SystemRunner, m: number, n: number, recording: Recording, options: Options, runnables: Runnables): Promise<ConfigResult> {
  const base = { system: runner.id, label: runner.label, ingests: m, destinations: n };
  // The first ingest's window; every later one starts up to one GOP after it and waits as long.
  const stagger = m > 1 ? GOP_MS : 0;
  const windowMs = { fromMs: options.warmupMs + stagger, toMs: options.warmupMs + stagger + options.durationMs };
  const publishMs = windowMs.toMs + TAIL_MS;
  const hardLimitS = publishMs / 1000 + 150;
  const sink = forkModule('sinks', runnables.sink.file, [], hardLimitS, runnables.sink.execArgv);
  let system: Awaited<ReturnType<SystemRunner['start']>> | undefined;
  let systemReport: unknown;
  try {
    const { port: sinkPort } = await expect(sink, 'ready', 60_000);
    const clock = await clockOffset(sink);
    system = await runner.start({ destinations: n, ingests: m, sinkPort, hardLimitS, fanoutProcess: runnables.fanout, nmsProcess: runnables.nms });
    if (system.ingestUrls.length !== m) throw new Error(`${runner.id} gave ${system.ingestUrls.length} ingest URLs for ${m} ingests`);
    await sleep(500); // let the system settle (nginx forks its worker, node finishes loading)
    const sidePids = system.sidePids();
    const marks: Mark[] = [];
    const running = system;
    const takeMark = (i: number): void => {
      const pids = running.pids();
      marks[i] = {
        at: wallMs(),
        pids,
        parts: running.parts?.() ?? {},
        cpu: cpuSnapshot(pids),
        side: cpuSnapshot(sidePids),
        sink: cpuSnapshot([sink.pid]),
        machine: machineBusyMs(),
        self: process.cpuUsage(),
      };
    };
    let mem = { peakRssBytes: 0, rssBytes: 0, pssBytes: 0 };
    let partPss: Record<string, number> = {};
    const t0 = wallMs() + 50;
    const windows = system.ingestUrls.map((_, i) => ingestWindow(windowMs, i, m));
    const published = await Promise.allSettled(
      system.ingestUrls.map(async (url, i) => {
        const w = windows[i]!;
        await sleep(t0 + w.offsetMs - wallMs());
        return publishRealTime(recording, {
          url,
          endMs: w.toMs + TAIL_MS,
          // The first ingest marks the window for all: CPU, machine and memory snapshots.
          marks: i === 0 ? [w.fromMs, w.toMs] : [],
          onMark: (k) => {
            takeMark(k);
            if (k === 1) {
              mem = memory(marks[1]!.pids);
              partPss = Object.fromEntries(Object.entries(marks[1]!.parts).map(([part, pids]) => [part, pssBytes(pids)]));
            }
          },
          maxWallMs: publishMs + 5_000,
        });
      }),
    );
    const failed = published.find((p) => p.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    const sent = published.map((p) => (p as PromiseFulfilledResult<SentLog>).value);

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
    const total = m * n;
    const cpu = cpuDelta(from.cpu, to.cpu);
    const cpuTotal = cpu.ms;
    const sideTotal = cpuDelta(from.side, to.side).ms;
    const sinkTotal = cpuDelta(from.sink, to.sink).ms;
    const selfMs = (to.self.user + to.self.system - from.self.user - from.self.system) / 1000;
    // Whatever else ran on the machine meanwhile (other programs, the kernel's own work).
    const otherMs = to.machine - from.machine - cpuTotal - sideTotal - sinkTotal - selfMs;
    const byProcess = cpuByProcess(from.cpu, to.cpu);
    const parts = Object.keys(to.parts).length > 0 ? partsOf(from, to, byProcess, wall, partPss) : undefined;
    const indexes = sent.map((log) => new SentIndex(log));
    const pool = latencyPool();
    const perSink: SinkResult[] = sinks
      .map((s) => {
        const k = Number(s.name.slice(4));
        const ingest = Math.min(m, Math.max(1, Math.ceil(k / n)));
        const w = windows[ingest - 1]!;
        return analyseSink(indexes[ingest - 1]!, s, w, clock.offsetMs, pool, { number: ingest, startedAt: sent[ingest - 1]!.startedAt });
      })
      .sort((a, b) => Number(a.name.slice(4)) - Number(b.name.slice(4)));
    const ratios = perSink.map((s) => s.byteRatio);
    const connected = perSink.filter((s) => s.connections > 0).length;
    const ratioMin = perSink.length === total ? Math.min(...ratios) : 0;
    const worstSinkP99 = perSink.length > 0 ? Math.max(...perSink.map((s) => s.latencyP99Ms)) : NaN;
    const dist = distribution(pool.all);
    const worst = worstSink(perSink);
    return {
      ...base,
      status: 'ok',
      window: { ...windowMs, wallMs: wall },
      cpu: {
        totalMs: cpuTotal,
        msPerDestinationPerSecond: cpuTotal / total / seconds,
        coreShare: cpuTotal / wall,
        ticksMs: cpu.ticksMs,
        source: cpu.precise ? 'schedstat' : 'stat ticks',
        byThread: cpuByThreadName(from.cpu, to.cpu),
        byProcess: byProcess.slice(0, 20),
      },
      parts,
      relayCpu:
        sidePids.length > 0
          ? { totalMs: sideTotal, msPerDestinationPerSecond: sideTotal / total / seconds, coreShare: sideTotal / wall }
          : undefined,
      sinkCoreShare: sinkTotal / wall,
      publisherCoreShare: selfMs / wall,
      otherCoreShare: Number.isFinite(otherMs) ? Math.max(0, otherMs) / wall : undefined,
      loadAverage: loadavg()[0],
      memory: { ...mem, processes: to.pids.length },
      latencyMs: { ...dist, worstSinkP99, video: distribution(pool.video), audio: distribution(pool.audio) },
      latencyTimelineMs: latencyTimeline(pool, from.at, to.at, TIMELINE_BUCKET_MS),
      sinks: {
        expected: total,
        connected,
        reconnected: perSink.filter((s) => s.connections > 1).length,
        byteRatioMin: ratioMin,
        byteRatioMax: ratios.length > 0 ? Math.max(...ratios) : 0,
        exactlyOne: perSink.filter((s) => s.receivedBytes === s.sentBytes && s.sentBytes > 0).length,
        timestampOffsetsMs: [...new Set(perSink.map((s) => s.timestampOffsetMs))].slice(0, 10),
        worst: worst && { name: worst.name, receivedBytes: worst.receivedBytes, sentBytes: worst.sentBytes, byteRatio: perSink.length === total ? worst.byteRatio : 0 },
        videoEverywhereMs: videoEverywhereMs(perSink, total),
      },
      keptRealTime: connected === total && perSink.every((s) => Number.isFinite(s.lastLagMs) && s.lastLagMs < 1_000),
      lossless: ratioMin >= 0.999,
      ingest: { maxQueuedBytes: Math.max(...sent.map((s) => s.maxQueuedBytes)), maxLateMs: Math.max(...sent.map((s) => s.maxLateMs)) },
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

/** CPU (over the window) and PSS (at its end, `pss`) of each part of a system, with its processes. */
function partsOf(from: Mark, to: Mark, byProcess: ReturnType<typeof cpuByProcess>, wallMs: number, pss: Record<string, number>): NonNullable<ConfigResult['parts']> {
  const out: NonNullable<ConfigResult['parts']> = {};
  for (const [part, pids] of Object.entries(to.parts)) {
    const members = new Set([...pids, ...(from.parts[part] ?? [])]);
    const processes = byProcess.filter((p) => members.has(p.pid));
    // Processes of one kind (PostgreSQL backends) summed under their name.
    const byName = new Map<string, number>();
    for (const p of processes) byName.set(p.name, (byName.get(p.name) ?? 0) + p.ms);
    const cpuMs = processes.reduce((sum, p) => sum + p.ms, 0);
    out[part] = {
      cpuMs,
      coreShare: cpuMs / wallMs,
      pssBytes: pss[part] ?? 0,
      processes: [...byName].map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10 })).sort((a, b) => b.ms - a.ms),
    };
  }
  return out;
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

/** Runs configurations, one at a time, within the time budget; remembers every run by key. */
class Runner {
  readonly runs = new Map<string, ConfigResult[]>();
  readonly skipped: ConfigResult[] = [];
  private readonly unavailable = new Map<SystemId, string | undefined>();

  constructor(
    private readonly options: Options,
    private readonly recording: Recording,
    private readonly runnables: Runnables,
    private readonly started: number,
  ) {}

  async prepare(): Promise<void> {
    for (const id of this.options.systems) this.unavailable.set(id, await SYSTEMS[id].unavailable());
  }

  static key(id: SystemId, m: number, n: number): string {
    return `${id}:${m}x${n}`;
  }

  /** Seconds one configuration takes at most (publish + start-up and teardown). */
  private estimateMs(id: SystemId, m: number): number {
    return this.options.warmupMs + this.options.durationMs + (m > 1 ? GOP_MS : 0) + TAIL_MS + (id === 'platform' ? 25_000 : 10_000) + 100 * m;
  }

  /** Runs (id, M, N) unless it cannot or may not; the result of that run, or undefined when skipped. */
  async run(id: SystemId, m: number, n: number, round: number): Promise<ConfigResult | undefined> {
    const runner = SYSTEMS[id];
    const key = Runner.key(id, m, n);
    const skip = (reason: string): undefined => {
      if (round === 1 && !this.runs.has(key) && !this.skipped.some((r) => Runner.key(r.system, r.ingests, r.destinations) === key)) {
        this.skipped.push({ system: id, label: runner.label, ingests: m, destinations: n, status: 'skipped', reason });
      }
      return undefined;
    };
    const reason = this.unavailable.get(id);
    if (reason) return skip(reason);
    if (id === 'ffmpeg' && m * n > this.options.ffmpegMaxN) return skip(`M×N = ${m * n} ffmpeg processes > --ffmpeg-max-n=${this.options.ffmpegMaxN}`);
    if (m * n > MAX_TOTAL_DESTINATIONS) return skip(`M×N > ${MAX_TOTAL_DESTINATIONS}`);
    if (Date.now() - this.started + this.estimateMs(id, m) > this.options.budgetMs) return skip('over the bench time budget (--budget-min)');
    const tag = this.options.repeat > 1 ? `[${round}/${this.options.repeat}] ` : '';
    process.stdout.write(`${tag}${runner.label}, ${shape({ ingests: m, destinations: n })} ... `);
    const result = await runConfig(runner, m, n, this.recording, this.options, this.runnables);
    console.log(
      result.status === 'ok'
        ? `${result.cpu!.msPerDestinationPerSecond.toFixed(2)} CPU-ms/dest/s, ${(result.cpu!.coreShare * 100).toFixed(0)}% of a core, ` +
            `p99 ${result.latencyMs!.p99.toFixed(1)} ms, worst recv/sent ${result.sinks!.byteRatioMin.toFixed(4)}, ` +
            `video everywhere ${(result.sinks!.videoEverywhereMs / 1000).toFixed(2)} s`
        : `${result.status}: ${result.reason}`,
    );
    this.runs.set(key, [...(this.runs.get(key) ?? []), result]);
    if (liveCount() > 0) await sleep(200);
    return result;
  }

  /** Every run of (id, M, N) so far. */
  results(id: SystemId, m: number, n: number): ConfigResult[] {
    return [...(this.runs.get(Runner.key(id, m, n)) ?? [])];
  }

  /** The representative result of (id, M, N), when it ran. */
  result(id: SystemId, m: number, n: number): ConfigResult | undefined {
    const all = this.runs.get(Runner.key(id, m, n));
    return all ? representative(all) : undefined;
  }
}

type CapacityStep = CapacityResult['steps'][number];

/**
 * One capacity step: (id, M, N) as the matrix ran it, or run now. A step that broke is run once
 * more: on a shared machine a burst of other work can break one window, and noise only ever
 * makes a system look worse; it breaks when both runs do. Undefined when it could not run.
 */
async function capacityStep(runner: Runner, id: SystemId, m: number, n: number): Promise<CapacityStep | undefined> {
  let tries = runner.results(id, m, n);
  if (tries.length === 0) tries = [await runner.run(id, m, n, 1)].filter((r) => r !== undefined);
  if (tries.length === 1 && capacityBreaks(tries[0]!).length > 0) {
    const again = await runner.run(id, m, n, 2);
    if (again) tries.push(again);
  }
  if (tries.length === 0) return undefined;
  const held = tries.find((r) => capacityBreaks(r).length === 0);
  const result = held ?? tries[tries.length - 1]!;
  const busy = (r: ConfigResult): string => ((r.otherCoreShare ?? 0) > 0.5 ? ` (other programs used ${r.otherCoreShare!.toFixed(2)} cores)` : '');
  return {
    ingests: m,
    held: held !== undefined,
    tries: tries.length,
    breaks: held ? [] : tries.map((r, i) => `try ${i + 1}: ${capacityBreaks(r).join('; ')}${busy(r)}`),
    coreShare: result.cpu?.coreShare,
    sinkCoreShare: result.sinkCoreShare,
    publisherCoreShare: result.publisherCoreShare,
    otherCoreShare: result.otherCoreShare,
  };
}

/**
 * Grows M (× the multi-ingest N) for each capacity system, step by step and the systems side by
 * side at each M, until its limit breaks, the cap, or the budget; reuses what the matrix ran. A
 * system that breaks at the first step is searched downwards (M halved) for the largest M that holds.
 */
async function searchCapacity(runner: Runner, options: Options): Promise<CapacityResult[]> {
  const n = options.multiDestinations;
  const first = options.multi[0] ?? options.capacity.step;
  const searches: CapacityResult[] = options.capacity.systems.map((id) => ({
    system: id,
    label: SYSTEMS[id].label,
    destinationsPerIngest: n,
    steps: [],
    largestHeld: null,
    endedBy: `reached the cap M = ${options.capacity.max}`,
  }));
  const skipReason = (id: SystemId, m: number): string => runner.skipped.find((r) => r.system === id && r.ingests === m)?.reason ?? 'skipped';
  const open = new Set(searches);
  for (let m = first, guard = 0; m <= options.capacity.max && open.size > 0 && guard < 100; m += options.capacity.step, guard++) {
    for (const search of [...open]) {
      const step = await capacityStep(runner, search.system, m, n);
      if (!step) {
        search.endedBy = `stopped before M = ${m}: ${skipReason(search.system, m)}`;
        open.delete(search);
        continue;
      }
      search.steps.push(step);
      if (step.held) search.largestHeld = m;
      else {
        search.endedBy = `broke at M = ${m}`;
        open.delete(search);
      }
    }
  }
  for (const search of searches) {
    if (search.largestHeld !== null || search.steps.length === 0) continue;
    for (let m = Math.floor(first / 2); m >= 1; m = Math.floor(m / 2)) {
      const step = await capacityStep(runner, search.system, m, n);
      if (!step) {
        search.endedBy += `; stopped before M = ${m}: ${skipReason(search.system, m)}`;
        break;
      }
      search.steps.push(step);
      if (step.held) {
        search.largestHeld = m;
        search.endedBy += `; held at M = ${m}`;
        break;
      }
    }
  }
  return searches;
}

async function main(): Promise<void> {
  installCleanup();
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const recording = loadRecording(ensureRecording(DATA_DIR, options.resolution, options.videoMbps), options.resolution);
  console.log(
    `input: ${recording.resolution}30, ${recording.tags.length} messages, ${(recording.durationMs / 1000).toFixed(1)} s, ` +
      `${recording.bitrateMbps.toFixed(2)} Mb/s; window ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured; ` +
      `one ingest: N = ${options.destinations.join(', ')}; multi-ingest: ${options.multi.length > 0 ? `M = ${options.multi.join(', ')} × ${options.multiDestinations}` : 'none'}; ` +
      `capacity: ${options.capacity.systems.length > 0 ? `${options.capacity.systems.join(', ')}, M × ${options.multiDestinations} up to M = ${options.capacity.max}` : 'none'}`,
  );

  // Bundles go to a temporary directory (not the work tree, where lint and git would see them).
  const buildDir = makeTempDir('fanout-bench-build-');
  const prepared = prepareRunnables(options.tsx ? [] : [SINK_PROCESS, FANOUT_PROCESS, NMS_PROCESS], buildDir);
  const tsx: Runnable = { file: '', execArgv: ['--import', 'tsx'], runtime: 'tsx' };
  const runnables: Runnables = {
    sink: prepared.get(SINK_PROCESS) ?? { ...tsx, file: SINK_PROCESS },
    fanout: prepared.get(FANOUT_PROCESS) ?? { ...tsx, file: FANOUT_PROCESS },
    nms: prepared.get(NMS_PROCESS) ?? { ...tsx, file: NMS_PROCESS },
  };
  console.log(`fan-out process runs as ${runnables.fanout.runtime}`);

  // Every system at one configuration before the next, so the figures compared at a
  // configuration are measured close together in time; with --repeat, rounds go through the
  // whole matrix again. The capacity search comes last (its first steps are the matrix's).
  const runner = new Runner(options, recording, runnables, started);
  await runner.prepare();
  const matrix: Array<[number, number]> = [
    ...options.destinations.map((n): [number, number] => [1, n]),
    ...options.multi.map((m): [number, number] => [m, options.multiDestinations]),
  ];
  for (let round = 1; round <= options.repeat; round++) {
    for (const [m, n] of matrix) {
      for (const id of options.systems) await runner.run(id, m, n, round);
    }
  }
  const capacity = await searchCapacity(runner, options);

  const results: ConfigResult[] = [...runner.skipped];
  for (const id of options.systems) {
    for (const key of runner.runs.keys()) {
      if (!key.startsWith(`${id}:`)) continue;
      const [m, n] = key.slice(id.length + 1).split('x').map(Number);
      results.push(runner.result(id, m!, n!)!);
    }
  }
  results.sort(
    (a, b) => options.systems.indexOf(a.system) - options.systems.indexOf(b.system) || a.ingests - b.ingests || a.destinations - b.destinations,
  );

  const output = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    options,
    runtime: { fanoutProcess: runnables.fanout.runtime, sinkProcess: runnables.sink.runtime, nmsProcess: runnables.nms.runtime },
    input: {
      file: recording.file.slice(recording.file.indexOf('bench/')),
      resolution: recording.resolution,
      messages: recording.tags.length,
      durationSeconds: recording.durationMs / 1000,
      bitrateMbps: recording.bitrateMbps,
    },
    ...printReport(results, capacity),
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

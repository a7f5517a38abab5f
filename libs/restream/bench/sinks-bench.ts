/**
 * Sinks benchmark (issue 14; part of `npm run bench`, after the fan-out benchmark): what a
 * recording and a live preview viewer cost the engine, against what one RTMP destination costs,
 * measured in the same run.
 *
 * The recorded H.264 + AAC 720p30 stream (3.2 Mb/s by default, bench/.data) is published in real
 * time over RTMP by the bench process to the engine alone in a child process (sinks-process.ts:
 * RtmpServer + one StreamRestreamer), configured as:
 *
 *   baseline     no sink at all: the ingest, the engine's own work
 *   rtmp         + N RTMP destinations (--n, 10): real sockets to an RtmpServer in another process
 *   recording    + N destinations + one RecordingSink writing a real file in a temp directory
 *   preview      + N destinations + V preview viewers (--viewers, 5): FlvSink over
 *                writableFlvTarget(http.ServerResponse), served as apps/api serves the preview,
 *                read by V HTTP clients in another process (viewer-process.ts) that parse and
 *                discard it
 *
 * Each configuration runs --repeat times (rounds, the configurations' order rotated each round),
 * with a fresh engine process every time. Over a window of stream time after a warm-up the
 * engine process's CPU is read from /proc/<pid>/task/<tid>/schedstat (every thread: the main
 * thread, libuv's pool that writes the recording, GC helpers), as CPU-ms per second. Then, from
 * the medians:
 *
 *   one RTMP destination = (rtmp - baseline) / N
 *   a recording          = (recording - rtmp), as a ratio to one destination (target <= 2)
 *   a preview viewer     = (preview - rtmp) / V, as a ratio to one destination (target <= 1)
 *
 * and the same ratios computed within each round (paired runs, close in time) as a cross-check.
 * Checked at every run: every destination and viewer received what the ingest sent over the
 * window (received/sent payload bytes, added latency p99), the recording wrote fragments and
 * ffprobe reads the finished file; the CPU other programs used during each window is printed
 * (a shared machine makes small differences noisy). Output: a table on stdout and
 * bench/sinks-results.json (ignored by git).
 *
 *   node --conditions=@fanout/source --import tsx libs/restream/bench/sinks-bench.ts [--quick]
 *     [--repeat=5] [--warmup=4] [--duration=20] [--n=10] [--viewers=5] [--bitrate=3|6]
 *     [--resolution=720p|1080p] [--configs=baseline,rtmp,recording,preview] [--tsx]
 *
 * --quick: 3 rounds of a 3 s warm-up and an 8 s window (about 3 minutes). BENCH_CPU_PROF=<dir>
 * writes a V8 CPU profile of each engine process; BENCH_NODE_FLAGS adds node flags to it.
 * Everything listens on 127.0.0.1; every child is killed when the bench ends, however it ends.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Runnable, prepareRunnables } from './support/bundle';
import { Managed, forkModule, installCleanup, killAll, makeTempDir, stop } from './support/children';
import { sleep, wallMs } from './support/clock';
import { SentIndex, SinkResult, analyseSink, latencyPool } from './support/analysis';
import { SentLog, publishRealTime } from './support/ingest';
import { SinkLog, clockOffset, expect, send } from './support/ipc';
import { CpuSnapshot, cpuByThreadName, cpuDelta, cpuSnapshot, machineBusyMs } from './support/proc';
import { RECORDING_SECONDS, Recording, Resolution, VIDEO_MBPS, VideoMbps, ensureRecording, loadRecording } from './support/recording';
import { commandWorks } from './support/tools';
import { stopBenchChild } from './systems';

const SINK_PROCESS = join(__dirname, 'sink-process.ts');
const ENGINE_PROCESS = join(__dirname, 'sinks-process.ts');
const VIEWER_PROCESS = join(__dirname, 'viewer-process.ts');
const DATA_DIR = join(__dirname, '.data');
const RESULTS_FILE = join(__dirname, 'sinks-results.json');
const TAIL_MS = 1_000;
/** Stream time at which the viewers connect (the API serves a preview only while the ingest is live). */
const VIEWERS_AT_MS = 500;

const CONFIGS = ['baseline', 'rtmp', 'recording', 'preview'] as const;
type ConfigId = (typeof CONFIGS)[number];

interface Options {
  repeat: number;
  warmupMs: number;
  durationMs: number;
  destinations: number;
  viewers: number;
  videoMbps: VideoMbps;
  resolution: Resolution;
  configs: ConfigId[];
  quick: boolean;
  tsx: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const known = ['quick', 'tsx', 'repeat', 'warmup', 'duration', 'n', 'viewers', 'bitrate', 'resolution', 'configs'];
  for (const a of argv) {
    const name = /^--([a-z-]+)/.exec(a)?.[1];
    if (!name || !known.includes(name)) throw new Error(`unknown argument ${a}; see the header of sinks-bench.ts`);
  }
  const get = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = Number(get(name) ?? fallback);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} takes an integer in ${min}..${max}`);
    return v;
  };
  const warmupMs = int('warmup', quick ? 3 : 4, 2, 20) * 1000;
  const durationMs = int('duration', quick ? 8 : 20, 2, 26) * 1000;
  if (warmupMs + durationMs + TAIL_MS > (RECORDING_SECONDS - 1) * 1000) throw new Error(`warmup + duration <= ${RECORDING_SECONDS - 2} s (the recording is ${RECORDING_SECONDS} s)`);
  const videoMbps = Number(get('bitrate') ?? 3) as VideoMbps;
  if (!VIDEO_MBPS.includes(videoMbps)) throw new Error(`--bitrate is one of ${VIDEO_MBPS.join(', ')} (video Mb/s)`);
  const resolution = (get('resolution') ?? '720p') as Resolution;
  if (resolution !== '720p' && resolution !== '1080p') throw new Error('--resolution is 720p or 1080p');
  const configs = (get('configs')?.split(',').filter(Boolean) ?? [...CONFIGS]) as ConfigId[];
  for (const c of configs) if (!CONFIGS.includes(c)) throw new Error(`unknown configuration ${c}; known: ${CONFIGS.join(', ')}`);
  return {
    repeat: int('repeat', quick ? 3 : 5, 1, 15),
    warmupMs,
    durationMs,
    destinations: int('n', 10, 1, 100),
    viewers: int('viewers', 5, 1, 50),
    videoMbps,
    resolution,
    configs,
    quick,
    tsx: argv.includes('--tsx'),
  };
}

interface Runnables {
  sink: Runnable;
  engine: Runnable;
  viewer: Runnable;
}

interface Mark {
  at: number;
  engine: CpuSnapshot;
  helpers: CpuSnapshot;
  machine: number;
  self: NodeJS.CpuUsage;
}

interface RunResult {
  config: ConfigId;
  round: number;
  status: 'ok' | 'failed';
  reason?: string;
  /** Engine process CPU over the window, ms per second of wall time. */
  cpuMsPerSecond?: number;
  byThread?: Record<string, number>;
  /** Cores the rest of the machine used meanwhile (other programs; the sink and viewer processes and the bench are not counted). */
  otherCores?: number;
  helperCores?: number;
  loadAverage?: number;
  destinations?: Summary;
  viewers?: Summary;
  recording?: { state: string; fileBytes: number; fragments: number; droppedFrames: number; durationS: number | null; lastError: unknown };
}

interface Summary {
  expected: number;
  connected: number;
  /** Lowest received/sent payload bytes over the window. */
  worstByteRatio: number;
  /** Largest p99 added latency of one sink, ms. */
  worstP99Ms: number;
}

function summarise(results: SinkResult[], expected: number): Summary {
  const connected = results.filter((r) => r.connections > 0).length;
  return {
    expected,
    connected,
    worstByteRatio: results.length === expected && expected > 0 ? Math.min(...results.map((r) => (Number.isFinite(r.byteRatio) ? r.byteRatio : 0))) : 0,
    worstP99Ms: results.length > 0 ? Math.max(...results.map((r) => r.latencyP99Ms)) : NaN,
  };
}

function shape(config: ConfigId, o: Options): { destinations: number; recording: boolean; viewers: number } {
  return { destinations: config === 'baseline' ? 0 : o.destinations, recording: config === 'recording', viewers: config === 'preview' ? o.viewers : 0 };
}

function describe(config: ConfigId, o: Options): string {
  const s = shape(config, o);
  const parts = [`engine`, ...(s.destinations ? [`${s.destinations} RTMP`] : []), ...(s.recording ? ['1 recording'] : []), ...(s.viewers ? [`${s.viewers} viewers`] : [])];
  return parts.join(' + ');
}

/** Seconds of media ffprobe reads in a finished recording, or null. */
function probeDuration(file: string): number | null {
  try {
    const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], { timeout: 30_000 }).toString().trim();
    const seconds = Number(out);
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  }
}

async function runOnce(config: ConfigId, round: number, recording: Recording, o: Options, runnables: Runnables, hasFfprobe: boolean): Promise<RunResult> {
  const s = shape(config, o);
  const window = { fromMs: o.warmupMs, toMs: o.warmupMs + o.durationMs };
  const publishMs = window.toMs + TAIL_MS;
  const hardLimitS = publishMs / 1000 + 120;
  const recordDir = s.recording ? makeTempDir('fanout-sinks-bench-rec-') : '-';
  const sink = forkModule('sinks', runnables.sink.file, [], hardLimitS, runnables.sink.execArgv);
  const viewer = s.viewers > 0 ? forkModule('viewers', runnables.viewer.file, [], hardLimitS, runnables.viewer.execArgv) : undefined;
  let engine: Managed | undefined;
  try {
    const { port: sinkPort } = await expect(sink, 'ready', 60_000);
    if (viewer) await expect(viewer, 'ready', 60_000);
    const sinkClock = await clockOffset(sink);
    const viewerClock = viewer ? await clockOffset(viewer) : undefined;
    const profileDir = process.env['BENCH_CPU_PROF'];
    const execArgv = [...runnables.engine.execArgv, ...(process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const started = forkModule(`engine(${config})`, runnables.engine.file, [String(s.destinations), String(sinkPort), recordDir], hardLimitS, execArgv);
    engine = started;
    const ready = await expect(started, 'ready', 60_000);
    const previewPort = Number(ready.info?.['previewPort']);
    await sleep(300);
    const helperPids = [sink.pid, ...(viewer ? [viewer.pid] : [])];
    const marks: Mark[] = [];
    const take = (): Mark => ({ at: wallMs(), engine: cpuSnapshot([started.pid]), helpers: cpuSnapshot(helperPids), machine: machineBusyMs(), self: process.cpuUsage() });
    const sent: SentLog = await publishRealTime(recording, {
      url: `rtmp://127.0.0.1:${ready.port}/live/in1`,
      endMs: publishMs,
      marks: [VIEWERS_AT_MS, window.fromMs, window.toMs],
      onMark: (k) => {
        if (k === 0 && viewer) send(viewer, { type: 'view', url: `http://127.0.0.1:${previewPort}/preview`, count: s.viewers });
        if (k > 0) marks.push(take());
      },
      maxWallMs: publishMs + 5_000,
    });
    // Until the sinks stop receiving, bounded.
    const helpers = [sink, ...(viewer ? [viewer] : [])];
    let last = -1;
    for (let i = 0; i < 20; i++) {
      await sleep(300);
      let messages = 0;
      for (const h of helpers) {
        const answer = expect(h, 'count', 5_000);
        send(h, { type: 'count' });
        messages += (await answer).messages;
      }
      if (messages === last) break;
      last = messages;
    }
    const collected = expect(sink, 'results', 30_000);
    send(sink, { type: 'collect' });
    const sinkLogs: SinkLog[] = (await collected).sinks;
    let viewerLogs: SinkLog[] = [];
    if (viewer) {
      const answer = expect(viewer, 'viewed', 30_000);
      send(viewer, { type: 'collect' });
      viewerLogs = (await answer).viewers;
    }
    const stats = (await stopBenchChild(started, 15_000)) as { sinks?: Array<Record<string, unknown>> } | { error: string };
    engine = undefined;

    const [from, to] = [marks[0]!, marks[1]!];
    const wall = to.at - from.at;
    const engineMs = cpuDelta(from.engine, to.engine).ms;
    const helperMs = cpuDelta(from.helpers, to.helpers).ms;
    const selfMs = (to.self.user + to.self.system - from.self.user - from.self.system) / 1000;
    const otherMs = to.machine - from.machine - engineMs - helperMs - selfMs;
    const index = new SentIndex(sent);
    const pool = latencyPool();
    const destinations = sinkLogs.map((l) => analyseSink(index, l, window, sinkClock.offsetMs, pool));
    const viewers = viewerLogs.map((l) => analyseSink(index, l, window, viewerClock!.offsetMs, latencyPool()));
    const result: RunResult = {
      config,
      round,
      status: 'ok',
      cpuMsPerSecond: engineMs / (wall / 1000),
      byThread: cpuByThreadName(from.engine, to.engine),
      otherCores: Number.isFinite(otherMs) ? Math.max(0, otherMs) / wall : undefined,
      helperCores: helperMs / wall,
      loadAverage: loadavg()[0],
    };
    if (s.destinations > 0) result.destinations = summarise(destinations, s.destinations);
    if (s.viewers > 0) result.viewers = summarise(viewers, s.viewers);
    if (s.recording) {
      const rec = 'sinks' in stats ? stats.sinks?.find((x) => x['kind'] === 'recording') : undefined;
      const files = readdirSync(recordDir).filter((f) => f.endsWith('.mp4'));
      const file = files[0] === undefined ? undefined : join(recordDir, files[0]);
      result.recording = {
        state: String(rec?.['state'] ?? 'missing'),
        fileBytes: file ? statSync(file).size : 0,
        fragments: Number(rec?.['fragments'] ?? 0),
        droppedFrames: Number(rec?.['droppedFrames'] ?? 0),
        durationS: file && hasFfprobe ? probeDuration(file) : null,
        lastError: rec?.['lastError'] ?? null,
      };
    }
    return result;
  } catch (error) {
    return { config, round, status: 'failed', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (engine) await stopBenchChild(engine, 15_000);
    await Promise.all([stop(sink), ...(viewer ? [stop(viewer)] : [])]);
    if (recordDir !== '-') rmSync(recordDir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Costs {
  /** CPU-ms per second of one RTMP destination. */
  destination: number;
  recording: number;
  viewer: number;
  recordingRatio: number;
  viewerRatio: number;
}

function costs(cpu: Partial<Record<ConfigId, number>>, o: Options): Costs {
  const destination = ((cpu.rtmp ?? NaN) - (cpu.baseline ?? NaN)) / o.destinations;
  const recording = (cpu.recording ?? NaN) - (cpu.rtmp ?? NaN);
  const viewer = ((cpu.preview ?? NaN) - (cpu.rtmp ?? NaN)) / o.viewers;
  return { destination, recording, viewer, recordingRatio: recording / destination, viewerRatio: viewer / destination };
}

function checksOf(r: RunResult): string[] {
  const problems: string[] = [];
  for (const [what, s] of [['destinations', r.destinations], ['viewers', r.viewers]] as const) {
    if (!s) continue;
    if (s.connected < s.expected) problems.push(`${s.expected - s.connected} ${what} not connected`);
    if (!(s.worstByteRatio >= 0.999)) problems.push(`${what}: worst received/sent ${s.worstByteRatio.toFixed(4)}`);
  }
  if (r.recording) {
    if (r.recording.state !== 'live') problems.push(`recording ${r.recording.state}`);
    if (r.recording.fragments === 0) problems.push('recording wrote no fragment');
    if (r.recording.droppedFrames > 0) problems.push(`recording dropped ${r.recording.droppedFrames} frames`);
    if (r.recording.durationS === null) problems.push('ffprobe could not read the recording');
  }
  return problems;
}

async function main(): Promise<void> {
  installCleanup();
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const recording = loadRecording(ensureRecording(DATA_DIR, o.resolution, o.videoMbps), o.resolution);
  const hasFfprobe = commandWorks('ffprobe', ['-version']);
  console.log(
    `sinks bench — input: ${recording.resolution}30, ${recording.bitrateMbps.toFixed(2)} Mb/s; ${o.repeat} rounds of ${o.configs.length} configurations, ` +
      `${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s measured each; the engine alone in a child process` +
      (hasFfprobe ? '' : ' (no ffprobe: recordings are not read back)'),
  );
  const buildDir = makeTempDir('fanout-sinks-bench-build-');
  const prepared = prepareRunnables(o.tsx ? [] : [SINK_PROCESS, ENGINE_PROCESS, VIEWER_PROCESS], buildDir);
  const tsx = (file: string): Runnable => ({ file, execArgv: ['--import', 'tsx'], runtime: 'tsx' });
  const runnables: Runnables = {
    sink: prepared.get(SINK_PROCESS) ?? tsx(SINK_PROCESS),
    engine: prepared.get(ENGINE_PROCESS) ?? tsx(ENGINE_PROCESS),
    viewer: prepared.get(VIEWER_PROCESS) ?? tsx(VIEWER_PROCESS),
  };
  console.log(`engine process runs as ${runnables.engine.runtime}`);

  const runs: RunResult[] = [];
  for (let round = 1; round <= o.repeat; round++) {
    // The order rotates each round, so no configuration always runs first (or right after another).
    const order = o.configs.map((_, i) => o.configs[(i + round - 1) % o.configs.length]!);
    for (const config of order) {
      process.stdout.write(`[${round}/${o.repeat}] ${describe(config, o)} ... `);
      const r = await runOnce(config, round, recording, o, runnables, hasFfprobe);
      runs.push(r);
      if (r.status !== 'ok') console.log(`failed: ${r.reason}`);
      else {
        const problems = checksOf(r);
        console.log(
          `${r.cpuMsPerSecond!.toFixed(2)} CPU-ms/s; other programs ${r.otherCores?.toFixed(2) ?? '?'} cores` +
            (r.destinations ? `; destinations worst recv/sent ${r.destinations.worstByteRatio.toFixed(4)}, p99 ${r.destinations.worstP99Ms.toFixed(1)} ms` : '') +
            (r.viewers ? `; viewers ${r.viewers.connected}/${r.viewers.expected}, worst recv/sent ${r.viewers.worstByteRatio.toFixed(4)}, p99 ${r.viewers.worstP99Ms.toFixed(1)} ms` : '') +
            (r.recording ? `; recording ${r.recording.fragments} fragments, ${(r.recording.fileBytes / 1e6).toFixed(1)} MB, ffprobe ${r.recording.durationS?.toFixed(1) ?? '-'} s` : '') +
            (problems.length ? `  CHECK: ${problems.join('; ')}` : ''),
        );
      }
    }
  }

  const ok = (c: ConfigId): RunResult[] => runs.filter((r) => r.config === c && r.status === 'ok');
  const medians: Partial<Record<ConfigId, number>> = {};
  for (const c of o.configs) medians[c] = median(ok(c).map((r) => r.cpuMsPerSecond!));
  const fromMedians = costs(medians, o);
  // Within each round: the same figures from runs close in time.
  const perRound: Costs[] = [];
  for (let round = 1; round <= o.repeat; round++) {
    const cpu: Partial<Record<ConfigId, number>> = {};
    for (const r of runs) if (r.round === round && r.status === 'ok') cpu[r.config] = r.cpuMsPerSecond!;
    perRound.push(costs(cpu, o));
  }
  const pairedMedian = (key: keyof Costs): number => median(perRound.map((c) => c[key]).filter(Number.isFinite));
  const other = runs.filter((r) => r.otherCores !== undefined).map((r) => r.otherCores!);
  const failedChecks = runs.filter((r) => r.status !== 'ok' || checksOf(r).length > 0).map((r) => `${r.config} round ${r.round}: ${r.reason ?? checksOf(r).join('; ')}`);

  const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');
  const verdict = (ratio: number, target: number): string => (!Number.isFinite(ratio) ? 'not measured' : ratio <= target ? 'met' : 'not met');
  console.log('');
  console.log(`Engine CPU, CPU-ms per second of stream (median of ${o.repeat}; all runs):`);
  console.log('| configuration | CPU-ms/s | runs |');
  console.log('| --- | --- | --- |');
  for (const c of o.configs) console.log(`| ${describe(c, o)} | ${fmt(medians[c] ?? NaN)} | ${ok(c).map((r) => fmt(r.cpuMsPerSecond!)).join(', ')} |`);
  console.log('');
  console.log('Cost of each sink (from the medians; within-round median in brackets):');
  console.log('| sink | CPU-ms/s | ratio to one RTMP destination | target | verdict |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| one RTMP destination | ${fmt(fromMedians.destination)} [${fmt(pairedMedian('destination'))}] | 1 | - | - |`);
  console.log(`| one recording | ${fmt(fromMedians.recording)} [${fmt(pairedMedian('recording'))}] | ${fmt(fromMedians.recordingRatio)}× [${fmt(pairedMedian('recordingRatio'))}×] | ≤ 2× | ${verdict(fromMedians.recordingRatio, 2)} |`);
  console.log(`| one preview viewer | ${fmt(fromMedians.viewer)} [${fmt(pairedMedian('viewer'))}] | ${fmt(fromMedians.viewerRatio)}× [${fmt(pairedMedian('viewerRatio'))}×] | ≤ 1× | ${verdict(fromMedians.viewerRatio, 1)} |`);
  console.log('');
  console.log(
    `other programs used ${fmt(Math.min(...other))}–${fmt(Math.max(...other))} cores during the windows (median ${fmt(median(other))}) of this ${cpus().length}-core machine` +
      (median(other) > 0.25 ? ': the machine was shared, so small differences are noisy' : ''),
  );
  if (failedChecks.length > 0) console.log(`checks that failed: ${failedChecks.join(' | ')}`);

  const output = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    options: o,
    runtime: { engineProcess: runnables.engine.runtime },
    input: { file: recording.file.slice(recording.file.indexOf('bench/')), resolution: recording.resolution, bitrateMbps: recording.bitrateMbps },
    mediansCpuMsPerSecond: medians,
    costs: fromMedians,
    perRound,
    pairedMedians: { destination: pairedMedian('destination'), recording: pairedMedian('recording'), viewer: pairedMedian('viewer'), recordingRatio: pairedMedian('recordingRatio'), viewerRatio: pairedMedian('viewerRatio') },
    targets: { recording: { atMost: 2, verdict: verdict(fromMedians.recordingRatio, 2) }, viewer: { atMost: 1, verdict: verdict(fromMedians.viewerRatio, 1) } },
    otherCores: { min: Math.min(...other), median: median(other), max: Math.max(...other) },
    failedChecks,
    runs,
    elapsedSeconds: (Date.now() - started) / 1000,
  };
  writeFileSync(RESULTS_FILE, JSON.stringify(output, null, 2) + '\n');
  console.log(`wrote ${RESULTS_FILE} (${output.elapsedSeconds.toFixed(0)} s)`);
  if (failedChecks.length > 0) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => killAll());

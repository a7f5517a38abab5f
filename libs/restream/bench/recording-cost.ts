/**
 * A quick measure, not the benchmark: CPU per second of stream of one recording against one
 * RTMP destination, in one process. A ~6 Mb/s H.264 + AAC FLV (made once by ffmpeg) is pushed
 * in real time through the engine (a fake ingest: no ingest socket) with, in turn, no sink, one
 * RTMP destination (a real socket to an RtmpServer in a child process), one RecordingSink (a
 * real file), both, and a null sink that only makes the engine keep payloads (`payloads`: the
 * share of a recording's cost that is the engine's copy of each frame); process.cpuUsage() (every thread, so the fs thread pool too) over the
 * run, divided by the stream's duration, after one uncounted pass of each. A sink's cost is its
 * run minus the no-sink run.
 *
 *   node --conditions=@fanout/source --import tsx libs/restream/bench/recording-cost.ts [--seconds=10] [--repeat=3] [--modes=none,rtmp,recording,both] [--loops=1]
 *
 * --loops=N (N > 1) pushes the file N times over, unpaced (100 ms of stream, then the I/O runs):
 * steadier figures on a busy machine, since timers and idle wake-ups no longer weigh in.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtmpServer, readFlv } from '@fanout/rtmp';
import { RecordingSink, StreamRestreamer, openRecordingFile } from '../src';
import { FakeIngest } from '../test/support/fakes';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

async function sinkServer(): Promise<void> {
  const server = new RtmpServer();
  server.on('session', (session) => session.on('publish', (request) => request.accept()));
  const { port } = await server.listen(0);
  process.stdout.write(`${port}\n`);
  setTimeout(() => process.exit(0), 10 * 60_000).unref();
}

function source(seconds: number): string {
  const file = join(tmpdir(), 'fanout-restream-fixtures', `h264-aac-720p-6M-${seconds}s-v1.flv`);
  if (!existsSync(file)) {
    execFileSync('ffmpeg', [
      '-nostdin', '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '6M', '-maxrate', '6M', '-bufsize', '12M', '-g', '60', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', `${file}.part`,
    ]);
    execFileSync('mv', [`${file}.part`, file]);
  }
  return file;
}

type Mode = 'none' | 'payloads' | 'rtmp' | 'recording' | 'both';

async function run(mode: Mode, file: string, sinkPort: number, dir: string, loops: number): Promise<number> {
  const { tags } = readFlv(readFileSync(file));
  const once = tags.filter((t) => t.kind !== 'script');
  // Unpaced runs loop the file (timestamps continued) for a longer stream.
  const span = once.at(-1)!.timestamp + 33;
  const media = Array.from({ length: loops }, (_, k) => (k === 0 ? once : once.filter((t) => t.data[1] === 1).map((t) => ({ ...t, timestamp: t.timestamp + k * span })))).flat();
  const rtmp = mode === 'rtmp' || mode === 'both';
  const engine = new StreamRestreamer({
    streamId: 'cost',
    destinations: rtmp ? [{ id: 'd', name: 'd', url: `rtmp://127.0.0.1:${sinkPort}/live`, streamKey: 'k', enabled: true }] : [],
    connectDelayMs: 100,
    queue: { maxBytes: 256 * 1024 * 1024, maxDurationMs: 3_600_000 },
  });
  if (mode === 'recording' || mode === 'both') {
    const path = join(dir, `${mode}-${Date.now()}.mp4`);
    engine.attachSink((ctx) => new RecordingSink({ id: 'rec', name: 'rec', open: () => openRecordingFile(path), queue: { maxBytes: 256 * 1024 * 1024, maxDurationMs: 3_600_000 } }, ctx));
  }
  if (mode === 'payloads') {
    // A sink that reads nothing but makes the engine keep every payload: that share of a recording's cost.
    engine.attachSink(() => ({ id: 'null', kind: 'null', status: 'live' as const, wantsPayloads: true, push: () => undefined, ingestStarted: () => undefined, ingestEnded: () => undefined, stats: () => ({ id: 'null', kind: 'null', name: 'null', state: 'live' as const, bitrateKbps: 0, bytesSent: 0, queueBytes: 0, droppedFrames: 0, droppedAudioFrames: 0, lastError: null, warnings: [] }), close: async () => undefined, settled: async () => undefined }));
  }
  const ingest = new FakeIngest();
  engine.attachPublisher(ingest.asSource());
  ingest.metadata({ width: 1280, height: 720, videocodecid: 7, audiocodecid: 10 });
  const headers = media.findIndex((t) => t.data[1] === 1);
  for (const t of media.slice(0, headers)) (t.kind === 'video' ? ingest.video : ingest.audio).call(ingest, t.timestamp, t.data);
  for (let i = 0; i < 200 && !(engine.stats.destinations.every((d) => d.state === 'live') && engine.stats.sinks.every((s) => s.state === 'live')); i++) await new Promise((r) => setTimeout(r, 10));
  const start = performance.now();
  const cpu = process.cpuUsage();
  let next = headers;
  const first = media[headers]!.timestamp;
  while (next < media.length) {
    // Paced: what is due by now, every 5 ms. Unpaced: 100 ms of stream at a time, then the I/O runs.
    const due = loops === 1 ? performance.now() - start + first : media[next]!.timestamp + 100;
    for (; next < media.length && media[next]!.timestamp <= due; next++) {
      const t = media[next]!;
      if (t.kind === 'video') ingest.video(t.timestamp, t.data);
      else ingest.audio(t.timestamp, t.data);
    }
    await new Promise((r) => (loops === 1 ? setTimeout(r, 5) : setImmediate(r)));
  }
  await engine.endNow('done');
  const used = process.cpuUsage(cpu);
  const streamSeconds = (media.at(-1)!.timestamp - first) / 1000;
  await engine.close();
  if (process.env["COST_SPLIT"]) console.log(mode, "user", (used.user / 1000 / streamSeconds).toFixed(2), "sys", (used.system / 1000 / streamSeconds).toFixed(2));
  return (used.user + used.system) / 1000 / streamSeconds;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'sink') return sinkServer();
  const seconds = arg('seconds', 10);
  const repeat = arg('repeat', 3);
  const loops = arg('loops', 1);
  const file = source(seconds);
  const child = spawn(process.execPath, [...process.execArgv, __filename, 'sink'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const dir = mkdtempSync(join(tmpdir(), 'fanout-recording-cost-'));
  try {
    const modes = (process.argv.find((a) => a.startsWith('--modes='))?.split('=')[1]?.split(',') ?? ['none', 'payloads', 'rtmp', 'recording', 'both']) as Mode[];
    const results: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
    // A first pass of each mode, not counted: modules load and compile, the JIT warms up.
    for (const mode of modes) await run(mode, file, port, dir, loops);
    for (let r = 0; r < repeat; r++) for (const mode of modes) results[mode]!.push(await run(mode, file, port, dir, loops));
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const base = results['none'] ? median(results['none']) : 0;
    console.log(`stream: ${file} (${(readFileSync(file).length * 8) / seconds / 1e6} Mb/s), ${repeat} runs each, CPU-ms per second of stream (median; all runs)`);
    for (const [mode, v] of Object.entries(results)) {
      const m = median(v);
      console.log(`${mode.padEnd(10)} ${m.toFixed(1).padStart(7)}  sink alone ${(m - base).toFixed(1).padStart(7)}   [${v.map((x) => x.toFixed(1)).join(', ')}]`);
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { type FlvTag, readFlv } from '@fanout/rtmp';
import { sleep } from './harness';
import { NGINX_RTMP_MODULE } from './tools';

/** A child process a test started: its stderr tail, its exit, and a kill that waits for the exit. */
export interface Child {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
  /** SIGKILL (or `signal`), then waits for the exit (bounded). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Child>();

export function start(name: string, command: string, args: string[]): Child {
  let stderr = '';
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8_000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const handle: Child = {
    name,
    child,
    exited,
    stderr: () => stderr,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await Promise.race([exited, sleep(5_000)]);
      running.delete(handle);
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Kills every child still running (a test's teardown, whatever failed). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.kill()));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1_000 && Date.now() < deadline; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** nginx-rtmp with `record all` and unique names: each publish it takes becomes its own FLV file in `dir`. */
export async function startNginxRecorder(dir: string): Promise<{ url: string; process: Child; recordings(): string[]; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      `load_module ${NGINX_RTMP_MODULE};`,
      'daemon off;',
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'events { worker_connections 64; }',
      'rtmp {',
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    application live { live on; record all; record_unique on; record_path ' + dir + '; }',
      '  }',
      '}',
    ].join('\n'),
  );
  const process = start('nginx', 'nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
  await waitForPort(port, 10_000);
  return {
    url: `rtmp://127.0.0.1:${port}/live`,
    process,
    recordings: () => readdirSync(dir).filter((f) => f.endsWith('.flv')).map((f) => join(dir, f)),
    stop: () => process.kill('SIGTERM'),
  };
}

export interface GstPublish {
  url: string;
  pattern: 'smpte' | 'ball' | 'snow';
  width: number;
  height: number;
  fps: number;
  /** Frames per GOP. */
  gop: number;
  /** Stop after this long (EOS: a clean unpublish); default: run until killed. */
  seconds?: number;
  /** A copy of what was published (flvmux output, teed). */
  source: string;
  /**
   * Raw video format, e.g. I420 (4:2:0 8-bit, what streaming encoders send). Unset, x264enc
   * negotiates what it likes best: Y444_10LE, which makes High 4:4:4 Predictive 10-bit.
   */
  format?: string;
}

/** GStreamer: videotestsrc → x264enc, audiotestsrc → voaacenc, flvmux → rtmp2sink, teed to `source`. */
export function gstPublish(o: GstPublish): Child {
  const frames = o.seconds === undefined ? [] : [`num-buffers=${Math.round(o.seconds * o.fps)}`];
  const audio = o.seconds === undefined ? [] : [`num-buffers=${Math.ceil((o.seconds * 48_000) / 1024)}`];
  return start(`gst ${o.pattern}`, 'gst-launch-1.0', [
    '-q', '-e',
    'videotestsrc', 'is-live=true', `pattern=${o.pattern}`, ...frames,
    '!', `video/x-raw,${o.format === undefined ? '' : `format=${o.format},`}width=${o.width},height=${o.height},framerate=${o.fps}/1`,
    '!', 'x264enc', `key-int-max=${o.gop}`, 'tune=zerolatency', 'speed-preset=ultrafast', 'bitrate=1500', `option-string=scenecut=0:min-keyint=${o.gop}`,
    '!', 'h264parse', '!', 'queue', '!', 'mux.',
    'audiotestsrc', 'is-live=true', 'samplesperbuffer=1024', ...audio,
    '!', 'audio/x-raw,rate=48000,channels=2',
    '!', 'audioconvert', '!', 'voaacenc', 'bitrate=96000', '!', 'aacparse', '!', 'queue', '!', 'mux.',
    'flvmux', 'name=mux', 'streamable=true',
    '!', 'tee', 'name=t',
    't.', '!', 'queue', '!', 'rtmp2sink', `location=${o.url}`,
    't.', '!', 'queue', '!', 'filesink', 'buffer-mode=unbuffered', `location=${o.source}`,
  ]);
}

/** The MD5 of every decoded video frame of a file, in decode order (ffmpeg framemd5, every frame kept). */
export function frameHashes(file: string): string[] {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-fps_mode', 'passthrough', '-f', 'framemd5', '-'], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0 && result.stdout.length === 0) throw new Error(`framemd5 ${file}: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)!.trim());
}

/** Width and height of every decoded video frame. */
export function frameSizes(file: string): string[] {
  const result = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=width,height', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return result.stdout.split('\n').filter(Boolean).map((l) => l.replace(/,+$/, '').replace(',', 'x'));
}

/** Video frame timestamps of a file as ffprobe reads it (tolerates a file cut mid-tag). */
export function frameTimestamps(file: string): number[] {
  const result = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=dts', '-of', 'csv=p=0', file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return result.stdout.split('\n').filter((l) => /^\d/.test(l)).map((l) => Number(l.replace(/,.*/, '')));
}

export interface RecordedVideo {
  /** Every video tag in file order. */
  tags: { timestamp: number; sequenceHeader: boolean; keyframe: boolean }[];
  /** Coded frames only (what framemd5 lists, in the same order). */
  frames: { timestamp: number; keyframe: boolean; tagIndex: number }[];
}

export function recordedVideo(file: string): RecordedVideo {
  const tags = (readFlv(readFileSync(file)).tags as FlvTag[])
    .filter((t) => t.kind === 'video')
    .map((t) => ({ timestamp: t.timestamp, sequenceHeader: t.data.length > 1 && t.data[1] === 0, keyframe: (t.data[0] as number) >> 4 === 1 }));
  const frames = tags.flatMap((t, tagIndex) => (t.sequenceHeader ? [] : [{ timestamp: t.timestamp, keyframe: t.keyframe, tagIndex }]));
  return { tags, frames };
}

/** Runs of equal labels: ['P', 'P', 'S', 'B'] → [{ label: 'P', from: 0, to: 1 }, …]. */
export function runs(labels: string[]): { label: string; from: number; to: number }[] {
  const out: { label: string; from: number; to: number }[] = [];
  labels.forEach((label, i) => {
    const last = out.at(-1);
    if (last !== undefined && last.label === label) last.to = i;
    else out.push({ label, from: i, to: i });
  });
  return out;
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseVideoTag, readFlv } from '@fanout/rtmp';

export interface Probe {
  videoFrames: number;
  audioFrames: number;
  width?: number;
  height?: number;
  videoCodec?: string;
  audioCodec?: string;
}

/** ffprobe with -count_frames: decodes the whole file, so a damaged one shows. */
export function probe(path: string): Probe {
  const result = spawnSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,nb_read_frames,width,height', '-of', 'json', path],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`ffprobe ${path} failed: ${result.stderr}`);
  const streams = (JSON.parse(result.stdout) as { streams: { codec_type: string; codec_name: string; nb_read_frames: string; width?: number; height?: number }[] }).streams;
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    videoFrames: Number(video?.nb_read_frames ?? 0),
    audioFrames: Number(audio?.nb_read_frames ?? 0),
    width: video?.width,
    height: video?.height,
    videoCodec: video?.codec_name,
    audioCodec: audio?.codec_name,
  };
}

/** The first coded video frame of an FLV file (after its sequence header) is a keyframe. */
export function startsOnKeyframe(path: string): boolean {
  for (const tag of readFlv(readFileSync(path)).tags) {
    if (tag.kind !== 'video') continue;
    const info = parseVideoTag(tag.data);
    if (info.isSequenceHeader) continue;
    return info.isKeyframe;
  }
  return false;
}

/** Video tag timestamps of an FLV file never go backwards. */
export function videoTimestampsMonotonic(path: string): boolean {
  let last = -Infinity;
  for (const tag of readFlv(readFileSync(path)).tags) {
    if (tag.kind !== 'video') continue;
    if (tag.timestamp < last) return false;
    last = tag.timestamp;
  }
  return true;
}

/** Spawn a process, keeping its stderr for failure messages, with an exit promise. */
export function run(command: string, args: string[]): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  let stderr = '';
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Resolve when `promise` settles or reject after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

import { spawnSync } from 'node:child_process';
import * as MP4Box from 'mp4box';

/** Runs a tool to completion with bounded time and output; never throws. */
export function run(command: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

export interface ProbedStream {
  codec_type: 'video' | 'audio';
  codec_name: string;
  nb_read_frames: string;
  width?: number;
  height?: number;
}

/** `ffprobe -count_frames` of every stream, and the container duration (s). */
export function probe(file: string): { streams: ProbedStream[]; duration: number } {
  const result = run('ffprobe', ['-v', 'error', '-count_frames', '-of', 'json', '-show_entries', 'stream=codec_type,codec_name,nb_read_frames,width,height:format=duration', file]);
  if (result.status !== 0) throw new Error(`ffprobe ${file} failed (${result.status}): ${result.stderr}`);
  const json = JSON.parse(result.stdout) as { streams: ProbedStream[]; format: { duration?: string } };
  return { streams: json.streams, duration: Number(json.format.duration) };
}

/** Decoded frames per stream type. */
export function frameCounts(file: string): { video: number; audio: number } {
  const { streams } = probe(file);
  const count = (type: string) => streams.filter((s) => s.codec_type === type).reduce((n, s) => n + Number(s.nb_read_frames), 0);
  return { video: count('video'), audio: count('audio') };
}

/** What `ffprobe -v error` prints for the file: nothing for a clean one. */
export function probeErrors(file: string): string {
  const result = run('ffprobe', ['-v', 'error', file]);
  return result.stderr.trim() + (result.status === 0 ? '' : ` (exit ${result.status})`);
}

/** Decodes everything, stopping at the first error: '' when clean. */
export function decodeErrors(file: string): string {
  const result = run('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  return result.stderr.trim() + (result.status === 0 ? '' : ` (exit ${result.status})`);
}

export interface ProbedPacket {
  codec_type: 'video' | 'audio';
  pts_time: string;
  dts_time: string;
  flags: string;
}

/** Every packet in demux order. */
export function packets(file: string): ProbedPacket[] {
  const result = run('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time,dts_time,flags', '-of', 'json', file]);
  if (result.status !== 0) throw new Error(`ffprobe ${file} failed (${result.status}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { packets: ProbedPacket[] }).packets;
}

/** What the A/V sync and start checks need: earliest PTS per track, whether video starts on a keyframe, and the span (s). */
export function timing(file: string): { video: number; audio: number; firstVideoKey: boolean; span: number } {
  const all = packets(file);
  const of = (type: string) => all.filter((p) => p.codec_type === type);
  const min = (list: ProbedPacket[]) => Math.min(...list.map((p) => Number(p.pts_time)));
  const max = (list: ProbedPacket[]) => Math.max(...list.map((p) => Number(p.pts_time)));
  const video = of('video');
  return { video: min(video), audio: min(of('audio')), firstVideoKey: video[0]?.flags.includes('K') ?? false, span: Math.max(max(video), max(of('audio'))) - Math.min(min(video), min(of('audio'))) };
}

/**
 * GPAC's parser in its JavaScript port (npm `mp4box`, as libs/mp4's tests use it): what it logs
 * at warning and error level while parsing the whole file and extracting every sample, the
 * samples it extracted per codec, its top-level boxes and duration (ms).
 */
export function mp4boxCheck(file: Buffer): { problems: string[]; samples: Record<string, number>; fragmented: boolean; topLevel: string[]; durationMs: number } {
  interface Info {
    isFragmented: boolean;
    duration: number;
    timescale: number;
    tracks: { id: number; codec: string }[];
  }
  const lib = MP4Box as unknown as {
    Log: { warn: (m: string, s: string) => void; error: (m: string, s: string) => void };
    createFile(keep: boolean): {
      onError: (m: string, s: string) => void;
      onReady: (info: Info) => void;
      onSamples: (id: number, user: unknown, samples: unknown[]) => void;
      setExtractionOptions(id: number, user: unknown, options: { nbSamples: number }): void;
      start(): void;
      appendBuffer(b: ArrayBuffer): number;
      flush(): void;
      boxes: { type: string }[];
    };
  };
  const problems: string[] = [];
  const samples: Record<string, number> = {};
  const codecs = new Map<number, string>();
  let info: Info | undefined;
  const saved = { warn: lib.Log.warn, error: lib.Log.error };
  lib.Log.warn = (m, s) => problems.push(`warning ${m}: ${s}`);
  lib.Log.error = (m, s) => problems.push(`error ${m}: ${s}`);
  let topLevel: string[] = [];
  try {
    const iso = lib.createFile(true);
    iso.onError = (m, s) => problems.push(`onError ${m}: ${s}`);
    iso.onReady = (ready) => {
      info = ready;
      for (const t of ready.tracks) {
        codecs.set(t.id, t.codec.split('.')[0]!);
        iso.setExtractionOptions(t.id, null, { nbSamples: 1_000_000 });
      }
      iso.start();
    };
    iso.onSamples = (id, _user, list) => {
      const codec = codecs.get(id) ?? String(id);
      samples[codec] = (samples[codec] ?? 0) + list.length;
    };
    const copy = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer & { fileStart: number };
    copy.fileStart = 0;
    iso.appendBuffer(copy);
    iso.flush();
    topLevel = iso.boxes.map((b) => b.type);
  } finally {
    lib.Log.warn = saved.warn;
    lib.Log.error = saved.error;
  }
  const durationMs = info === undefined ? 0 : Math.round((info.duration * 1000) / info.timescale);
  return { problems, samples, fragmented: info?.isFragmented ?? false, topLevel, durationMs };
}

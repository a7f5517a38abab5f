import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseVideoTag, readFlv } from '@fanout/rtmp';

/** One packet as `ffmpeg -f framemd5 -c copy` sees it: its payload hash, size and decode time. */
export interface FramePacket {
  dts: number;
  pts: number;
  size: number;
  hash: string;
}

export interface FrameHashes {
  /** Hash of the codec configuration (the sequence header), per media type. */
  extradata: { video?: string; audio?: string };
  video: FramePacket[];
  audio: FramePacket[];
}

/**
 * Every packet of a media file with its MD5, without decoding (`-c copy`): two files whose lists
 * are equal carry byte-identical payloads in the same order.
 */
export function frameHashes(path: string): FrameHashes {
  const result = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-map', '0', '-c', 'copy', '-f', 'framemd5', '-'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`framemd5 of ${path} failed: ${result.stderr}`);
  const types = new Map<string, 'video' | 'audio'>();
  const extradata: Record<string, string> = {};
  const out: FrameHashes = { extradata: {}, video: [], audio: [] };
  for (const line of result.stdout.split('\n')) {
    let m = /^#media_type (\d+): (video|audio)/.exec(line);
    if (m) {
      types.set(m[1]!, m[2] as 'video' | 'audio');
      continue;
    }
    m = /^#extradata (\d+):\s*\d+,\s*([0-9a-f]+)/.exec(line);
    if (m) {
      extradata[m[1]!] = m[2]!;
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const [stream, dts, pts, , size, hash] = line.split(',').map((f) => f.trim());
    const type = types.get(stream!);
    if (!type) continue;
    out[type].push({ dts: Number(dts), pts: Number(pts), size: Number(size), hash: hash! });
  }
  for (const [index, type] of types) if (extradata[index]) out.extradata[type] = extradata[index];
  return out;
}

/** Payload hashes and sizes only, and decode times relative to the first of each track. */
export function comparable(h: FrameHashes) {
  const rel = (packets: FramePacket[]) => packets.map((p) => ({ size: p.size, hash: p.hash, dts: p.dts - (packets[0]?.dts ?? 0) }));
  return { extradata: h.extradata, video: rel(h.video), audio: rel(h.audio) };
}

/** Facts of the source as ffprobe reports them, in the engine's terms. */
export interface SourceFacts {
  videoCodec: string;
  width: number;
  height: number;
  fps: number;
  keyframeIntervalS: number;
  audioCodec: string;
  sampleRate: number;
  channels: number;
}

export function sourceFacts(path: string): SourceFacts {
  const streams = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,avg_frame_rate,sample_rate,channels', '-of', 'json', path], { encoding: 'utf8' });
  const parsed = JSON.parse(streams.stdout) as { streams: Record<string, string | number>[] };
  const video = parsed.streams.find((s) => s.codec_type === 'video')!;
  const audio = parsed.streams.find((s) => s.codec_type === 'audio')!;
  const [num, den] = String(video.avg_frame_rate).split('/').map(Number);
  const fps = num! / den!;
  // Keyframe interval: the median GOP, in frames, over the frame rate (what the encoder was told,
  // e.g. "a keyframe every 30 frames"; keyframe timestamps themselves jitter with some encoders).
  const keyFrames: number[] = [];
  let frame = 0;
  for (const tag of readFlv(readFileSync(path)).tags) {
    if (tag.kind !== 'video') continue;
    const info = parseVideoTag(tag.data);
    if (info.isSequenceHeader) continue;
    if (info.isKeyframe) keyFrames.push(frame);
    frame += 1;
  }
  const gops = keyFrames.slice(1).map((f, i) => f - keyFrames[i]!).sort((a, b) => a - b);
  return {
    videoCodec: String(video.codec_name),
    width: Number(video.width),
    height: Number(video.height),
    fps: Math.round(fps * 100) / 100,
    keyframeIntervalS: Math.round(((gops[gops.length >> 1] ?? 0) / fps) * 1000) / 1000,
    audioCodec: String(audio.codec_name),
    sampleRate: Number(audio.sample_rate),
    channels: Number(audio.channels),
  };
}

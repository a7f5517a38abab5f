/**
 * The recorded input: H.264 + AAC 720p30 (or 1080p30) at a chosen video bitrate (3 Mb/s makes the
 * issue's ~3.2 Mb/s stream, 6 Mb/s the earlier ~6.3 Mb/s one), generated once with ffmpeg into
 * bench/.data/ (ignored by git), and read into the tags the ingest publishes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { AmfObject, decodeAmf0Sequence, isAmfObject, readFlv } from '@fanout/rtmp';

export type Resolution = '720p' | '1080p';

const SIZES: Record<Resolution, string> = { '720p': '1280x720', '1080p': '1920x1080' };
export const RECORDING_SECONDS = 30;

export interface MediaTag {
  kind: 'audio' | 'video';
  /** RTMP message type: 8 audio, 9 video. */
  type: number;
  timestamp: number;
  data: Buffer;
}

export interface Recording {
  file: string;
  resolution: Resolution;
  metadata: AmfObject | undefined;
  tags: MediaTag[];
  durationMs: number;
  payloadBytes: number;
  bitrateMbps: number;
}

/** Video bitrates the bench can generate, Mb/s. */
export const VIDEO_MBPS = [3, 6] as const;
export type VideoMbps = (typeof VIDEO_MBPS)[number];

export function ensureRecording(dataDir: string, resolution: Resolution, videoMbps: VideoMbps): string {
  const file = join(dataDir, `fanout-${resolution}30-${videoMbps}mbps-${RECORDING_SECONDS}s.flv`);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  const partial = `${file}.partial.flv`;
  console.log(`generating a ${RECORDING_SECONDS} s ${resolution}30 ${videoMbps} Mb/s H.264 + AAC recording with ffmpeg (once) ...`);
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=${SIZES[resolution]}:rate=30`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${videoMbps}M`, '-maxrate', `${videoMbps}M`, '-bufsize', `${2 * videoMbps}M`, '-g', '60',
      '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-ar', '48000',
      '-t', String(RECORDING_SECONDS), '-f', 'flv', partial,
    ],
    { stdio: 'inherit', timeout: 300_000 },
  );
  renameSync(partial, file);
  return file;
}

export function loadRecording(file: string, resolution: Resolution): Recording {
  const tags: MediaTag[] = [];
  let metadata: AmfObject | undefined;
  for (const tag of readFlv(readFileSync(file)).tags) {
    if (tag.kind === 'script' && !metadata) {
      const [name, value] = decodeAmf0Sequence(tag.data);
      if (name === 'onMetaData' && isAmfObject(value)) metadata = value;
    } else if (tag.kind === 'audio' || tag.kind === 'video') {
      tags.push({ kind: tag.kind, type: tag.type, timestamp: tag.timestamp, data: tag.data });
    }
  }
  if (tags.length === 0) throw new Error(`${file}: no media tags`);
  const durationMs = tags[tags.length - 1]!.timestamp - tags[0]!.timestamp;
  const payloadBytes = tags.reduce((n, t) => n + t.data.length, 0);
  return { file, resolution, metadata, tags, durationMs, payloadBytes, bitrateMbps: (payloadBytes * 8) / durationMs / 1000 };
}

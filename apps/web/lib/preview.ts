import type { StreamStatus } from '@fanout/contracts';
import { codecLabel } from './format';

/**
 * What the preview player (mpegts.js over Media Source Extensions) can decode: the engine's
 * codec names, each with an MSE type to ask the browser about. Others (VP9 and VVC in FLV,
 * FLAC, AC-3) the player itself cannot demux.
 */
const VIDEO_TYPES: Readonly<Record<string, string>> = {
  h264: 'video/mp4; codecs="avc1.42E01E"',
  hevc: 'video/mp4; codecs="hvc1.1.6.L93.B0"',
  av1: 'video/mp4; codecs="av01.0.05M.08"',
};
const AUDIO_TYPES: Readonly<Record<string, string>> = {
  aac: 'audio/mp4; codecs="mp4a.40.2"',
  mp3: 'audio/mpeg',
  opus: 'audio/mp4; codecs="opus"',
};

export type PreviewPlan =
  | { kind: 'idle' }
  | { kind: 'unsupported'; message: string }
  /** Play; `audio` false when there is none (or none the browser can decode: video still plays). */
  | { kind: 'play'; audio: boolean; note: string | null };

/** Whether and how to play the preview of this ingest in a browser whose MSE answers `isTypeSupported`. */
export function previewPlan(ingest: StreamStatus['ingest'] | null, isTypeSupported: ((type: string) => boolean) | null): PreviewPlan {
  if (!ingest || ingest.state !== 'live' || !ingest.video) return { kind: 'idle' };
  if (isTypeSupported === null) return { kind: 'unsupported', message: 'This browser cannot play live video (no Media Source Extensions). Your destinations are not affected.' };
  const label = codecLabel(ingest.video.codec);
  const videoType = VIDEO_TYPES[ingest.video.codec];
  if (videoType === undefined || !isTypeSupported(videoType)) {
    return { kind: 'unsupported', message: `This browser cannot decode ${label} video, so there is no preview here. Your destinations still get the stream as sent; try another browser to watch it.` };
  }
  const audioCodec = ingest.audioPresent ? ingest.audio?.codec : undefined;
  if (audioCodec === undefined) return { kind: 'play', audio: false, note: null };
  const audioType = AUDIO_TYPES[audioCodec];
  if (audioType === undefined || !isTypeSupported(audioType)) return { kind: 'play', audio: false, note: `Video only: this browser cannot decode ${codecLabel(audioCodec)} audio.` };
  return { kind: 'play', audio: true, note: null };
}

/** What the viewer is getting, from the player's own media info ("H.264 · 1280×720 · AAC"). */
export function describeReceived(info: { videoCodec?: string; audioCodec?: string; width?: number; height?: number } | null): string | null {
  if (!info?.videoCodec) return null;
  const video = info.videoCodec.startsWith('avc1') ? 'H.264' : info.videoCodec.startsWith('hvc1') || info.videoCodec.startsWith('hev1') ? 'HEVC' : info.videoCodec.startsWith('av01') ? 'AV1' : info.videoCodec;
  const size = info.width && info.height ? ` · ${info.width}×${info.height}` : '';
  const audio = info.audioCodec ? ` · ${info.audioCodec.startsWith('mp4a.40') ? 'AAC' : info.audioCodec === 'mp3' || info.audioCodec.startsWith('mp4a.69') || info.audioCodec.startsWith('mp4a.6B') ? 'MP3' : info.audioCodec === 'opus' ? 'Opus' : info.audioCodec}` : '';
  return `${video}${size}${audio}`;
}

/** Peak level of one analyser frame of 8-bit samples (128 = silence), 0..1. */
export function peakLevel(samples: Uint8Array): number {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s - 128));
  return Math.min(1, peak / 128);
}

/** A level 0..1 as dBFS for the meter's label; -∞ shown as "silent". */
export function levelLabel(level: number): string {
  if (level <= 0.001) return 'silent';
  return `${Math.round(20 * Math.log10(level))} dB`;
}

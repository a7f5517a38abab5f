import { createHash } from 'node:crypto';
import type { IngestFacts } from '../ingest';

/** Video codecs a slate can be rendered in (what our FLV path carries and ffmpeg encodes). */
export type SlateVideoCodec = 'h264' | 'hevc';
/** Audio codecs a slate can be rendered in. Opus would need Enhanced RTMP audio tags we do not write yet. */
export type SlateAudioCodec = 'aac';

/** What a slate must match so that the platforms see one continuous stream. */
export interface SlateParams {
  video: {
    codec: SlateVideoCodec;
    width: number;
    height: number;
    /** Frames per second, as a rational (30000/1001 for 29.97). */
    fps: { num: number; den: number };
    /** H.264/HEVC profile name as libs/rtmp reports it ('High', 'Main', …), when known. */
    profile?: string;
    /** Chroma subsampling and bit depth, as ffmpeg names them (default yuv420p, what every streaming encoder sends). */
    pixelFormat?: SlatePixelFormat;
  };
  /** Null: the ingest has no audio, nor will the slate. */
  audio: { codec: SlateAudioCodec; sampleRate: number; channels: number } | null;
}

export type SlatePixelFormat = 'yuv420p' | 'yuv422p' | 'yuv444p' | 'yuv420p10le' | 'yuv422p10le' | 'yuv444p10le';

/** The pixel format of a chroma_format_idc (1 4:2:0, 2 4:2:2, 3 4:4:4) and luma bit depth, or undefined when a slate cannot be encoded in it. */
export function pixelFormatOf(chromaFormatIdc: number, bitDepth: number): SlatePixelFormat | undefined {
  const chroma = chromaFormatIdc === 1 ? '420' : chromaFormatIdc === 2 ? '422' : chromaFormatIdc === 3 ? '444' : undefined;
  if (chroma === undefined || (bitDepth !== 8 && bitDepth !== 10)) return undefined;
  return `yuv${chroma}p${bitDepth === 10 ? '10le' : ''}` as SlatePixelFormat;
}

/** Why an ingest's parameters give no slate. */
export type SlateUnsupported = { unsupported: string };

const STANDARD_RATES: readonly { num: number; den: number }[] = [
  { num: 24000, den: 1001 },
  { num: 24, den: 1 },
  { num: 25, den: 1 },
  { num: 30000, den: 1001 },
  { num: 30, den: 1 },
  { num: 48, den: 1 },
  { num: 50, den: 1 },
  { num: 60000, den: 1001 },
  { num: 60, den: 1 },
];

/**
 * A frame rate as a rational: a standard rate when `fps` is within 0.3 % of it (29.97 → 30000/1001,
 * a measured 29.99 → 30), else the nearest whole number. Null for no rate or one outside 1…240.
 */
export function frameRateOf(fps: number | null | undefined): { num: number; den: number } | null {
  if (fps === null || fps === undefined || !Number.isFinite(fps) || fps < 1 || fps > 240) return null;
  let best: { num: number; den: number } | undefined;
  let bestError = Infinity;
  for (const rate of STANDARD_RATES) {
    const error = Math.abs(rate.num / rate.den - fps) / fps;
    if (error < bestError) {
      best = rate;
      bestError = error;
    }
  }
  if (best !== undefined && bestError <= 0.003) return best;
  return { num: Math.round(fps), den: 1 };
}

/**
 * The slate parameters of an ingest, from its facts and frame rate (declared, or measured), or
 * why there can be none: an unknown resolution or rate, a codec we cannot render. `audioSettled`:
 * the ingest has had time to show its audio (an ingest without audio yet is taken as video only
 * only then).
 */
export function slateParamsFrom(
  facts: IngestFacts,
  fps: number | null,
  profile?: string,
  audioSettled = true,
  pixelFormat: SlatePixelFormat | null = 'yuv420p',
): SlateParams | SlateUnsupported {
  const v = facts.video;
  if (v === null) return { unsupported: 'no video yet' };
  if (v.codec !== 'h264' && v.codec !== 'hevc') return { unsupported: `video codec ${v.codec}` };
  if (v.width === null || v.height === null || v.width < 16 || v.height < 16 || v.width > 8192 || v.height > 8192) return { unsupported: 'unknown resolution' };
  const rate = frameRateOf(fps);
  if (rate === null) return { unsupported: 'unknown frame rate' };
  if (pixelFormat === null) return { unsupported: 'pixel format (chroma subsampling or bit depth)' };
  const video: SlateParams['video'] = { codec: v.codec, width: v.width, height: v.height, fps: rate };
  if (profile !== undefined) video.profile = profile;
  if (pixelFormat !== 'yuv420p') video.pixelFormat = pixelFormat;
  const a = facts.audio;
  if (a === null) {
    if (facts.audioPresent || !audioSettled) return { unsupported: 'audio not known yet' };
    return { video, audio: null };
  }
  if (a.codec !== 'aac') return { unsupported: `audio codec ${a.codec}` };
  if (a.sampleRate === null || a.channels === null) return { unsupported: 'unknown audio sample rate or channels' };
  if (a.channels < 1 || a.channels > 8) return { unsupported: `audio channels ${a.channels}` };
  return { video, audio: { codec: 'aac', sampleRate: a.sampleRate, channels: a.channels } };
}

export function isSlateParams(value: SlateParams | SlateUnsupported): value is SlateParams {
  return !('unsupported' in value);
}

/** Frames per second as a number. */
export function fpsOf(params: SlateParams): number {
  return params.video.fps.num / params.video.fps.den;
}

/** A stable short key of parameters (and an image digest): equal keys render the same slate. */
export function slateKey(params: SlateParams, imageDigest = 'default'): string {
  const v = params.video;
  const a = params.audio;
  const text = [
    `${v.codec}`,
    `${v.width}x${v.height}`,
    `${v.fps.num}/${v.fps.den}`,
    v.profile ?? '-',
    v.pixelFormat ?? 'yuv420p',
    a === null ? 'noaudio' : `${a.codec}-${a.sampleRate}-${a.channels}`,
    imageDigest,
  ].join('|');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** `1920x1080@60 h264/aac 48000Hz 2ch`, for logs. */
export function describeSlateParams(params: SlateParams): string {
  const v = params.video;
  const rate = v.fps.den === 1 ? `${v.fps.num}` : (v.fps.num / v.fps.den).toFixed(2);
  const a = params.audio;
  return `${v.width}x${v.height}@${rate} ${v.codec}${v.profile ? ` ${v.profile}` : ''}${v.pixelFormat ? ` ${v.pixelFormat}` : ''}/${a === null ? 'no audio' : `${a.codec} ${a.sampleRate}Hz ${a.channels}ch`}`;
}

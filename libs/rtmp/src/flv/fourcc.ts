/**
 * FourCC codec identifiers of Enhanced RTMP (veovera, v1 + v2) and the codec
 * names this library reports for them.
 */

export type VideoCodec =
  | 'h264'
  | 'hevc'
  | 'av1'
  | 'vp9'
  | 'vp8'
  | 'vvc'
  | 'jpeg'
  | 'h263'
  | 'screen'
  | 'vp6'
  | 'vp6a'
  | 'screen2'
  | 'unknown';

export type AudioCodec =
  | 'aac'
  | 'mp3'
  | 'opus'
  | 'flac'
  | 'ac3'
  | 'eac3'
  | 'pcm'
  | 'adpcm'
  | 'pcm-le'
  | 'nellymoser'
  | 'g711a'
  | 'g711u'
  | 'speex'
  | 'device-specific'
  | 'unknown';

export const VIDEO_FOURCC = {
  avc1: 'h264',
  hvc1: 'hevc',
  av01: 'av1',
  vp09: 'vp9',
  vp08: 'vp8',
  vvc1: 'vvc',
} as const satisfies Record<string, VideoCodec>;

export const AUDIO_FOURCC = {
  mp4a: 'aac',
  '.mp3': 'mp3',
  Opus: 'opus',
  fLaC: 'flac',
  'ac-3': 'ac3',
  'ec-3': 'eac3',
} as const satisfies Record<string, AudioCodec>;

export type VideoFourCc = keyof typeof VIDEO_FOURCC;
export type AudioFourCc = keyof typeof AUDIO_FOURCC;

/** Legacy FLV VideoTagHeader CodecID → codec. 12 is the de-facto (non-Adobe) HEVC id used by SRS, Tencent and others. */
export const LEGACY_VIDEO_CODEC_IDS: Readonly<Record<number, VideoCodec>> = {
  1: 'jpeg',
  2: 'h263',
  3: 'screen',
  4: 'vp6',
  5: 'vp6a',
  6: 'screen2',
  7: 'h264',
  12: 'hevc',
};

/** Legacy FLV AudioTagHeader SoundFormat → codec (9 is the Enhanced RTMP ExHeader marker). */
export const LEGACY_SOUND_FORMATS: Readonly<Record<number, AudioCodec>> = {
  0: 'pcm',
  1: 'adpcm',
  2: 'mp3',
  3: 'pcm-le',
  4: 'nellymoser',
  5: 'nellymoser',
  6: 'nellymoser',
  7: 'g711a',
  8: 'g711u',
  10: 'aac',
  11: 'speex',
  14: 'mp3',
  15: 'device-specific',
};

/** Reads four bytes at `offset` as an ASCII FourCC string (caller checks bounds). */
export function readFourCc(buf: Uint8Array, offset: number): string {
  return String.fromCharCode(buf[offset] as number, buf[offset + 1] as number, buf[offset + 2] as number, buf[offset + 3] as number);
}

/** FourCC string → the big-endian UI32 that onMetaData carries (`'av01'` → 1635135537). */
export function fourCcToNumber(fourCc: string): number {
  let n = 0;
  for (let i = 0; i < 4; i++) n = n * 256 + (fourCc.charCodeAt(i) & 0xff);
  return n;
}

/** UI32 → FourCC string, or undefined when the number is not four bytes. */
export function numberToFourCc(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return undefined;
  return String.fromCharCode((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function videoCodecFromFourCc(fourCc: string): VideoCodec {
  return Object.hasOwn(VIDEO_FOURCC, fourCc) ? VIDEO_FOURCC[fourCc as VideoFourCc] : 'unknown';
}

export function audioCodecFromFourCc(fourCc: string): AudioCodec {
  return Object.hasOwn(AUDIO_FOURCC, fourCc) ? AUDIO_FOURCC[fourCc as AudioFourCc] : 'unknown';
}

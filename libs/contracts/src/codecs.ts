/**
 * How codecs are named to people, by the names the engine (libs/rtmp) gives them. The engine's
 * platform-rule warnings use the same labels (tied together by a test in apps/api).
 */
export const CODEC_LABELS: Readonly<Record<string, string>> = Object.freeze({
  h264: 'H.264',
  hevc: 'HEVC',
  av1: 'AV1',
  vp9: 'VP9',
  vp8: 'VP8',
  vvc: 'VVC',
  aac: 'AAC',
  opus: 'Opus',
  mp3: 'MP3',
  flac: 'FLAC',
  'ac-3': 'AC-3',
  'e-ac-3': 'E-AC-3',
});

export function codecLabel(codec: string): string {
  return CODEC_LABELS[codec] ?? codec.toUpperCase();
}

import { Mp4Error } from '../errors';

/** MPEG-1/2/2.5 Layer III frame headers, enough to count the samples in a sample's frames. */
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
const KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

export interface Mp3Frame {
  sampleRate: number;
  samples: number;
  /** Bytes of the frame, or undefined for free-format bit rate. */
  length: number | undefined;
  channels: number;
}

export function parseMp3Header(b: Uint8Array, at: number): Mp3Frame {
  const [b0, b1, b2, b3] = [b[at], b[at + 1], b[at + 2], b[at + 3]];
  if (b0 === undefined || b1 === undefined || b2 === undefined || b3 === undefined) throw new Mp4Error('INVALID_SAMPLE', 'MP3 frame header truncated');
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) throw new Mp4Error('INVALID_SAMPLE', 'MP3 frame without sync word');
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  if (version === 1 || layer !== 1) throw new Mp4Error('UNSUPPORTED_CODEC', 'MPEG audio other than Layer III');
  const rateIndex = (b2 >> 2) & 3;
  const bitrateIndex = b2 >> 4;
  const sampleRate = RATES[version]?.[rateIndex];
  const kbps = (version === 3 ? KBPS_V1 : KBPS_V2)[bitrateIndex];
  if (sampleRate === undefined || kbps === undefined) throw new Mp4Error('INVALID_SAMPLE', 'MP3 frame header with a reserved rate');
  const samples = version === 3 ? 1152 : 576;
  const padding = (b2 >> 1) & 1;
  const length = kbps === 0 ? undefined : Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  return { sampleRate, samples, length, channels: b3 >> 6 === 3 ? 1 : 2 };
}

/** Samples in an MP3 sample of one or more whole frames. */
export function mp3SampleSamples(data: Uint8Array, sampleRate: number): number {
  let at = 0;
  let total = 0;
  for (let frames = 0; at < data.length; frames++) {
    if (frames >= 64) throw new Mp4Error('INVALID_SAMPLE', 'more than 64 MP3 frames in one sample');
    const frame = parseMp3Header(data, at);
    if (frame.sampleRate !== sampleRate) throw new Mp4Error('INVALID_SAMPLE', `MP3 frame at ${frame.sampleRate} Hz in a ${sampleRate} Hz track`);
    total += frame.samples;
    if (frame.length === undefined) break;
    at += frame.length;
  }
  return total;
}

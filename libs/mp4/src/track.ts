import { encodeDops } from './boxes/dops';
import { encodeEsds } from './boxes/esds';
import { encodeSampleEntry } from './boxes/sample-entry';
import { parseAacConfig } from './codec/aac';
import { av1Sample, parseAv1C } from './codec/av1';
import { mp3SampleSamples } from './codec/mp3';
import { checkLengthPrefixed, parseAvcC, parseHvcC } from './codec/nal';
import { OPUS_SAMPLE_RATE, opusPacketSamples, parseOpusHead } from './codec/opus';
import { Mp4Error } from './errors';
import type { Mp4Limits } from './limits';

/** A video track: the codec configuration record exactly as the FLV sequence header carries it. */
export interface VideoTrackConfig {
  /** `avc` (avc1 + avcC), `hevc` (hvc1 + hvcC), `av1` (av01 + av1C). */
  codec: 'avc' | 'hevc' | 'av1';
  /** AVCDecoderConfigurationRecord, HEVCDecoderConfigurationRecord or AV1CodecConfigurationRecord. */
  config: Uint8Array;
  width: number;
  height: number;
  /** Track id in the file; defaults to the track's position, from 1. */
  id?: number;
}

export type AudioTrackConfig =
  /** AAC: mp4a + esds around the AudioSpecificConfig. Rate and channels, when given, must match it. */
  | { codec: 'aac'; config: Uint8Array; sampleRate?: number; channels?: number; id?: number }
  /** Opus: Opus + dOps built from the OpusHead identification header. */
  | { codec: 'opus'; config: Uint8Array; id?: number }
  /** MP3 (MPEG-1/2/2.5 Layer III): mp4a + esds without decoder specific info. */
  | { codec: 'mp3'; sampleRate: number; channels: number; id?: number };

export type TrackConfig = VideoTrackConfig | AudioTrackConfig;

/** What the muxer knows of a track once its configuration has been checked. */
export interface TrackSpec {
  id: number;
  kind: 'video' | 'audio';
  codec: TrackConfig['codec'];
  timescale: number;
  sampleEntry: Buffer;
  width: number;
  height: number;
  /** The sample as stored (AV1 drops delimiters), after checking it; throws INVALID_SAMPLE. */
  prepare(data: Uint8Array): Uint8Array;
  /** Audio: the stored sample's duration in timescale units, from the codec. */
  audioDuration(data: Uint8Array): number;
}

export const VIDEO_TIMESCALE = 90000;

function checkConfigBytes(config: Uint8Array, limits: Mp4Limits, what: string): void {
  if (!(config instanceof Uint8Array) || config.length === 0) throw new Mp4Error('INVALID_CONFIG', `${what}: empty configuration record`);
  if (config.length > limits.maxConfigBytes) throw new Mp4Error('INVALID_CONFIG', `${what}: configuration record of ${config.length} bytes exceeds ${limits.maxConfigBytes}`);
}

function checkDimension(n: number, what: string, limits: Mp4Limits): void {
  if (!Number.isInteger(n) || n < 1 || n > limits.maxDimension) throw new Mp4Error('INVALID_CONFIG', `${what} must be an integer in 1..${limits.maxDimension}, got ${n}`);
}

const noAudioDuration = (): number => {
  throw new Mp4Error('INVALID_TRACK', 'not an audio track');
};

export function resolveTrack(config: TrackConfig, id: number, limits: Mp4Limits): TrackSpec {
  switch (config.codec) {
    case 'avc':
    case 'hevc':
    case 'av1':
      return videoTrack(config, id, limits);
    case 'aac':
    case 'opus':
    case 'mp3':
      return audioTrack(config, id, limits);
    default:
      throw new Mp4Error('UNSUPPORTED_CODEC', `codec ${String((config as { codec: unknown }).codec)}`);
  }
}

function videoTrack(config: VideoTrackConfig, id: number, limits: Mp4Limits): TrackSpec {
  checkConfigBytes(config.config, limits, config.codec);
  checkDimension(config.width, 'width', limits);
  checkDimension(config.height, 'height', limits);
  const record = Buffer.from(config.config);
  let entryType: string;
  let boxType: string;
  let prepare: (data: Uint8Array) => Uint8Array;
  if (config.codec === 'avc' || config.codec === 'hevc') {
    const { lengthSize } = config.codec === 'avc' ? parseAvcC(record) : parseHvcC(record);
    [entryType, boxType] = config.codec === 'avc' ? ['avc1', 'avcC'] : ['hvc1', 'hvcC'];
    prepare = (data) => {
      checkLengthPrefixed(data, lengthSize);
      return data;
    };
  } else {
    parseAv1C(record);
    [entryType, boxType] = ['av01', 'av1C'];
    prepare = av1Sample;
  }
  const sampleEntry = encodeSampleEntry({ kind: 'visual', type: entryType, width: config.width, height: config.height, children: [{ type: boxType, payload: record }] });
  return { id, kind: 'video', codec: config.codec, timescale: VIDEO_TIMESCALE, sampleEntry, width: config.width, height: config.height, prepare, audioDuration: noAudioDuration };
}

function audioTrack(config: AudioTrackConfig, id: number, limits: Mp4Limits): TrackSpec {
  const base = { id, kind: 'audio' as const, codec: config.codec, width: 0, height: 0, prepare: (data: Uint8Array) => data };
  if (config.codec === 'aac') {
    checkConfigBytes(config.config, limits, 'aac');
    const asc = parseAacConfig(config.config);
    if (config.sampleRate !== undefined && config.sampleRate !== asc.sampleRate && config.sampleRate !== asc.outputSampleRate) {
      throw new Mp4Error('INVALID_CONFIG', `AAC sample rate ${config.sampleRate} disagrees with the AudioSpecificConfig (${asc.outputSampleRate})`);
    }
    if (config.channels !== undefined && asc.channels !== 0 && config.channels !== asc.channels) {
      throw new Mp4Error('INVALID_CONFIG', `AAC channels ${config.channels} disagree with the AudioSpecificConfig (${asc.channels})`);
    }
    const channels = asc.channels || config.channels;
    if (channels === undefined || !Number.isInteger(channels) || channels < 1 || channels > 255) {
      throw new Mp4Error('INVALID_CONFIG', 'AAC channel count is neither in the AudioSpecificConfig nor given');
    }
    // The timescale is the output rate; a frame lasts frameLength core samples.
    const timescale = asc.outputSampleRate;
    const frame = Math.round((asc.frameLength * asc.outputSampleRate) / asc.sampleRate);
    const esds = encodeEsds({ esId: 0, objectTypeIndication: 0x40, streamType: 5, bufferSizeDB: 0, maxBitrate: 0, avgBitrate: 0, decoderSpecificInfo: Buffer.from(config.config) });
    const sampleEntry = encodeSampleEntry({ kind: 'audio', type: 'mp4a', channels, sampleRate: timescale, children: [{ type: 'esds', payload: esds.subarray(8) }] });
    return { ...base, timescale, sampleEntry, audioDuration: () => frame };
  }
  if (config.codec === 'opus') {
    checkConfigBytes(config.config, limits, 'opus');
    const head = parseOpusHead(config.config);
    const dops = encodeDops(head);
    const sampleEntry = encodeSampleEntry({ kind: 'audio', type: 'Opus', channels: head.channels, sampleRate: OPUS_SAMPLE_RATE, children: [{ type: 'dOps', payload: dops.subarray(8) }] });
    return { ...base, timescale: OPUS_SAMPLE_RATE, sampleEntry, audioDuration: opusPacketSamples };
  }
  const { sampleRate, channels } = config;
  if (![8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000].includes(sampleRate)) throw new Mp4Error('INVALID_CONFIG', `MP3 sample rate ${sampleRate}`);
  if (channels !== 1 && channels !== 2) throw new Mp4Error('INVALID_CONFIG', `MP3 channels ${channels}`);
  const esds = encodeEsds({ esId: 0, objectTypeIndication: sampleRate >= 32000 ? 0x6b : 0x69, streamType: 5, bufferSizeDB: 0, maxBitrate: 0, avgBitrate: 0 });
  const sampleEntry = encodeSampleEntry({ kind: 'audio', type: 'mp4a', channels, sampleRate, children: [{ type: 'esds', payload: esds.subarray(8) }] });
  return { ...base, timescale: sampleRate, sampleEntry, audioDuration: (data) => mp3SampleSamples(data, sampleRate) };
}

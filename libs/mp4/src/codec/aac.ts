import { Mp4Error } from '../errors';
import { BitReader } from './bit-reader';

/** What the muxer needs from an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). */
export interface AacConfig {
  objectType: number;
  /** The core sampling rate. */
  sampleRate: number;
  /** The output rate: the SBR extension rate when SBR is signalled explicitly, else the core rate. */
  outputSampleRate: number;
  /** 0 when the channel layout is given by a program config element. */
  channels: number;
  /** Core samples per frame: 1024, or 960 when frameLengthFlag is set. */
  frameLength: number;
}

const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const CHANNELS: Record<number, number> = { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 8, 11: 7, 12: 8, 13: 24 };
// Object types whose GASpecificConfig starts with frameLengthFlag.
const GA_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);

export function parseAacConfig(asc: Uint8Array): AacConfig {
  const r = new BitReader(asc, 'AudioSpecificConfig');
  const objectTypeOf = () => {
    const t = r.read(5);
    return t === 31 ? 32 + r.read(6) : t;
  };
  const rateOf = () => {
    const index = r.read(4);
    const rate = index === 15 ? r.read(24) : RATES[index];
    if (rate === undefined || rate === 0) throw new Mp4Error('INVALID_CONFIG', `AudioSpecificConfig: sampling frequency index ${index}`);
    return rate;
  };
  let objectType = objectTypeOf();
  if (objectType === 0) throw new Mp4Error('INVALID_CONFIG', 'AudioSpecificConfig: object type 0');
  const sampleRate = rateOf();
  const channelConfig = r.read(4);
  const channels = CHANNELS[channelConfig];
  if (channels === undefined) throw new Mp4Error('INVALID_CONFIG', `AudioSpecificConfig: channel configuration ${channelConfig}`);
  let outputSampleRate = sampleRate;
  if (objectType === 5 || objectType === 29) {
    outputSampleRate = rateOf();
    objectType = objectTypeOf();
  }
  if (!GA_TYPES.has(objectType)) throw new Mp4Error('UNSUPPORTED_CODEC', `AAC object type ${objectType}`);
  const frameLength = r.read(1) === 1 ? 960 : 1024;
  return { objectType, sampleRate, outputSampleRate, channels, frameLength };
}

import { BitReader } from './bit-reader';
import { MediaTagError } from './errors';

/** Facts from an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). */
export interface AacConfig {
  /** Audio object type: 2 = AAC-LC, 5 = SBR (HE-AAC), 29 = PS (HE-AAC v2), … */
  objectType: number;
  /** Core sampling rate in Hz. */
  sampleRate: number;
  /** 0 = defined by a program config element in the stream. */
  channelConfiguration: number;
  /** Channel count implied by `channelConfiguration`; undefined for 0 and reserved values. */
  channels?: number;
  /** Output rate of SBR/PS streams (explicit hierarchical signalling). */
  extensionSampleRate?: number;
  /** For SBR/PS configs, the object type of the underlying core (usually 2). */
  coreObjectType?: number;
}

export const AAC_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350] as const;

/** channelConfiguration → channel count (values 8..10 and 15 are reserved). */
const CHANNELS_BY_CONFIG: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 8, 11: 7, 12: 8, 13: 24, 14: 8 };

/** Parses an AAC AudioSpecificConfig (the payload of an AAC sequence header). */
export function parseAacConfig(config: Uint8Array): AacConfig {
  const r = new BitReader(config, 'AudioSpecificConfig');
  let objectType = readObjectType(r);
  const sampleRate = readSampleRate(r);
  const channelConfiguration = r.bits(4);
  const result: AacConfig = { objectType, sampleRate, channelConfiguration };
  const channels = CHANNELS_BY_CONFIG[channelConfiguration];
  if (channels !== undefined) result.channels = channels;
  if (objectType === 5 || objectType === 29) {
    result.extensionSampleRate = readSampleRate(r);
    objectType = readObjectType(r);
    result.coreObjectType = objectType;
    if (objectType === 22) r.bits(4); // extensionChannelConfiguration (ER BSAC)
  }
  return result;
}

function readObjectType(r: BitReader): number {
  const type = r.bits(5);
  return type === 31 ? 32 + r.bits(6) : type;
}

function readSampleRate(r: BitReader): number {
  const index = r.bits(4);
  if (index === 0x0f) {
    const explicit = r.bits(24);
    if (explicit === 0) throw new MediaTagError('MALFORMED', 'AudioSpecificConfig: explicit sampling frequency 0');
    return explicit;
  }
  const rate = AAC_SAMPLE_RATES[index];
  if (rate === undefined) throw new MediaTagError('MALFORMED', `AudioSpecificConfig: reserved sampling frequency index ${index}`);
  return rate;
}

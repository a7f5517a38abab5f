import { MediaTagError, need } from './errors';
import { AUDIO_PACKET_TYPE_MULTITRACK, type MultitrackType, multitrackType, readModEx, readTrackHeader } from './ex-header';
import { type AudioCodec, LEGACY_SOUND_FORMATS, audioCodecFromFourCc, readFourCc } from './fourcc';

/**
 * What the tag carries. Legacy AAC packet types map onto the enhanced names
 * (sequence header → `sequence-start`, raw → `coded-frames`); other legacy
 * formats are always `coded-frames`.
 */
export type AudioPacketType = 'sequence-start' | 'coded-frames' | 'sequence-end' | 'multichannel-config';

export type AudioChannelOrder = 'unspecified' | 'native' | 'custom';

/** Enhanced RTMP MultichannelConfig packet. */
export interface AudioMultichannelConfig {
  order: AudioChannelOrder;
  channelCount: number;
  /** AudioChannelMask bits (order `native`). */
  channelFlags?: number;
  /** AudioChannel per bitstream channel (order `custom`). */
  channelMapping?: number[];
}

export interface AudioTrack {
  /** 0 unless the tag is multitrack. */
  trackId: number;
  codec: AudioCodec;
  fourCc?: string;
  /** Offset of the codec payload inside the Buffer given to `parseAudioTag`. */
  payloadOffset: number;
  payloadLength: number;
  /** A `subarray` view of the payload, not a copy. */
  payload: Buffer;
  multichannelConfig?: AudioMultichannelConfig;
}

export interface AudioTagInfo {
  /** True for SoundFormat 9 (Enhanced RTMP ExAudioTagHeader). */
  enhanced: boolean;
  /** Legacy SoundFormat nibble (9 for enhanced tags). */
  soundFormat: number;
  /** Codec of the first (or only) track. */
  codec: AudioCodec;
  fourCc?: string;
  packetType: AudioPacketType;
  isSequenceHeader: boolean;
  isSequenceEnd: boolean;
  /**
   * Legacy header flags (legacy tags only). For AAC they are fixed at 44 kHz
   * stereo by the FLV spec: read the AudioSpecificConfig for the real values.
   */
  soundRate?: number;
  soundSize?: 8 | 16;
  soundChannels?: 1 | 2;
  /** Of the first track. */
  payloadOffset: number;
  payloadLength: number;
  payload: Buffer;
  /** Of the first track, for MultichannelConfig packets. */
  multichannelConfig?: AudioMultichannelConfig;
  /** Nanosecond offset (0..999999) from a ModEx TimestampOffsetNano. */
  timestampNanoOffset?: number;
  multitrack?: MultitrackType;
  tracks: AudioTrack[];
}

export const SOUND_FORMAT_EX_HEADER = 9;
export const SOUND_FORMAT_AAC = 10;

const LEGACY_RATES = [5512, 11025, 22050, 44100] as const;

const ENHANCED_PACKET_TYPES: Readonly<Record<number, AudioPacketType>> = {
  0: 'sequence-start',
  1: 'coded-frames',
  2: 'sequence-end',
  4: 'multichannel-config',
};

const CHANNEL_ORDERS: readonly AudioChannelOrder[] = ['unspecified', 'native', 'custom'];

/**
 * Parses the header of an FLV/RTMP audio tag body (legacy and Enhanced RTMP
 * ExAudio) without copying: payloads are `subarray` views of `data` and
 * offsets are relative to `data`. Throws `MediaTagError` on truncated or
 * malformed input.
 */
export function parseAudioTag(data: Buffer): AudioTagInfo {
  need(data, 0, 1, 'audio tag');
  const first = data[0] as number;
  const soundFormat = first >> 4;
  return soundFormat === SOUND_FORMAT_EX_HEADER ? parseEnhanced(data, first) : parseLegacy(data, first, soundFormat);
}

function parseLegacy(data: Buffer, first: number, soundFormat: number): AudioTagInfo {
  const codec = LEGACY_SOUND_FORMATS[soundFormat] ?? 'unknown';
  let packetType: AudioPacketType = 'coded-frames';
  let start = 1;
  if (soundFormat === SOUND_FORMAT_AAC) {
    need(data, 1, 1, 'AAC packet type');
    const aacPacketType = data[1] as number;
    if (aacPacketType > 1) throw new MediaTagError('MALFORMED', `audio tag: invalid AACPacketType ${aacPacketType}`);
    packetType = aacPacketType === 0 ? 'sequence-start' : 'coded-frames';
    start = 2;
  }
  // Formats whose rate is implied by the format, not by the SoundRate bits.
  const impliedRate = soundFormat === 4 ? 16000 : soundFormat === 5 || soundFormat === 14 ? 8000 : undefined;
  const info = finish(false, soundFormat, packetType, [{ trackId: 0, codec, ...view(data, start, data.length) }]);
  info.soundRate = impliedRate ?? LEGACY_RATES[(first >> 2) & 0x03];
  info.soundSize = (first & 0x02) !== 0 ? 16 : 8;
  info.soundChannels = (first & 0x01) !== 0 ? 2 : 1;
  return info;
}

function parseEnhanced(data: Buffer, first: number): AudioTagInfo {
  const modEx = readModEx(data, 1, first & 0x0f, 'audio tag');
  let packetTypeId = modEx.packetTypeId;
  let pos = modEx.offset;

  let multitrack: MultitrackType | undefined;
  let fourCc: string | undefined;
  if (packetTypeId === AUDIO_PACKET_TYPE_MULTITRACK) {
    need(data, pos, 1, 'audio multitrack header');
    multitrack = multitrackType((data[pos] as number) >> 4, 'audio tag');
    packetTypeId = (data[pos] as number) & 0x0f;
    pos += 1;
    if (packetTypeId === AUDIO_PACKET_TYPE_MULTITRACK || packetTypeId === 7) {
      throw new MediaTagError('MALFORMED', `audio tag: packet type ${packetTypeId} is not allowed inside multitrack`);
    }
  }
  const packetType = ENHANCED_PACKET_TYPES[packetTypeId];
  if (packetType === undefined) throw new MediaTagError('UNSUPPORTED', `audio tag: reserved packet type ${packetTypeId}`);
  if (multitrack !== 'many-tracks-many-codecs') {
    need(data, pos, 4, 'audio FourCC');
    fourCc = readFourCc(data, pos);
    pos += 4;
  }

  const tracks: AudioTrack[] = [];
  do {
    const track = readTrackHeader(data, pos, multitrack, fourCc, 'audio');
    const { fourCc: trackFourCc, trackId, end } = track;
    pos = track.start;
    const t: AudioTrack = { trackId, codec: audioCodecFromFourCc(trackFourCc), fourCc: trackFourCc, ...view(data, pos, end) };
    if (packetType === 'multichannel-config') t.multichannelConfig = parseMultichannelConfig(t.payload);
    tracks.push(t);
    pos = end;
  } while (multitrack !== undefined && multitrack !== 'one-track' && pos < data.length);

  const info = finish(true, SOUND_FORMAT_EX_HEADER, packetType, tracks);
  if (modEx.timestampNanoOffset !== undefined) info.timestampNanoOffset = modEx.timestampNanoOffset;
  if (multitrack !== undefined) info.multitrack = multitrack;
  return info;
}

/** Parses the body of an Enhanced RTMP MultichannelConfig packet. */
export function parseMultichannelConfig(body: Uint8Array): AudioMultichannelConfig {
  need(body, 0, 2, 'multichannel config');
  const order = CHANNEL_ORDERS[body[0] as number];
  if (order === undefined) throw new MediaTagError('MALFORMED', `multichannel config: invalid channel order ${body[0]}`);
  const channelCount = body[1] as number;
  const config: AudioMultichannelConfig = { order, channelCount };
  if (order === 'native') {
    need(body, 2, 4, 'multichannel config flags');
    config.channelFlags = (((body[2] as number) << 24) | ((body[3] as number) << 16) | ((body[4] as number) << 8) | (body[5] as number)) >>> 0;
  } else if (order === 'custom') {
    need(body, 2, channelCount, 'multichannel config mapping');
    config.channelMapping = Array.from(body.subarray(2, 2 + channelCount));
  }
  return config;
}

function view(data: Buffer, start: number, end: number): Pick<AudioTrack, 'payloadOffset' | 'payloadLength' | 'payload'> {
  return { payloadOffset: start, payloadLength: end - start, payload: data.subarray(start, end) };
}

function finish(enhanced: boolean, soundFormat: number, packetType: AudioPacketType, tracks: AudioTrack[]): AudioTagInfo {
  const main = tracks[0] as AudioTrack;
  const info: AudioTagInfo = {
    enhanced,
    soundFormat,
    codec: main.codec,
    packetType,
    isSequenceHeader: packetType === 'sequence-start',
    isSequenceEnd: packetType === 'sequence-end',
    payloadOffset: main.payloadOffset,
    payloadLength: main.payloadLength,
    payload: main.payload,
    tracks,
  };
  if (main.fourCc !== undefined) info.fourCc = main.fourCc;
  if (main.multichannelConfig !== undefined) info.multichannelConfig = main.multichannelConfig;
  return info;
}

/** {@link parseAudioTag}, or undefined for a tag it cannot read: for a relay that forwards what it does not understand. */
export function tryParseAudioTag(data: Buffer): AudioTagInfo | undefined {
  try {
    return parseAudioTag(data);
  } catch {
    return undefined;
  }
}

import { MediaTagError, need } from './errors';
import { type MultitrackType, VIDEO_PACKET_TYPE_MULTITRACK, multitrackType, readInt24, readModEx, readTrackHeader } from './ex-header';
import { LEGACY_VIDEO_CODEC_IDS, type VideoCodec, readFourCc, videoCodecFromFourCc } from './fourcc';

export type VideoFrameType = 'keyframe' | 'inter' | 'disposable-inter' | 'generated-keyframe' | 'command' | 'reserved';

/**
 * What the tag carries. Legacy AVC/HEVC packet types map onto the enhanced
 * names (sequence header → `sequence-start`, NALU → `coded-frames`, end of
 * sequence → `sequence-end`); legacy non-AVC codecs are always `coded-frames`.
 */
export type VideoPacketType = 'sequence-start' | 'coded-frames' | 'sequence-end' | 'metadata' | 'mpeg2ts-sequence-start' | 'command';

/** VideoCommand of a command frame (frame type 5). */
export type VideoCommand = 'start-seek' | 'end-seek' | 'unknown';

const FRAME_TYPES: readonly VideoFrameType[] = ['reserved', 'keyframe', 'inter', 'disposable-inter', 'generated-keyframe', 'command', 'reserved', 'reserved'];

/** Enhanced VideoPacketType ids (6 = Multitrack and 7 = ModEx are resolved while parsing). */
const ENHANCED_PACKET_TYPES: Readonly<Record<number, VideoPacketType>> = {
  0: 'sequence-start',
  1: 'coded-frames',
  2: 'sequence-end',
  3: 'coded-frames', // CodedFramesX: composition time implied 0
  4: 'metadata',
  5: 'mpeg2ts-sequence-start',
};

const LEGACY_AVC_PACKET_TYPES: readonly VideoPacketType[] = ['sequence-start', 'coded-frames', 'sequence-end'];

/** Codecs whose CodedFrames carry an SI24 composition time offset. */
const FOURCCS_WITH_CTO = new Set(['avc1', 'hvc1', 'vvc1']);

export interface VideoTrack {
  /** 0 unless the tag is multitrack. */
  trackId: number;
  codec: VideoCodec;
  fourCc?: string;
  /** Signed composition time offset (pts - dts) in ms; 0 when the packet has none. */
  compositionTimeMs: number;
  /** Offset of the codec payload inside the Buffer given to `parseVideoTag`. */
  payloadOffset: number;
  payloadLength: number;
  /** A `subarray` view of the payload, not a copy. */
  payload: Buffer;
}

export interface VideoTagInfo {
  /** True when the Enhanced RTMP ExVideoTagHeader is used. */
  enhanced: boolean;
  frameType: VideoFrameType;
  packetType: VideoPacketType;
  /** Codec of the first (or only) track; 'unknown' for enhanced command frames and unknown FourCCs. */
  codec: VideoCodec;
  /** Legacy CodecID (legacy tags only). */
  codecId?: number;
  /** FourCC of the first track (enhanced tags only). */
  fourCc?: string;
  /** Frame type 1 (keyframe) or 4 (generated keyframe); false for command and metadata packets. */
  isKeyframe: boolean;
  /** SequenceStart / AVC sequence header / MPEG2TSSequenceStart. */
  isSequenceHeader: boolean;
  isSequenceEnd: boolean;
  /** Of the first track. */
  compositionTimeMs: number;
  /** Of the first track; for command frames, the offset after the command byte with length 0. */
  payloadOffset: number;
  payloadLength: number;
  payload: Buffer;
  /** Present on command frames. */
  command?: VideoCommand;
  /** Nanosecond offset (0..999999) from a ModEx TimestampOffsetNano. */
  timestampNanoOffset?: number;
  /** Present when the tag is an Enhanced RTMP multitrack packet. */
  multitrack?: MultitrackType;
  /** Every track in the tag (one for non-multitrack tags, none for command frames). */
  tracks: VideoTrack[];
}

/**
 * Parses the header of an FLV/RTMP video tag body (legacy and Enhanced RTMP
 * v1/v2) without copying: every payload is a `subarray` of `data` and every
 * offset is relative to `data`. Throws `MediaTagError` on truncated or
 * malformed input.
 */
export function parseVideoTag(data: Buffer): VideoTagInfo {
  need(data, 0, 1, 'video tag');
  const first = data[0] as number;
  return (first & 0x80) !== 0 ? parseEnhanced(data, first) : parseLegacy(data, first);
}

function parseLegacy(data: Buffer, first: number): VideoTagInfo {
  const frameType = FRAME_TYPES[first >> 4] as VideoFrameType;
  const codecId = first & 0x0f;
  const codec = LEGACY_VIDEO_CODEC_IDS[codecId] ?? 'unknown';

  if (frameType === 'command') {
    need(data, 1, 1, 'video command frame');
    return commandInfo(data, false, codec, codecId, undefined, data[1] as number, 2);
  }

  if (codec === 'h264' || codec === 'hevc') {
    need(data, 0, 5, 'AVC video tag header');
    const packetType = LEGACY_AVC_PACKET_TYPES[data[1] as number];
    if (packetType === undefined) throw new MediaTagError('MALFORMED', `video tag: invalid AVCPacketType ${data[1]}`);
    const compositionTimeMs = packetType === 'coded-frames' ? readInt24(data, 2) : 0;
    return finish(data, false, frameType, packetType, codec, codecId, undefined, [track(data, 0, codec, undefined, compositionTimeMs, 5, data.length)]);
  }

  return finish(data, false, frameType, 'coded-frames', codec, codecId, undefined, [track(data, 0, codec, undefined, 0, 1, data.length)]);
}

function parseEnhanced(data: Buffer, first: number): VideoTagInfo {
  const frameType = FRAME_TYPES[(first >> 4) & 0x07] as VideoFrameType;
  const modEx = readModEx(data, 1, first & 0x0f, 'video tag');
  let packetTypeId = modEx.packetTypeId;
  let pos = modEx.offset;

  if (frameType === 'command' && packetTypeId !== 4) {
    need(data, pos, 1, 'video command frame');
    const info = commandInfo(data, true, 'unknown', undefined, undefined, data[pos] as number, pos + 1);
    if (modEx.timestampNanoOffset !== undefined) info.timestampNanoOffset = modEx.timestampNanoOffset;
    return info;
  }

  let multitrack: MultitrackType | undefined;
  let fourCc: string | undefined;
  if (packetTypeId === VIDEO_PACKET_TYPE_MULTITRACK) {
    need(data, pos, 1, 'video multitrack header');
    multitrack = multitrackType((data[pos] as number) >> 4, 'video tag');
    packetTypeId = (data[pos] as number) & 0x0f;
    pos += 1;
    if (packetTypeId === VIDEO_PACKET_TYPE_MULTITRACK || packetTypeId === 7) {
      throw new MediaTagError('MALFORMED', `video tag: multitrack packet type ${packetTypeId} is not allowed inside multitrack`);
    }
  }
  const packetType = ENHANCED_PACKET_TYPES[packetTypeId];
  if (packetType === undefined) throw new MediaTagError('UNSUPPORTED', `video tag: reserved packet type ${packetTypeId}`);
  if (multitrack !== 'many-tracks-many-codecs') {
    need(data, pos, 4, 'video FourCC');
    fourCc = readFourCc(data, pos);
    pos += 4;
  }

  const withCtoPacket = packetTypeId === 1;
  const tracks: VideoTrack[] = [];
  do {
    const header = readTrackHeader(data, pos, multitrack, fourCc, 'video');
    const { fourCc: trackFourCc, trackId, end } = header;
    pos = header.start;
    let compositionTimeMs = 0;
    if (withCtoPacket && FOURCCS_WITH_CTO.has(trackFourCc)) {
      if (pos + 3 > end) throw new MediaTagError('TRUNCATED', 'video tag: composition time offset cut short');
      compositionTimeMs = readInt24(data, pos);
      pos += 3;
    }
    tracks.push(track(data, trackId, videoCodecFromFourCc(trackFourCc), trackFourCc, compositionTimeMs, pos, end));
    pos = end;
  } while (multitrack !== undefined && multitrack !== 'one-track' && pos < data.length);

  const firstTrack = tracks[0] as VideoTrack;
  const info = finish(data, true, frameType, packetType, firstTrack.codec, undefined, firstTrack.fourCc, tracks);
  if (modEx.timestampNanoOffset !== undefined) info.timestampNanoOffset = modEx.timestampNanoOffset;
  if (multitrack !== undefined) info.multitrack = multitrack;
  return info;
}

function track(data: Buffer, trackId: number, codec: VideoCodec, fourCc: string | undefined, compositionTimeMs: number, start: number, end: number): VideoTrack {
  const t: VideoTrack = { trackId, codec, compositionTimeMs, payloadOffset: start, payloadLength: end - start, payload: data.subarray(start, end) };
  if (fourCc !== undefined) t.fourCc = fourCc;
  return t;
}

function finish(
  data: Buffer,
  enhanced: boolean,
  frameType: VideoFrameType,
  packetType: VideoPacketType,
  codec: VideoCodec,
  codecId: number | undefined,
  fourCc: string | undefined,
  tracks: VideoTrack[],
): VideoTagInfo {
  const main = tracks[0] as VideoTrack;
  const info: VideoTagInfo = {
    enhanced,
    frameType,
    packetType,
    codec,
    isKeyframe: packetType !== 'metadata' && (frameType === 'keyframe' || frameType === 'generated-keyframe'),
    isSequenceHeader: packetType === 'sequence-start' || packetType === 'mpeg2ts-sequence-start',
    isSequenceEnd: packetType === 'sequence-end',
    compositionTimeMs: main.compositionTimeMs,
    payloadOffset: main.payloadOffset,
    payloadLength: main.payloadLength,
    payload: main.payload,
    tracks,
  };
  if (codecId !== undefined) info.codecId = codecId;
  if (fourCc !== undefined) info.fourCc = fourCc;
  return info;
}

function commandInfo(data: Buffer, enhanced: boolean, codec: VideoCodec, codecId: number | undefined, fourCc: string | undefined, command: number, end: number): VideoTagInfo {
  const info = finish(data, enhanced, 'command', 'command', codec, codecId, fourCc, [track(data, 0, codec, fourCc, 0, end, end)]);
  info.tracks = [];
  info.command = command === 0 ? 'start-seek' : command === 1 ? 'end-seek' : 'unknown';
  return info;
}

/** {@link parseVideoTag}, or undefined for a tag it cannot read: for a relay that forwards what it does not understand. */
export function tryParseVideoTag(data: Buffer): VideoTagInfo | undefined {
  try {
    return parseVideoTag(data);
  } catch {
    return undefined;
  }
}

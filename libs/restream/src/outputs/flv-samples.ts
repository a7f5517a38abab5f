import type { AudioTrackConfig, VideoTrackConfig } from '@fanout/mp4';
import {
  BitReader,
  LEGACY_SOUND_FORMATS,
  LEGACY_VIDEO_CODEC_IDS,
  type StreamMetadata,
  audioCodecFromFourCc,
  parseAacConfig,
  parseAudioTag,
  parseAvcDecoderConfig,
  parseHevcDecoderConfig,
  parseVideoTag,
  videoCodecFromFourCc,
} from '@fanout/rtmp';

/**
 * FLV / Enhanced RTMP tag bodies as the recorder sees them: a codec configuration, a coded
 * frame (the sample bytes, its keyframe flag and composition offset), or something that is not
 * recorded. The common tags (legacy AVC and AAC; Enhanced hvc1, av01, avc1, mp4a and Opus
 * without multitrack or ModEx) are read straight from their first bytes into one reused result,
 * so a frame costs no allocation here but the `subarray` view of its sample; the rest goes
 * through @fanout/rtmp's full tag parsers.
 */

/** Video codecs the recorder writes (as @fanout/rtmp names them), with their mp4 names. */
export const RECORDED_VIDEO_CODECS = { h264: 'avc', hevc: 'hevc', av1: 'av1' } as const;
/** Audio codecs the recorder writes. */
export const RECORDED_AUDIO_CODECS = { aac: 'aac', opus: 'opus' } as const;

export type RecordedVideoCodec = keyof typeof RECORDED_VIDEO_CODECS;
export type RecordedAudioCodec = keyof typeof RECORDED_AUDIO_CODECS;

/**
 * - `config`: a sequence start; `data` is the configuration record (avcC, hvcC, av1C,
 *   AudioSpecificConfig, OpusHead).
 * - `frame`: `data` is the sample (length-prefixed NAL units, OBUs, one audio frame).
 * - `skip`: nothing to record (end of sequence, command, metadata packets, other tracks of a
 *   multitrack tag, an empty or unreadable tag).
 * - `unsupported`: a codec the recorder does not write; `codec` names it.
 */
export interface TagUnit {
  what: 'config' | 'frame' | 'skip' | 'unsupported';
  /** @fanout/rtmp's codec name ('h264', 'hevc', 'av1', 'aac', 'opus', 'vp9', 'mp3', …). */
  codec: string;
  keyframe: boolean;
  /** pts - dts, ms (0 when the packet has none). */
  ctsMs: number;
  /** A view into the tag body, not a copy. */
  data: Buffer;
}

const EMPTY = Buffer.alloc(0);
/** FourCCs as big-endian numbers, so a tag's is compared without making a string. */
const fourCc = (s: string): number => s.split('').reduce((n, c) => n * 256 + c.charCodeAt(0), 0);
const VIDEO_BY_FOURCC = new Map<number, string>([
  [fourCc('avc1'), 'h264'],
  [fourCc('hvc1'), 'hevc'],
  [fourCc('av01'), 'av1'],
]);
const AUDIO_BY_FOURCC = new Map<number, string>([
  [fourCc('mp4a'), 'aac'],
  [fourCc('Opus'), 'opus'],
]);
const VIDEO_MULTITRACK = 6;
const AUDIO_MULTITRACK = 5;
const MOD_EX = 7;

/** Reads tag bodies into one reused {@link TagUnit}: valid until the next call. */
export class TagReader {
  private readonly unit: TagUnit = { what: 'skip', codec: 'unknown', keyframe: false, ctsMs: 0, data: EMPTY };

  video(body: Buffer): TagUnit {
    const u = this.reset();
    if (body.length < 1) return u;
    const b0 = body[0] as number;
    if ((b0 & 0x80) === 0) {
      const frameType = b0 >> 4;
      const codecId = b0 & 0x0f;
      u.codec = LEGACY_VIDEO_CODEC_IDS[codecId] ?? 'unknown';
      if (frameType === 5) return u; // command frame
      if (codecId !== 7 && codecId !== 12) return this.unsupported();
      if (body.length < 5) return u;
      const packetType = body[1] as number;
      if (packetType === 0) return this.set('config', body.subarray(5), false, 0);
      if (packetType !== 1) return u; // end of sequence
      return this.set('frame', body.subarray(5), frameType === 1 || frameType === 4, int24(body, 2));
    }
    const frameType = (b0 >> 4) & 0x07;
    const packetType = b0 & 0x0f;
    if (frameType === 5 || packetType === VIDEO_MULTITRACK || packetType === MOD_EX) return this.videoSlow(body);
    if (body.length < 5) return u;
    const codec = VIDEO_BY_FOURCC.get(body.readUInt32BE(1));
    if (codec === undefined) {
      u.codec = videoCodecFromFourCc(body.toString('latin1', 1, 5));
      return packetType <= 3 ? this.unsupported() : u;
    }
    u.codec = codec;
    const keyframe = frameType === 1 || frameType === 4;
    switch (packetType) {
      case 0:
        return this.set('config', body.subarray(5), false, 0);
      case 1:
        // CodedFrames: avc1 and hvc1 carry a composition time offset, av01 does not.
        if (codec === 'av1') return this.set('frame', body.subarray(5), keyframe, 0);
        if (body.length < 8) return u;
        return this.set('frame', body.subarray(8), keyframe, int24(body, 5));
      case 3: // CodedFramesX: composition time 0
        return this.set('frame', body.subarray(5), keyframe, 0);
      default: // sequence end, metadata, MPEG-2 TS sequence start
        return u;
    }
  }

  audio(body: Buffer): TagUnit {
    const u = this.reset();
    if (body.length < 1) return u;
    const b0 = body[0] as number;
    const soundFormat = b0 >> 4;
    if (soundFormat === 10) {
      u.codec = 'aac';
      if (body.length < 2 || (body[1] as number) > 1) return u;
      return this.set(body[1] === 0 ? 'config' : 'frame', body.subarray(2), true, 0);
    }
    if (soundFormat !== 9) {
      u.codec = LEGACY_SOUND_FORMATS[soundFormat] ?? 'unknown';
      return this.unsupported();
    }
    const packetType = b0 & 0x0f;
    if (packetType === AUDIO_MULTITRACK || packetType === MOD_EX) return this.audioSlow(body);
    if (body.length < 5) return u;
    const codec = AUDIO_BY_FOURCC.get(body.readUInt32BE(1));
    if (codec === undefined) {
      u.codec = audioCodecFromFourCc(body.toString('latin1', 1, 5));
      return packetType <= 1 ? this.unsupported() : u;
    }
    u.codec = codec;
    if (packetType === 0) return this.set('config', body.subarray(5), true, 0);
    if (packetType === 1) return this.set('frame', body.subarray(5), true, 0);
    return u; // sequence end, multichannel config
  }

  /** Multitrack, ModEx and command tags: the full parser; only the default track (id 0) is recorded. */
  private videoSlow(body: Buffer): TagUnit {
    const u = this.unit;
    let tag;
    try {
      tag = parseVideoTag(body);
    } catch {
      return u;
    }
    const track = tag.tracks.find((t) => t.trackId === 0);
    if (track === undefined || tag.frameType === 'command' || tag.packetType === 'metadata') return u;
    u.codec = track.codec;
    if (!(track.codec in RECORDED_VIDEO_CODECS)) return this.unsupported();
    if (tag.packetType === 'sequence-start') return this.set('config', track.payload, false, 0);
    if (tag.packetType !== 'coded-frames') return u;
    return this.set('frame', track.payload, tag.isKeyframe, track.compositionTimeMs);
  }

  private audioSlow(body: Buffer): TagUnit {
    const u = this.unit;
    let tag;
    try {
      tag = parseAudioTag(body);
    } catch {
      return u;
    }
    const track = tag.tracks.find((t) => t.trackId === 0);
    if (track === undefined) return u;
    u.codec = track.codec;
    if (!(track.codec in RECORDED_AUDIO_CODECS)) return this.unsupported();
    if (tag.packetType === 'sequence-start') return this.set('config', track.payload, true, 0);
    if (tag.packetType === 'coded-frames') return this.set('frame', track.payload, true, 0);
    return u;
  }

  private reset(): TagUnit {
    const u = this.unit;
    u.what = 'skip';
    u.codec = 'unknown';
    u.keyframe = false;
    u.ctsMs = 0;
    u.data = EMPTY;
    return u;
  }

  private unsupported(): TagUnit {
    this.unit.what = 'unsupported';
    return this.unit;
  }

  private set(what: 'config' | 'frame', data: Buffer, keyframe: boolean, ctsMs: number): TagUnit {
    const u = this.unit;
    if (data.length === 0) return u; // nothing to record: stays 'skip'
    u.what = what;
    u.data = data;
    u.keyframe = keyframe;
    u.ctsMs = ctsMs;
    return u;
  }
}

function int24(b: Buffer, at: number): number {
  const v = ((b[at] as number) << 16) | ((b[at + 1] as number) << 8) | (b[at + 2] as number);
  return v & 0x800000 ? v - 0x1000000 : v;
}

/** A video configuration as the recorder keeps it: codec and record (a copy: it outlives the tag). */
export interface VideoConfig {
  codec: RecordedVideoCodec;
  record: Buffer;
}

export interface AudioConfig {
  codec: RecordedAudioCodec;
  record: Buffer;
}

/** The mp4 track of a video configuration; the picture size comes from the record, else from metadata. */
export function videoTrackConfig(config: VideoConfig, metadata: StreamMetadata | undefined): VideoTrackConfig {
  const size = pictureSize(config) ?? (metadata?.width !== undefined && metadata.height !== undefined ? { width: metadata.width, height: metadata.height } : undefined);
  if (size === undefined) throw new Error(`the ${config.codec} configuration and the metadata give no picture size`);
  return { codec: RECORDED_VIDEO_CODECS[config.codec], config: config.record, width: size.width, height: size.height };
}

/** The mp4 track of an audio configuration. An AAC config that leaves channels to the bitstream takes them from metadata (else stereo). */
export function audioTrackConfig(config: AudioConfig, metadata: StreamMetadata | undefined): AudioTrackConfig {
  if (config.codec === 'opus') return { codec: 'opus', config: config.record };
  const asc = parseAacConfig(config.record);
  return asc.channelConfiguration === 0 ? { codec: 'aac', config: config.record, channels: metadata?.audiochannels ?? 2 } : { codec: 'aac', config: config.record };
}

function pictureSize(config: VideoConfig): { width: number; height: number } | undefined {
  try {
    if (config.codec === 'h264') return parseAvcDecoderConfig(config.record);
    if (config.codec === 'hevc') return parseHevcDecoderConfig(config.record);
    return av1PictureSize(config.record);
  } catch {
    return undefined;
  }
}

/**
 * The maximum frame size from the sequence header OBU in an av1C's configOBUs (AV1 spec
 * 5.5.1), or undefined when the record carries none.
 */
export function av1PictureSize(av1C: Uint8Array): { width: number; height: number } | undefined {
  let at = 4;
  while (at < av1C.length) {
    const header = av1C[at] as number;
    const type = (header >> 3) & 0x0f;
    const headerBytes = header & 0x04 ? 2 : 1;
    let start = at + headerBytes;
    let end = av1C.length;
    if (header & 0x02) {
      let size = 0;
      let i = 0;
      for (; i < 8; i++) {
        const byte = av1C[start + i];
        if (byte === undefined) return undefined;
        size += (byte & 0x7f) * 2 ** (7 * i);
        if ((byte & 0x80) === 0) break;
      }
      start += i + 1;
      end = start + size;
    }
    if (end > av1C.length) return undefined;
    if (type === 1) return sequenceHeaderSize(av1C.subarray(start, end));
    at = end;
  }
  return undefined;
}

function sequenceHeaderSize(obu: Uint8Array): { width: number; height: number } {
  const r = new BitReader(obu, 'AV1 sequence header');
  r.skip(3); // seq_profile
  r.skip(1); // still_picture
  const reduced = r.flag();
  if (reduced) {
    r.skip(5); // seq_level_idx[0]
  } else {
    let decoderModelInfo = false;
    let bufferDelayLength = 0;
    if (r.flag()) {
      // timing_info
      r.skip(64); // num_units_in_display_tick, time_scale
      if (r.flag()) {
        // equal_picture_interval: num_ticks_per_picture_minus_1, uvlc
        let zeros = 0;
        while (!r.flag()) if (++zeros > 31) throw new Error('AV1 sequence header: uvlc too long');
        r.skip(zeros);
      }
      decoderModelInfo = r.flag();
      if (decoderModelInfo) {
        bufferDelayLength = r.bits(5) + 1;
        r.skip(32 + 5 + 5); // num_units_in_decoding_tick, buffer_removal_time_length_minus_1, frame_presentation_time_length_minus_1
      }
    }
    const initialDisplayDelay = r.flag();
    const operatingPoints = r.bits(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.skip(12); // operating_point_idc
      if (r.bits(5) > 7) r.skip(1); // seq_level_idx, seq_tier
      if (decoderModelInfo && r.flag()) r.skip(2 * bufferDelayLength + 1);
      if (initialDisplayDelay && r.flag()) r.skip(4);
    }
  }
  const widthBits = r.bits(4) + 1;
  const heightBits = r.bits(4) + 1;
  return { width: r.bits(widthBits) + 1, height: r.bits(heightBits) + 1 };
}

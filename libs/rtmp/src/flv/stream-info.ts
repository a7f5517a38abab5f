import { parseAacConfig } from './aac-config';
import type { AudioTagInfo } from './audio-tag';
import { parseAvcDecoderConfig } from './avc-config';
import { parseFlacConfig } from './flac-config';
import type { AudioCodec, VideoCodec } from './fourcc';
import { parseHevcDecoderConfig } from './hevc-config';
import { parseOpusConfig } from './opus-config';
import type { VideoTagInfo } from './video-tag';

/** What the dashboard shows about a video track. */
export interface VideoStreamInfo {
  codec: VideoCodec;
  width: number;
  height: number;
  profile: string;
  level: string;
  /** Frames per second the encoder declares in its configuration (H.264 VUI timing, HEVC avgFrameRate), if any. */
  frameRate?: number;
}

/** What the dashboard shows about an audio track. */
export interface AudioStreamInfo {
  codec: AudioCodec;
  sampleRate: number;
  /** Undefined when the config leaves it to the bitstream (AAC channel configuration 0). */
  channels?: number;
}

/**
 * Decodes the configuration record of a video sequence header for the codecs
 * whose records carry the picture size (H.264, HEVC). Returns undefined for
 * other tags and codecs; throws `MediaTagError` when the record is malformed.
 */
export function videoStreamInfo(tag: VideoTagInfo): VideoStreamInfo | undefined {
  if (tag.packetType !== 'sequence-start') return undefined;
  if (tag.codec === 'h264') {
    const c = parseAvcDecoderConfig(tag.payload);
    return { codec: 'h264', width: c.width, height: c.height, profile: c.profile, level: c.level, ...(c.frameRate !== undefined ? { frameRate: c.frameRate } : {}) };
  }
  if (tag.codec === 'hevc') {
    const c = parseHevcDecoderConfig(tag.payload);
    return { codec: 'hevc', width: c.width, height: c.height, profile: c.profile, level: c.level };
  }
  return undefined;
}

/**
 * Decodes the configuration of an audio sequence header (AAC legacy or mp4a,
 * Opus, FLAC). Returns undefined for other tags and codecs; throws
 * `MediaTagError` when the configuration is malformed.
 */
export function audioStreamInfo(tag: AudioTagInfo): AudioStreamInfo | undefined {
  if (tag.packetType !== 'sequence-start') return undefined;
  switch (tag.codec) {
    case 'aac': {
      const c = parseAacConfig(tag.payload);
      const info: AudioStreamInfo = { codec: 'aac', sampleRate: c.extensionSampleRate ?? c.sampleRate };
      if (c.channels !== undefined) info.channels = c.channels;
      return info;
    }
    case 'opus': {
      // Opus always decodes at 48 kHz; the header's rate is only the encoder's input rate.
      const c = parseOpusConfig(tag.payload);
      return { codec: 'opus', sampleRate: 48000, channels: c.channels };
    }
    case 'flac': {
      const c = parseFlacConfig(tag.payload);
      return { codec: 'flac', sampleRate: c.sampleRate, channels: c.channels };
    }
    default:
      return undefined;
  }
}

/** {@link videoStreamInfo}, or undefined when the configuration record is malformed. */
export function tryVideoStreamInfo(tag: VideoTagInfo): VideoStreamInfo | undefined {
  try {
    return videoStreamInfo(tag);
  } catch {
    return undefined;
  }
}

/** {@link audioStreamInfo}, or undefined when the configuration is malformed. */
export function tryAudioStreamInfo(tag: AudioTagInfo): AudioStreamInfo | undefined {
  try {
    return audioStreamInfo(tag);
  } catch {
    return undefined;
  }
}

import { type AmfObject, readFlv, tryParseAudioTag, tryParseVideoTag } from '@fanout/rtmp';
import { type SlateParams, fpsOf } from './params';

/** Samples per AAC-LC frame: the slate's audio frame duration is this over the sample rate. */
export const AAC_FRAME_SAMPLES = 1024;

/**
 * A rendered slate in memory, ready to loop: its sequence headers, one GOP of video frames (the
 * first a keyframe) and its audio frames, as FLV tag bodies. Timestamps are not kept: the slate
 * source stamps frame `n` of the endless loop at `n` frame durations, so every loop continues the
 * last one exactly, on each track independently.
 */
export interface SlateClip {
  readonly params: SlateParams;
  /** The cache key it was rendered under. */
  readonly key: string;
  /** The FLV file it was read from. */
  readonly file: string;
  readonly metadata: AmfObject;
  readonly videoHeader: Buffer;
  readonly audioHeader: Buffer | undefined;
  readonly video: readonly Buffer[];
  readonly audio: readonly Buffer[];
  /** Exact frame durations, ms (fractional: 16.667 at 60 fps). */
  readonly videoFrameMs: number;
  readonly audioFrameMs: number;
}

export class SlateClipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlateClipError';
  }
}

/**
 * Reads a rendered slate FLV into a clip. Throws {@link SlateClipError} when the file is not a
 * slate we can loop: no video sequence header, a first frame that is not a keyframe, a second
 * keyframe (the loop must be one GOP), or audio without its header.
 */
export function slateClipFromFlv(bytes: Buffer, file: string, params: SlateParams, key: string): SlateClip {
  const { tags } = readFlv(bytes);
  let videoHeader: Buffer | undefined;
  let audioHeader: Buffer | undefined;
  const video: Buffer[] = [];
  const audio: Buffer[] = [];
  for (const tag of tags) {
    if (tag.kind === 'video') {
      const info = tryParseVideoTag(tag.data);
      if (info === undefined) throw new SlateClipError(`${file}: unreadable video tag`);
      if (info.isSequenceHeader) {
        videoHeader ??= Buffer.from(tag.data);
        continue;
      }
      if (info.packetType !== 'coded-frames') continue;
      if (video.length === 0 && !info.isKeyframe) throw new SlateClipError(`${file}: the first video frame is not a keyframe`);
      if (video.length > 0 && info.isKeyframe) throw new SlateClipError(`${file}: more than one keyframe: the loop must be one GOP`);
      video.push(Buffer.from(tag.data));
    } else if (tag.kind === 'audio') {
      const info = tryParseAudioTag(tag.data);
      if (info === undefined) throw new SlateClipError(`${file}: unreadable audio tag`);
      if (info.isSequenceHeader) audioHeader ??= Buffer.from(tag.data);
      else if (info.packetType === 'coded-frames') audio.push(Buffer.from(tag.data));
    }
  }
  if (videoHeader === undefined) throw new SlateClipError(`${file}: no video sequence header`);
  if (video.length === 0) throw new SlateClipError(`${file}: no video frames`);
  if (params.audio !== null && (audioHeader === undefined || audio.length === 0)) throw new SlateClipError(`${file}: no audio`);
  const v = params.video;
  const metadata: AmfObject = {
    width: v.width,
    height: v.height,
    framerate: Math.round(fpsOf(params) * 1000) / 1000,
    videocodecid: v.codec === 'h264' ? 7 : 'hvc1',
    encoder: 'Fanout slate',
  };
  if (params.audio !== null) {
    Object.assign(metadata, {
      audiocodecid: 10,
      audiosamplerate: params.audio.sampleRate,
      audiochannels: params.audio.channels,
      stereo: params.audio.channels === 2,
    });
  }
  return {
    params,
    key,
    file,
    metadata,
    videoHeader,
    audioHeader: params.audio === null ? undefined : audioHeader,
    video,
    audio: params.audio === null ? [] : audio,
    videoFrameMs: (1_000 * v.fps.den) / v.fps.num,
    audioFrameMs: params.audio === null ? 0 : (AAC_FRAME_SAMPLES * 1_000) / params.audio.sampleRate,
  };
}

import {
  type AudioTagInfo,
  type StreamMetadata,
  type VideoTagInfo,
  parseOnMetaData,
  tryAudioStreamInfo,
  tryVideoStreamInfo,
} from '@fanout/rtmp';
import { type Clock, monotonicClock } from './clock';
import { KeyframeIntervalMeter, MediaFrameRateMeter, RateMeter } from './rate-meter';

/** What the ingest is, from its tags and metadata. */
export interface IngestFacts {
  video: { codec: string; width: number | null; height: number | null } | null;
  audio: { codec: string; sampleRate: number | null; channels: number | null } | null;
  audioPresent: boolean;
  encoder: string | null;
}

export type IngestState = 'idle' | 'live' | 'grace';

export interface IngestStats extends IngestFacts {
  state: IngestState;
  /** Wall time the ingest went live (kept through a grace window), ISO. */
  startedAt: string | null;
  /**
   * While in the grace window (`state: 'grace'`): the wall time the destinations are released
   * unless the publisher returns, ISO. Null otherwise. Clients count down to it, so a reload
   * shows the right time left.
   */
  graceEndsAt: string | null;
  /** Everything received (video + audio + data), kbit/s. */
  bitrateKbps: number;
  videoBitrateKbps: number;
  audioBitrateKbps: number;
  /** Coded video frames per second of media time (the encoder's frame rate), 0 while none arrive. */
  fps: number;
  /**
   * Median keyframe interval, seconds: frames between keyframes over the frame rate, or by media
   * time when no frame rate is known yet; null before two keyframes.
   */
  keyframeIntervalS: number | null;
  /** Frame rate the encoder declared in onMetaData, if any. */
  declaredFps: number | null;
  uptimeS: number;
}

/**
 * Facts and meters of one stream's ingest, across publisher sessions (a reconnecting OBS keeps
 * the same tracker until the grace window expires). Header parsing never throws: a malformed
 * sequence header only leaves the resolution unknown.
 */
export class IngestTracker {
  private readonly clock: Clock;
  private readonly all: RateMeter;
  private readonly videoRate: RateMeter;
  private readonly audioRate: RateMeter;
  private readonly frames: MediaFrameRateMeter;
  private readonly keyframes = new KeyframeIntervalMeter();
  private metadata: StreamMetadata | undefined;
  private video: IngestFacts['video'] = null;
  /** Frame rate the video configuration declares (H.264 VUI timing), if any. */
  private configFps: number | undefined;
  /** Coded video frames since the ingest started (keyframe intervals are counted in frames). */
  private codedFrames = 0;
  private audio: IngestFacts['audio'] = null;
  private sawAudio = false;

  constructor(clock: Clock = monotonicClock) {
    this.clock = clock;
    this.all = new RateMeter({ clock });
    this.videoRate = new RateMeter({ clock });
    this.audioRate = new RateMeter({ clock });
    this.frames = new MediaFrameRateMeter({ clock });
  }

  get facts(): IngestFacts {
    const meta = this.metadata;
    let video = this.video;
    if (video === null && meta?.videoCodec !== undefined) video = { codec: meta.videoCodec, width: null, height: null };
    if (video !== null && (video.width === null || video.height === null) && meta !== undefined) {
      video = { ...video, width: video.width ?? meta.width ?? null, height: video.height ?? meta.height ?? null };
    }
    let audio = this.audio;
    if (audio === null && meta?.audioCodec !== undefined) {
      audio = { codec: meta.audioCodec, sampleRate: meta.audiosamplerate ?? null, channels: meta.audiochannels ?? null };
    }
    return { video, audio, audioPresent: this.sawAudio, encoder: meta?.encoder ?? null };
  }

  /** The codec known so far (tags first, then metadata), to choose connect options. */
  get videoCodec(): string | undefined {
    return this.video?.codec ?? this.metadata?.videoCodec;
  }

  onMetadata(value: unknown, bytes: number): void {
    this.metadata = parseOnMetaData(value);
    this.all.record(bytes);
  }

  onData(bytes: number): void {
    this.all.record(bytes);
  }

  /** `timestampMs` on the output timeline (continuous across sessions). */
  onVideo(tag: VideoTagInfo | undefined, bytes: number, timestampMs: number): void {
    this.all.record(bytes);
    this.videoRate.record(bytes);
    if (tag === undefined) return;
    if (tag.isSequenceHeader) {
      const info = tryVideoStreamInfo(tag);
      this.video = { codec: info?.codec ?? tag.codec, width: info?.width ?? null, height: info?.height ?? null };
      this.configFps = info?.frameRate;
      return;
    }
    if (tag.packetType !== 'coded-frames') return;
    if (this.video === null || this.video.codec !== tag.codec) this.video = { codec: tag.codec, width: null, height: null };
    this.frames.record(timestampMs);
    if (tag.isKeyframe) this.keyframes.record(timestampMs, this.codedFrames);
    this.codedFrames += 1;
  }

  onAudio(tag: AudioTagInfo | undefined, bytes: number): void {
    this.all.record(bytes);
    this.audioRate.record(bytes);
    this.sawAudio = true;
    if (tag === undefined) return;
    if (tag.isSequenceHeader) {
      const info = tryAudioStreamInfo(tag);
      this.audio = { codec: info?.codec ?? tag.codec, sampleRate: info?.sampleRate ?? null, channels: info?.channels ?? null };
    } else if (this.audio === null || this.audio.codec !== tag.codec) {
      this.audio = { codec: tag.codec, sampleRate: tag.soundRate ?? null, channels: tag.soundChannels ?? null };
    }
  }

  /** A new publisher session: its headers and metadata replace the old ones as they arrive. */
  newSession(): void {
    this.metadata = undefined;
  }

  /** The ingest ended: forget everything. */
  reset(): void {
    const now = this.clock();
    this.metadata = undefined;
    this.video = null;
    this.configFps = undefined;
    this.codedFrames = 0;
    this.audio = null;
    this.sawAudio = false;
    this.all.reset(now);
    this.videoRate.reset(now);
    this.audioRate.reset(now);
    this.frames.reset();
    this.keyframes.reset();
  }

  measures(): Pick<IngestStats, 'bitrateKbps' | 'videoBitrateKbps' | 'audioBitrateKbps' | 'fps' | 'keyframeIntervalS' | 'declaredFps'> {
    const now = this.clock();
    const declared = this.metadata?.framerate ?? this.configFps ?? null;
    const fps = encoderFps(this.frames.fps(now), declared);
    const gopFrames = this.keyframes.intervalFrames;
    const keyframeIntervalS = gopFrames !== undefined && fps > 0 ? Math.round((gopFrames / fps) * 1_000) / 1_000 : (this.keyframes.intervalSeconds ?? null);
    return {
      bitrateKbps: round1(this.all.bitsPerSecond(now) / 1_000),
      videoBitrateKbps: round1(this.videoRate.bitsPerSecond(now) / 1_000),
      audioBitrateKbps: round1(this.audioRate.bitsPerSecond(now) / 1_000),
      fps,
      keyframeIntervalS,
      declaredFps: declared,
    };
  }
}

/**
 * Measured frames per second agree with what the encoder declares within these fractions: the
 * figure shown is then the declared rate. Frame timestamps are whole milliseconds and some
 * encoders stamp them on a coarse grid (GStreamer's flvmux on 21 ms audio buffers under load),
 * so a 2 s measurement of a steady 30 fps wanders, and after a stall it reads high while the
 * encoder's timestamps catch up. A rate below the declared one by more than `FPS_SHORTFALL`
 * is real (frames the encoder dropped) and shows as measured; above it, only past
 * `FPS_EXCESS` (an encoder that declares one rate and sends another).
 */
export const FPS_SHORTFALL = 0.025;
export const FPS_EXCESS = 0.1;

/** The encoder's frame rate: its declared rate while the measurement agrees with it, else the measurement. */
export function encoderFps(measured: number, declared: number | null): number {
  if (declared !== null && declared > 0 && measured > 0 && measured >= declared * (1 - FPS_SHORTFALL) && measured <= declared * (1 + FPS_EXCESS)) return Math.round(declared * 100) / 100;
  return round1(measured);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

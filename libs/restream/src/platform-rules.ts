import type { IngestStats } from './ingest';

/** What a platform accepts. Every field is optional: an absent rule is not checked. */
export interface PlatformRules {
  /** Video bitrate ceiling, kbit/s. */
  maxVideoBitrateKbps?: number;
  /** Longest keyframe interval accepted, seconds (Twitch 2, Facebook 4...). */
  maxKeyframeIntervalS?: number;
  /** Video codecs accepted, as @fanout/rtmp names them: 'h264', 'hevc', 'av1', 'vp9'. */
  videoCodecs?: string[];
  /** The platform refuses or flags streams without audio. */
  audioRequired?: boolean;
}

/** Tolerances so a figure hovering at the limit does not make a warning blink on and off. */
const KEYFRAME_TOLERANCE_S = 0.1;
const BITRATE_TOLERANCE = 1.05;

/** Video codec labels in warnings; the dashboard's (contracts `CODEC_LABELS`) agree, checked in apps/api. */
export const VIDEO_CODEC_LABELS: Readonly<Record<string, string>> = {
  h264: 'H.264',
  hevc: 'HEVC',
  av1: 'AV1',
  vp9: 'VP9',
  vp8: 'VP8',
  vvc: 'VVC',
};

export function codecLabel(codec: string): string {
  return VIDEO_CODEC_LABELS[codec] ?? codec.toUpperCase();
}

function seconds(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * What is wrong with the ingest for one destination, as sentences for the dashboard, e.g.
 * "Twitch expects keyframes every 2 s or less; you send 4 s." `label` names the destination or
 * platform in the sentence (default "This destination"). Nothing is checked while no ingest is
 * live, and a figure that is not known yet (keyframe interval before two keyframes) is not
 * judged. Fanout never transcodes: a codec mismatch is a warning, the stream passes through.
 */
export function checkPlatformRules(stats: IngestStats, rules: PlatformRules | undefined, label = 'This destination'): string[] {
  if (rules === undefined || stats.state === 'idle') return [];
  const warnings: string[] = [];
  const { maxKeyframeIntervalS, maxVideoBitrateKbps, videoCodecs, audioRequired } = rules;

  if (maxKeyframeIntervalS !== undefined && stats.keyframeIntervalS !== null && stats.keyframeIntervalS > maxKeyframeIntervalS + KEYFRAME_TOLERANCE_S) {
    warnings.push(`${label} expects keyframes every ${seconds(maxKeyframeIntervalS)} or less; you send ${seconds(stats.keyframeIntervalS)}.`);
  }
  const videoKbps = stats.videoBitrateKbps;
  if (maxVideoBitrateKbps !== undefined && videoKbps > maxVideoBitrateKbps * BITRATE_TOLERANCE) {
    warnings.push(`${label} accepts video up to ${maxVideoBitrateKbps} kbps; you send ${Math.round(videoKbps)} kbps.`);
  }
  if (videoCodecs !== undefined && videoCodecs.length > 0 && stats.video !== null && stats.video.codec !== 'unknown') {
    const codec = stats.video.codec;
    if (!videoCodecs.includes(codec)) {
      warnings.push(
        `${label} accepts ${list(videoCodecs.map(codecLabel))} video; you send ${codecLabel(codec)}. ` +
          'It is passed through unchanged (Fanout does not transcode), so the platform may refuse it.',
      );
    }
  }
  if (audioRequired === true && !stats.audioPresent && stats.video !== null) {
    warnings.push(`${label} requires an audio track; your stream has none.`);
  }
  return warnings;
}

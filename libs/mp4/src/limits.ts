import { Mp4Error } from './errors';

/**
 * When the muxer closes a fragment. One fragment holds every track's samples for its time span.
 *
 * - A keyframe of the sync track (the first video track, or the first audio track when there is
 *   no video) starts a new fragment once the current one spans `minDurationMs`: fragments of
 *   a normal stream begin at a keyframe, so each is a seek point.
 * - A fragment is closed without a keyframe once it spans `maxDurationMs` or its media reaches
 *   `maxBytes`, so long GOPs and audio-only streams still land on disk every ~2 s and a fragment
 *   never grows without bound in memory.
 * - An audio sample whose ms timestamp strays more than `audioResyncMs` from the audio decode
 *   time counted in codec samples (a publisher reconnect, a timeline jump, a drifting clock)
 *   starts a new fragment whose `tfdt` is re-anchored to the ms timeline.
 */
export interface FragmentPolicy {
  readonly minDurationMs: number;
  readonly maxDurationMs: number;
  readonly maxBytes: number;
  readonly audioResyncMs: number;
}

export const DEFAULT_FRAGMENT_POLICY: FragmentPolicy = Object.freeze({
  minDurationMs: 1000,
  maxDurationMs: 2000,
  maxBytes: 8 * 1024 * 1024,
  audioResyncMs: 30,
});

/** Every bound the muxer and the reader enforce, in one place. */
export interface Mp4Limits {
  /** Tracks in one file. */
  readonly maxTracks: number;
  /** Bytes of one sample. */
  readonly maxSampleBytes: number;
  /** Bytes of a codec configuration record (avcC, hvcC, av1C, AudioSpecificConfig, OpusHead). */
  readonly maxConfigBytes: number;
  /** Largest width or height in pixels. */
  readonly maxDimension: number;
  /** Largest moov or moof the reader loads into memory. */
  readonly maxHeaderBoxBytes: number;
  /** Samples in one trun the reader accepts. */
  readonly maxSamplesPerTrun: number;
}

export const DEFAULT_LIMITS: Mp4Limits = Object.freeze({
  maxTracks: 8,
  maxSampleBytes: 16 * 1024 * 1024,
  maxConfigBytes: 64 * 1024,
  maxDimension: 16384,
  maxHeaderBoxBytes: 32 * 1024 * 1024,
  maxSamplesPerTrun: 1_000_000,
});

export function resolveLimits(overrides: Partial<Mp4Limits> = {}): Mp4Limits {
  return Object.freeze({ ...DEFAULT_LIMITS, ...overrides });
}

export function resolvePolicy(overrides: Partial<FragmentPolicy> = {}): FragmentPolicy {
  const policy = { ...DEFAULT_FRAGMENT_POLICY, ...overrides };
  const finite = (n: number) => Number.isFinite(n) && n >= 0;
  if (!finite(policy.minDurationMs) || !finite(policy.maxDurationMs) || policy.maxDurationMs < policy.minDurationMs || policy.maxDurationMs <= 0) {
    throw new Mp4Error('INVALID_POLICY', `fragment durations must satisfy 0 <= min <= max, max > 0 (min ${policy.minDurationMs}, max ${policy.maxDurationMs})`);
  }
  if (!Number.isInteger(policy.maxBytes) || policy.maxBytes < 1 || policy.maxBytes > 0x7fff0000) {
    throw new Mp4Error('INVALID_POLICY', `maxBytes out of range: ${policy.maxBytes}`);
  }
  if (!finite(policy.audioResyncMs)) throw new Mp4Error('INVALID_POLICY', `audioResyncMs out of range: ${policy.audioResyncMs}`);
  return Object.freeze(policy);
}

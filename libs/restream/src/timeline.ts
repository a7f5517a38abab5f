/** "One frame" on the output timeline when nothing better is known (30 fps). */
export const DEFAULT_FRAME_GAP_MS = 33;
/** Video intervals "one frame" is the median of. */
export const FRAME_GAP_WINDOW = 9;
/** A measured median this many times the declared frame is not taken as one frame. */
export const FAR_ABOVE_DECLARED = 1.5;

export type TimelineKind = 'video' | 'audio' | 'data';

/**
 * The output timeline of one stream: what every sink sees, continuous and monotonic per track
 * across publisher changes (a reconnecting OBS, a takeover, later a backup encoder or a slate).
 *
 * - A fresh broadcast starts at the ingest's own timestamps (offset 0).
 * - After {@link resume}, the next message fixes the offset so that the new publisher's timeline
 *   continues one frame after the last video frame sent (see `resumeBase`), whatever its clock says.
 * - Per track, a timestamp never goes back (it is held at the last one); data messages never go
 *   before the latest media.
 */
export class OutputTimeline {
  private offset = 0;
  private needOffset = false;
  private lastOut: number | undefined;
  private lastVideoOut: number | undefined;
  private lastAudioOut: number | undefined;
  /** Latest intervals between two video frames on the output; their median is "one frame" when a session resumes. */
  private videoFrameGaps: number[] = [];

  /** `declaredFrameGapMs`: one frame at the ingest's declared rate, if known (used before any two frames were seen). */
  constructor(private readonly declaredFrameGapMs: () => number | undefined = () => undefined) {}

  /** A new broadcast: the ingest's timestamps as they are. */
  reset(): void {
    this.offset = 0;
    this.needOffset = false;
    this.lastOut = this.lastVideoOut = this.lastAudioOut = undefined;
    this.videoFrameGaps = [];
  }

  /** Another publisher continues this broadcast: its first message is placed one frame after the last one sent. */
  resume(): void {
    this.needOffset = true;
  }

  /** The latest timestamp placed on the output, if any. */
  get last(): number | undefined {
    return this.lastOut;
  }

  /** The latest timestamp placed on a media track, if any. */
  lastOf(kind: 'video' | 'audio'): number | undefined {
    return kind === 'video' ? this.lastVideoOut : this.lastAudioOut;
  }

  /** The output timestamp of an ingest timestamp. */
  map(kind: TimelineKind, timestamp: number): number {
    if (this.needOffset) {
      this.needOffset = false;
      this.offset = this.lastOut === undefined ? 0 : this.resumeBase() + this.frameGapMs() - timestamp;
    }
    let out = Math.max(0, timestamp + this.offset);
    if (kind === 'data') return Math.max(out, this.lastOut ?? 0);
    const lastTrack = kind === 'video' ? this.lastVideoOut : this.lastAudioOut;
    if (lastTrack !== undefined && out < lastTrack) out = lastTrack;
    if (kind === 'video' && lastTrack !== undefined && out - lastTrack > 0 && out - lastTrack <= 1_000) {
      this.videoFrameGaps.push(out - lastTrack);
      if (this.videoFrameGaps.length > FRAME_GAP_WINDOW) this.videoFrameGaps.shift();
    }
    if (kind === 'video') this.lastVideoOut = out;
    else this.lastAudioOut = out;
    if (this.lastOut === undefined || out > this.lastOut) this.lastOut = out;
    return out;
  }

  /**
   * Where a resumed session continues from: the last video frame, so that video goes on exactly
   * one frame later (audio, which runs a few ms either side of video, then lands at most a frame
   * after its own last timestamp); the last timestamp of any track when audio ran on more than a
   * frame past the video (a video track that stopped), so that no track has to be held back.
   */
  private resumeBase(): number {
    const last = this.lastOut as number;
    const video = this.lastVideoOut;
    return video !== undefined && last - video <= this.frameGapMs() ? video : last;
  }

  /**
   * One frame: the median of the last {@link FRAME_GAP_WINDOW} video intervals (one late frame
   * from a jittery encoder does not make "one frame" 45 ms at 60 fps) — unless it is more than
   * {@link FAR_ABOVE_DECLARED} times the declared rate's frame, which is then taken; the declared
   * rate's alone before two frames were seen; else {@link DEFAULT_FRAME_GAP_MS}.
   */
  frameGapMs(): number {
    const d = this.declaredFrameGapMs();
    const declared = d === undefined ? undefined : Math.min(100, Math.max(1, Math.round(d)));
    if (this.videoFrameGaps.length > 0) {
      const sorted = [...this.videoFrameGaps].sort((x, y) => x - y);
      const measured = sorted[Math.floor((sorted.length - 1) / 2)] as number;
      // Far above the declared frame, the median is not a frame: an encoder falling behind under
      // load, or stamping on a coarse grid (flvmux on 21 ms audio buffers gives 64 ms steps).
      return declared !== undefined && measured > declared * FAR_ABOVE_DECLARED ? declared : measured;
    }
    return declared ?? DEFAULT_FRAME_GAP_MS;
  }
}

import { EventEmitter } from 'node:events';
import { type Clock, monotonicClock } from '../clock';
import type { IngestSource, IngestSourceEvents } from '../sources/ingest-source';
import type { SlateClip } from './clip';

export interface SlateSourceOptions {
  clock?: Clock;
  /**
   * How far behind its schedule the slate may fall (a blocked event loop) before it gives up the
   * lag instead of bursting to catch up: timestamps stay contiguous, the slate just runs later.
   */
  maxCatchUpMs?: number;
}

/**
 * A slate clip played as an ingest source, in real time and looped for ever: on `start()` its
 * metadata and sequence headers (timestamp 0), then frame `n` of the endless loop at `n` frame
 * durations, video and audio each on their own track, so each loop continues the last exactly.
 * A timer emits the frames that are due; after a stall it catches up by at most `maxCatchUpMs`.
 */
export class SlateSource extends EventEmitter<IngestSourceEvents> implements IngestSource {
  readonly kind = 'slate';
  private readonly clock: Clock;
  private readonly maxCatchUpMs: number;
  private endedValue = false;
  private timer: NodeJS.Timeout | undefined;
  private anchor = 0;
  private nextVideo = 0;
  private nextAudio = 0;
  /** Frames emitted, per track (for tests and stats). */
  videoFrames = 0;
  audioFrames = 0;

  constructor(
    readonly clip: SlateClip,
    options: SlateSourceOptions = {},
  ) {
    super();
    this.clock = options.clock ?? monotonicClock;
    this.maxCatchUpMs = options.maxCatchUpMs ?? 500;
  }

  get ended(): boolean {
    return this.endedValue;
  }

  get started(): boolean {
    return this.timer !== undefined || this.videoFrames > 0;
  }

  /** Emits the headers and the first frames now, then the rest when due. */
  start(): void {
    if (this.endedValue || this.started) return;
    const clip = this.clip;
    this.anchor = this.clock();
    this.emit('metadata', clip.metadata, 0);
    this.emit('video', 0, clip.videoHeader);
    if (clip.audioHeader !== undefined) this.emit('audio', 0, clip.audioHeader);
    this.tick();
  }

  /** Stops for good (the slate went off air). */
  close(_reason?: string): void {
    if (this.endedValue) return;
    this.endedValue = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.emit('ended', 'stopped', undefined);
  }

  private videoDue(n: number): number {
    return n * this.clip.videoFrameMs;
  }

  private audioDue(n: number): number {
    return n * this.clip.audioFrameMs;
  }

  private tick(): void {
    this.timer = undefined;
    if (this.endedValue) return;
    const clip = this.clip;
    const hasAudio = clip.audio.length > 0;
    let elapsed = this.clock() - this.anchor;
    const behind = elapsed - Math.min(this.videoDue(this.nextVideo), hasAudio ? this.audioDue(this.nextAudio) : Infinity);
    if (behind > this.maxCatchUpMs) {
      this.anchor += behind - this.maxCatchUpMs; // give up the lag beyond the bound
      elapsed = this.clock() - this.anchor;
    }
    // Due frames in timestamp order (video first on a tie), bounded per tick.
    for (let i = 0; i < 10_000 && !this.endedValue; i++) {
      const v = this.videoDue(this.nextVideo);
      const a = hasAudio ? this.audioDue(this.nextAudio) : Infinity;
      const next = Math.min(v, a);
      if (next > elapsed) break;
      if (v <= a) {
        this.emit('video', Math.round(v), clip.video[this.nextVideo % clip.video.length] as Buffer);
        this.nextVideo += 1;
        this.videoFrames += 1;
      } else {
        this.emit('audio', Math.round(a), clip.audio[this.nextAudio % clip.audio.length] as Buffer);
        this.nextAudio += 1;
        this.audioFrames += 1;
      }
    }
    if (this.endedValue) return;
    const next = Math.min(this.videoDue(this.nextVideo), hasAudio ? this.audioDue(this.nextAudio) : Infinity);
    const wait = Math.max(1, Math.ceil(next - (this.clock() - this.anchor)));
    this.timer = setTimeout(() => this.tick(), wait);
    this.timer.unref();
  }
}

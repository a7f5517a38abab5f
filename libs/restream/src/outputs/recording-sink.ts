import { dirname } from 'node:path';
import { Fmp4Muxer, type Fragment, type FragmentPolicy, type Mp4Sample, type TrackConfig } from '@fanout/mp4';
import { type StreamMetadata, decodeAmf0Sequence, parseOnMetaData } from '@fanout/rtmp';
import { BoundedQueue, type BoundedQueueOptions } from '../bounded-queue';
import type { IngestStats } from '../ingest';
import { type EngineItem, payloadOf } from '../item';
import { RateMeter } from '../rate-meter';
import { type Sink, type SinkContext, type SinkStats, deliveryFigures } from '../sink';
import type { DestinationStatus } from '../state';
import { type AudioConfig, RECORDED_AUDIO_CODECS, type RecordedAudioCodec, type RecordedVideoCodec, TagReader, type TagUnit, type VideoConfig, audioTrackConfig, videoTrackConfig } from './flv-samples';
import { BelowFloor, DEFAULT_FREE_SPACE, type FreeSpaceOptions, FreeSpaceGuard } from './free-space';
import { BlockList, type RecordingTarget } from './recording-target';

/** Why a recording stopped early (`lastError.reason`). */
export type RecordingFailure =
  /** The file system said ENOSPC / EDQUOT. */
  | 'disk-full'
  /** Recording on would take the file system below the free-space floor. */
  | 'low-disk-space'
  /** EACCES, EPERM, EROFS, or the directory does not exist. */
  | 'not-writable'
  /** Any other I/O error (EIO, …). */
  | 'io'
  /** A write or open took longer than `stallTimeoutMs`. */
  | 'stalled'
  /** A video codec (or configuration) the recorder cannot write. */
  | 'unsupported';

export interface RecordingStats extends SinkStats {
  kind: 'recording';
  lastError: { reason: RecordingFailure; message: string; at: string } | null;
  /** The file being written, else the last one written. */
  file: string | null;
  /** 1, then 2, 3 … after a codec change within the broadcast. */
  part: number;
  /** Bytes of that file written so far (`bytesSent` counts every file of this sink). */
  fileBytes: number;
  /** Media in that file, up to its last written fragment. */
  durationMs: number;
  /** Codecs of that file, as @fanout/rtmp names them ('h264', 'hevc', 'av1', 'aac', 'opus'). */
  videoCodec: string | null;
  audioCodec: string | null;
  /** Fragments in that file. */
  fragments: number;
  /** Video frames that came before the broadcast's first keyframe (not recordable), all files. */
  skippedBeforeKeyframe: number;
  /** Samples the muxer refused (malformed), all files. */
  rejectedSamples: number;
  /** Free bytes on the recording's file system at the last check, if known. */
  freeBytes: number | null;
}

/** One recording file, for the host's records. */
export interface RecordingFileSummary {
  path: string;
  part: number;
  /**
   * `finished`: finalized (index, durations) and closed. `failed`: stopped early; it plays up to
   * its last fragment (`reason` says why). `discarded`: nothing was recorded; the file was removed.
   */
  status: 'finished' | 'failed' | 'discarded';
  /** `codec-change`: part `part + 1` follows. */
  endedBy: 'ingest-ended' | 'codec-change' | 'closed' | 'failed';
  durationMs: number;
  bytes: number;
  fragments: number;
  videoCodec: string | null;
  audioCodec: string | null;
  reason?: RecordingFailure;
  message?: string;
}

export type RecordingFileEvent = { type: 'opened'; path: string; part: number; at: string } | { type: 'closed'; file: RecordingFileSummary };

export interface RecordingSinkOptions {
  id: string;
  name: string;
  /**
   * Opens part `part` of the broadcast's recording: 1 when the ingest starts, 2, 3 … when a
   * codec configuration changes mid-broadcast (see `recordingPartPath`, `openRecordingFile`).
   */
  open(part: number): Promise<RecordingTarget>;
  /**
   * The sink's own queue, in front of the muxer: what piles up while an operation is in flight.
   * Default {@link RECORDING_QUEUE}: deeper than a destination's, as a disk that hiccups for a few
   * seconds should not cost frames; past `stallTimeoutMs` the recording fails anyway.
   */
  queue?: Partial<BoundedQueueOptions>;
  /** Fragment durations (default 1–2 s). */
  fragment?: Partial<FragmentPolicy>;
  freeSpace?: Partial<FreeSpaceOptions>;
  /** An open, a write or a close taking longer than this fails the recording as `stalled` (default 10 s). */
  stallTimeoutMs?: number;
  /** What is buffered in the muxer is written as a fragment once no frame came for this long (a publisher in its grace window). Default 3 s. */
  idleFlushMs?: number;
  /**
   * How much media a start waits for the sequence header and first frame of a track that the
   * metadata announces (or, without metadata, of both tracks) before it starts without it.
   */
  headerWaitMs?: number;
  /** A file was opened or closed: the host keeps its records (Recording rows) from these. */
  onFile?(event: RecordingFileEvent): void;
}

/** An early stop the recorder decided itself (codec), with its reason. */
class RecordingStop extends Error {
  override readonly name = 'RecordingStop';
  constructor(
    readonly reason: RecordingFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A frame that came before its file's tracks were decided. */
interface Held {
  video: boolean;
  ts: number;
  cts: number;
  keyframe: boolean;
  data: Buffer;
}

/** One .mp4 being written: its target, muxer and what has been written of it. */
class RecordingFile {
  muxer: Fmp4Muxer | undefined;
  videoTrack: number | undefined;
  audioTrack: number | undefined;
  video: VideoConfig | undefined;
  audio: AudioConfig | undefined;
  held: Held[] = [];
  heldVideo = false;
  heldAudio = false;
  /** Timeline ms of the file's time 0: its earliest first sample. */
  base = 0;
  /** Length of the playable prefix on disk: the init, then the end of each committed fragment. */
  committed = 0;
  bytes = 0;
  fragments = 0;
  durationMs = 0;
  /** Sample bytes in the muxer not yet in a fragment, and keyframes so far: what finishing needs. */
  buffered = 0;
  keyframes = 0;
  /** Decode time of the newest sample in the muxer, file ms. */
  lastDtsMs = 0;
  /** The host was told the file is closed (once, whatever happens after). */
  reported = false;

  constructor(
    readonly target: RecordingTarget,
    readonly part: number,
  ) {}
}

/** A batch of writes, and what the file is once it is written. */
class Batch extends BlockList {
  committed: number | undefined;
  fragments = 0;
  durationMs: number | undefined;
}

type Outcome = 'ok' | 'split' | RecordingStop;

/** The recording's queue bounds unless told otherwise: 10 s or 32 MiB of media (a 6 Mb/s stream: ~7.5 MB). */
export const RECORDING_QUEUE: Partial<BoundedQueueOptions> = Object.freeze({ maxBytes: 32 * 1024 * 1024, maxDurationMs: 10_000 });

/** Held frames at most, whatever their span (a stream of tiny frames). */
const MAX_HELD = 4_096;
/** The mfra, the patches and a margin, beyond the samples still buffered: room kept to finish a file. */
const FINISH_RESERVE = 256 * 1024;
/** Per keyframe, its mfra entries (video, first audio sample). */
const MFRA_BYTES_PER_KEYFRAME = 64;
const DROP_WARNING_MS = 10_000;
const EMPTY = Buffer.alloc(0);

/**
 * Records the output timeline of a broadcast to fragmented MP4 files, through @fanout/mp4's
 * muxer, with no ffmpeg in the path. A sink like any other: it never blocks or throws into the
 * engine, and a failure here never touches another sink.
 *
 * - **One file per broadcast**, from its first frame (the start log) or, attached mid-broadcast,
 *   from the current GOP. A publisher that comes back within the grace window continues the same
 *   file on the same timeline (the engine only ends the ingest after the window).
 * - **FLV to samples:** legacy AVC and AAC, Enhanced RTMP hvc1, av01, avc1, mp4a and Opus;
 *   composition offsets kept; video before the first keyframe skipped (counted). The file's time
 *   0 is its earliest first sample, so A/V offsets are the publisher's.
 * - **A codec configuration change** (a sequence header that differs from the file's, or a track
 *   that appears) finishes the file and continues in part 2, 3 …: a moov describes one
 *   configuration per track, and a new file keeps every part a plain, standalone MP4.
 * - **Crash safe:** fragments are written in commit mode (their bytes, then the 8-byte moof
 *   header over them), so a kill -9 at any byte leaves a file that plays up to its last
 *   fragment; `recoverRecording` tidies it on the next start. A clean end writes the last
 *   fragment, the mfra, the sidx and the durations, then fdatasyncs and closes.
 * - **Its own bounded queue** (drops whole GOP tails, counted, like every sink) and one I/O
 *   operation in flight: what queued meanwhile is muxed and written as one batch.
 * - **Failures** (ENOSPC, EACCES, EROFS, EIO, a stall, the free-space floor) put it in `failed`
 *   with the reason in `lastError` and a warning in the log. The file is left playable up to its
 *   last written fragment (finished cleanly when the floor or a codec stopped it); the next
 *   broadcast tries again.
 */
export class RecordingSink implements Sink {
  readonly id: string;
  readonly kind = 'recording';
  readonly wantsPayloads = true;
  private statusValue: DestinationStatus = 'idle';
  private readonly queue: BoundedQueue<EngineItem>;
  private readonly rate: RateMeter;
  private readonly reader = new TagReader();
  private readonly guard: FreeSpaceGuard;
  /** Reused for every push: the muxer copies what it keeps. */
  private readonly sample: Mp4Sample = { dtsMs: 0, ctsOffsetMs: 0, data: EMPTY, keyframe: false };
  private readonly stallMs: number;
  private readonly idleFlushMs: number;
  private readonly headerWaitMs: number;

  private file: RecordingFile | undefined;
  /** What the stats show when no file is open: the last one. */
  private lastFile: RecordingFile | undefined;
  private lastError: RecordingStats['lastError'] = null;
  private closed = false;

  // The broadcast: what the recorder has learnt of it so far.
  private sawKeyframe = false;
  private metadata: StreamMetadata | undefined;
  private video: VideoConfig | undefined;
  private audio: AudioConfig | undefined;
  private unsupportedAudio: string | undefined;

  // I/O: one chain of operations, one at a time.
  private chain: Promise<void> = Promise.resolve();
  private ops = 0;
  /** Bumped when the recording fails: operations queued before are skipped. */
  private generation = 0;

  private bytesSent = 0;
  private skippedBeforeKeyframe = 0;
  private rejectedSamples = 0;
  private lastDropAt: number | undefined;
  private pushes = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** An empty batch kept for the next push. */
  private spare: Batch | undefined;

  constructor(
    private readonly options: RecordingSinkOptions,
    private readonly ctx: SinkContext,
  ) {
    this.id = options.id;
    this.queue = new BoundedQueue<EngineItem>({ ...RECORDING_QUEUE, ...options.queue });
    this.rate = new RateMeter({ clock: ctx.clock });
    this.guard = new FreeSpaceGuard({ ...DEFAULT_FREE_SPACE, ...options.freeSpace }, ctx.clock);
    this.stallMs = options.stallTimeoutMs ?? 10_000;
    this.idleFlushMs = options.idleFlushMs ?? 3_000;
    this.headerWaitMs = options.headerWaitMs ?? 1_500;
  }

  get status(): DestinationStatus {
    return this.statusValue;
  }

  push(item: EngineItem): void {
    if (this.statusValue !== 'live') return;
    if (this.accept(item)) this.pump();
  }

  /** Into the queue, unless it is video before the broadcast's first keyframe. False when refused. */
  private accept(item: EngineItem): boolean {
    if (item.kind === 'video' && !item.sequenceHeader) {
      if (item.keyframe) this.sawKeyframe = true;
      else if (!this.sawKeyframe) {
        this.skippedBeforeKeyframe += 1;
        return false;
      }
    }
    this.pushes += 1;
    const droppedBefore = this.queue.droppedFrames + this.queue.droppedAudio;
    if (this.queue.push(item) === 'overflow') {
      this.fail(new RecordingStop('stalled', `${this.queue.controlItems} headers and data messages unwritten: the recording cannot keep up`));
      return false;
    }
    if (this.queue.droppedFrames + this.queue.droppedAudio > droppedBefore) {
      this.lastDropAt = this.ctx.clock();
      this.ctx.warner.warn(`${this.id}:drop`, { ...this.logFields(), droppedFrames: this.queue.droppedFrames, queueBytes: this.queue.bytes }, 'recording is behind: dropping frames up to the next keyframe');
    }
    return true;
  }

  ingestStarted(): void {
    if (this.closed || this.statusValue === 'live' || this.statusValue === 'connecting') return;
    this.setStatus('connecting');
    this.enqueue(async () => {
      // A new broadcast, once the last one is finished: nothing of what was learnt of it holds.
      this.sawKeyframe = false;
      this.metadata = this.video = this.audio = this.unsupportedAudio = undefined;
      await this.openPart(1);
      if (this.statusValue !== 'connecting') return; // ended (or closed) while opening: the finish is queued next
      this.queue.clear();
      for (const item of this.ctx.snapshot()) this.accept(item);
      this.setStatus('live');
      this.startIdleTimer();
    });
  }

  ingestEnded(): void {
    if (this.statusValue !== 'live' && this.statusValue !== 'connecting') return;
    this.setStatus('idle');
    this.stopIdleTimer();
    this.enqueue(() => this.finishBroadcast('ingest-ended'));
  }

  stats(_ingest: IngestStats): RecordingStats {
    const f = this.file ?? this.lastFile;
    const warnings: string[] = [];
    if (this.unsupportedAudio !== undefined) warnings.push(`The audio (${this.unsupportedAudio}) is not recorded: recordings take AAC or Opus audio.`);
    if (this.lastDropAt !== undefined && this.ctx.clock() - this.lastDropAt < DROP_WARNING_MS) warnings.push(`The recording is slower than the stream: frames were dropped in the last ${DROP_WARNING_MS / 1_000} s.`);
    return {
      id: this.id,
      kind: 'recording',
      name: this.options.name,
      state: this.statusValue,
      ...deliveryFigures(this.rate, this.bytesSent, this.queue),
      lastError: this.lastError,
      warnings,
      file: f?.target.path ?? null,
      part: f?.part ?? 0,
      fileBytes: f?.committed ?? 0,
      durationMs: f?.durationMs ?? 0,
      videoCodec: f?.video?.codec ?? null,
      audioCodec: f?.audio?.codec ?? null,
      fragments: f?.fragments ?? 0,
      skippedBeforeKeyframe: this.skippedBeforeKeyframe + (f?.muxer?.stats.droppedBeforeKeyframe ?? 0),
      rejectedSamples: this.rejectedSamples,
      freeBytes: this.guard.lastFree ?? null,
    };
  }

  /** Finishes the file being written (what is queued goes in first), then stops. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stopIdleTimer();
      if (this.statusValue === 'live' || this.statusValue === 'connecting') {
        this.setStatus('idle');
        this.enqueue(() => this.finishBroadcast('closed'));
      }
    }
    await this.settled();
  }

  async settled(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const chain = this.chain;
      await chain;
      if (chain === this.chain) return;
    }
  }

  // ── The data path ────────────────────────────────────────────────────────────────────────

  /** Muxes what is queued and writes it as one batch, when no I/O is in flight. */
  private pump(): void {
    if (this.ops > 0 || this.statusValue !== 'live' || this.file === undefined) return;
    // Most pushes mux one frame and write nothing: the batch waits for the next one.
    const batch = (this.spare ??= new Batch());
    let outcome: Outcome;
    try {
      outcome = this.drain(batch);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (batch.empty && outcome === 'ok') return;
    this.spare = undefined;
    const file = this.file;
    this.enqueue(async () => {
      const last = await this.write(file, batch);
      if (outcome instanceof RecordingStop) throw outcome;
      if (last !== undefined) throw new BelowFloor(last, true);
      if (outcome === 'split') await this.nextPart(file);
    });
  }

  /** Muxes queued items into `batch` until the queue is empty or a part must end. */
  private drain(batch: Batch): Outcome {
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      const outcome = this.handle(item, batch);
      if (outcome !== 'ok') return outcome;
    }
    return 'ok';
  }

  private handle(item: EngineItem, batch: Batch): Outcome {
    if (item.kind === 'data') {
      this.readMetadata(item);
      return 'ok';
    }
    if (item.kind !== 'video' && item.kind !== 'audio') return 'ok';
    const video = item.kind === 'video';
    const unit = video ? this.reader.video(payloadOf(item)) : this.reader.audio(payloadOf(item));
    switch (unit.what) {
      case 'skip':
        return 'ok';
      case 'unsupported':
        if (video) return new RecordingStop('unsupported', `the video codec ${unit.codec} cannot be recorded: recordings take H.264, HEVC or AV1`);
        this.noteUnsupportedAudio(unit.codec);
        return 'ok';
      case 'config':
        return this.config(video, unit);
      case 'frame':
        this.frame(video, item.timestampMs, unit, batch);
        return 'ok';
    }
  }

  /** A sequence header: the same as the file's is ignored; another one ends the part. */
  private config(video: boolean, unit: TagUnit): Outcome {
    const file = this.file as RecordingFile;
    const current = video ? this.video : this.audio;
    if (current !== undefined && current.codec === unit.codec && current.record.equals(unit.data)) return 'ok';
    const record = Buffer.from(unit.data);
    if (video) this.video = { codec: unit.codec as RecordedVideoCodec, record };
    else {
      this.audio = { codec: unit.codec as RecordedAudioCodec, record };
      this.unsupportedAudio = undefined;
    }
    if (file.muxer === undefined) {
      // Not started yet: frames held under the previous configuration of this track go.
      if (current !== undefined && (video ? file.heldVideo : file.heldAudio)) {
        file.held = file.held.filter((h) => h.video !== video);
        if (video) file.heldVideo = false;
        else file.heldAudio = false;
      }
      return 'ok';
    }
    const inFile = video ? file.video : file.audio;
    if (inFile !== undefined && inFile.codec === unit.codec && inFile.record.equals(record)) return 'ok';
    return 'split';
  }

  private frame(video: boolean, ts: number, unit: TagUnit, batch: Batch): void {
    const file = this.file as RecordingFile;
    if (file.muxer === undefined) {
      if ((video ? this.video : this.audio) === undefined) return; // no configuration: nothing to decode it with
      file.held.push({ video, ts, cts: unit.ctsMs, keyframe: unit.keyframe, data: unit.data });
      if (video) file.heldVideo = true;
      else file.heldAudio = true;
      this.maybeStart(file, ts, batch);
      return;
    }
    const track = video ? file.videoTrack : file.audioTrack;
    if (track !== undefined) this.mux(file, track, ts, unit.ctsMs, unit.keyframe, unit.data, batch);
  }

  /**
   * The file's tracks are decided at its start, once every expected track has its configuration
   * and a first frame (the metadata says which tracks to expect; without metadata, both), or
   * once `headerWaitMs` of media went by without them.
   */
  private maybeStart(file: RecordingFile, ts: number, batch: Batch): void {
    const m = this.metadata;
    const wantVideo = m === undefined || m.videocodecid !== undefined || m.width !== undefined;
    const wantAudio = this.unsupportedAudio === undefined && (m === undefined || (m.audiocodecid !== undefined && (m.audioCodec === undefined || m.audioCodec === 'unknown' || m.audioCodec in RECORDED_AUDIO_CODECS)));
    const ready = (!wantVideo || (this.video !== undefined && file.heldVideo)) && (!wantAudio || (this.audio !== undefined && file.heldAudio));
    const first = file.held[0] as Held;
    if (ready || ts - first.ts >= this.headerWaitMs || file.held.length >= MAX_HELD) this.start(file, batch);
  }

  private start(file: RecordingFile, batch: Batch): void {
    const tracks: TrackConfig[] = [];
    try {
      if (this.video !== undefined) {
        tracks.push(videoTrackConfig(this.video, this.metadata));
        file.video = this.video;
        file.videoTrack = tracks.length;
      }
      if (this.audio !== undefined) {
        tracks.push(audioTrackConfig(this.audio, this.metadata));
        file.audio = this.audio;
        file.audioTrack = tracks.length;
      }
      file.muxer = new Fmp4Muxer({ tracks, writeMode: 'commit', ...(this.options.fragment !== undefined ? { fragment: this.options.fragment } : {}) });
    } catch (error) {
      file.muxer = undefined;
      throw new RecordingStop('unsupported', `the codec configuration cannot be recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
    batch.add(0, file.muxer.init());
    batch.committed = file.muxer.init().length;
    let base = Number.POSITIVE_INFINITY;
    for (const h of file.held) base = Math.min(base, h.ts);
    file.base = Number.isFinite(base) ? base : 0;
    const held = file.held;
    file.held = [];
    for (const h of held) {
      const track = h.video ? file.videoTrack : file.audioTrack;
      if (track !== undefined) this.mux(file, track, h.ts, h.cts, h.keyframe, h.data, batch);
    }
    this.ctx.logger.info({ ...this.logFields(), part: file.part, video: file.video?.codec ?? null, audio: file.audio?.codec ?? null }, 'recording started');
  }

  private mux(file: RecordingFile, track: number, ts: number, cts: number, keyframe: boolean, data: Buffer, batch: Batch): void {
    const muxer = file.muxer as Fmp4Muxer;
    const s = this.sample;
    s.dtsMs = ts > file.base ? ts - file.base : 0;
    s.ctsOffsetMs = cts;
    s.data = data;
    s.keyframe = keyframe;
    let fragments: Fragment[];
    try {
      fragments = muxer.push(track, s);
    } catch (error) {
      this.rejectedSamples += 1;
      this.ctx.warner.warn(`${this.id}:rejected`, { ...this.logFields(), error: error instanceof Error ? error.message : String(error), rejectedSamples: this.rejectedSamples }, 'recording: a sample was refused by the muxer and left out');
      return;
    } finally {
      s.data = EMPTY;
    }
    for (const f of fragments) {
      this.addFragment(batch, f, s.dtsMs);
      file.buffered = 0;
    }
    file.buffered += data.length;
    file.lastDtsMs = s.dtsMs;
    if (keyframe && track === file.videoTrack) file.keyframes += 1;
  }

  private addFragment(batch: Batch, f: Fragment, endMs: number): void {
    // The fragment's pieces (moof, then the samples' own bytes) go to one writev, uncopied.
    let at = f.offset;
    for (const chunk of f.chunks) {
      batch.add(at, chunk);
      at += chunk.length;
    }
    if (f.commit !== undefined) batch.add(f.commit.offset, f.commit.bytes);
    batch.committed = f.offset + f.length;
    batch.fragments += 1;
    batch.durationMs = endMs;
  }

  private readMetadata(item: EngineItem): void {
    try {
      const values = decodeAmf0Sequence(payloadOf(item));
      const at = values.indexOf('onMetaData');
      if (at >= 0) this.metadata = parseOnMetaData(values[at + 1]);
    } catch {
      // Not AMF we can read: not metadata we need.
    }
  }

  private noteUnsupportedAudio(codec: string): void {
    if (this.unsupportedAudio === codec) return;
    this.unsupportedAudio = codec;
    this.ctx.logger.warn({ ...this.logFields(), audioCodec: codec }, 'recording: this audio codec cannot be recorded; recording video only');
  }

  // ── I/O ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Queues an I/O operation behind the others; each gets `stallTimeoutMs`. An operation queued
   * before a failure is skipped. When the last one is done, the pump runs again.
   */
  private enqueue(op: () => Promise<void>): void {
    const generation = this.generation;
    this.ops += 1;
    const run = async (): Promise<void> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        if (generation !== this.generation) return;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RecordingStop('stalled', `the recording's storage did not answer for ${this.stallMs} ms`)), this.stallMs);
          timer.unref();
        });
        await Promise.race([op(), stalled]);
      } catch (error) {
        if (generation === this.generation) this.fail(error);
        else this.ctx.logger.debug({ ...this.logFields(), error: messageOf(error) }, 'recording: cleanup after a failure did not complete');
      } finally {
        clearTimeout(timer);
        this.ops -= 1;
      }
      if (this.ops === 0) this.pump();
    };
    this.chain = this.chain.then(run);
  }

  private async openPart(part: number): Promise<void> {
    const generation = this.generation;
    let target: RecordingTarget;
    try {
      target = await this.options.open(part);
    } catch (error) {
      throw ioFailure(error, 'could not create the recording file');
    }
    if (generation !== this.generation) {
      // Opened after the recording failed (a stalled open): not ours any more.
      void (target.discard ?? target.close).call(target).catch(() => undefined);
      return;
    }
    this.file = new RecordingFile(target, part);
    this.guard.reset();
    this.emitFile({ type: 'opened', path: target.path, part, at: new Date(this.ctx.wallClock()).toISOString() });
  }

  /**
   * Writes a batch, after the free-space check. Returns the floor's message when this batch is
   * the last that fits above it.
   */
  private async write(file: RecordingFile, batch: Batch): Promise<string | undefined> {
    if (batch.empty) return undefined;
    const reserve = file.buffered + FINISH_RESERVE + file.keyframes * MFRA_BYTES_PER_KEYFRAME;
    const space = file.target.space;
    const last = await this.guard.admit(batch.bytes, reserve, space === undefined ? undefined : () => space.call(file.target), dirname(file.target.path));
    try {
      await file.target.write(batch.blocks);
    } catch (error) {
      throw ioFailure(error, `could not write ${file.target.path}`);
    }
    if (batch.committed !== undefined) file.committed = batch.committed;
    file.bytes += batch.bytes;
    file.fragments += batch.fragments;
    if (batch.durationMs !== undefined) file.durationMs = batch.durationMs;
    this.bytesSent += batch.bytes;
    this.rate.record(batch.bytes);
    return last;
  }

  /** A new codec configuration: this part is finished, the next one opened, and recording goes on. */
  private async nextPart(file: RecordingFile): Promise<void> {
    await this.finishFile(file, 'finished', 'codec-change');
    this.ctx.logger.info({ ...this.logFields(), part: file.part + 1, video: this.video?.codec ?? null, audio: this.audio?.codec ?? null }, 'recording: the codec configuration changed; continuing in a new part');
    await this.openPart(file.part + 1);
  }

  /** The broadcast is over (or the sink closed): what is queued goes in, then the file is finished. */
  private async finishBroadcast(endedBy: 'ingest-ended' | 'closed'): Promise<void> {
    for (let round = 0; round < 1_000; round++) {
      const file = this.file;
      if (file === undefined) return;
      const batch = new Batch();
      const outcome = this.drain(batch);
      const last = await this.write(file, batch);
      if (outcome instanceof RecordingStop) throw outcome;
      if (last !== undefined) throw new BelowFloor(last, true);
      if (outcome === 'split') {
        await this.nextPart(file);
        continue;
      }
      await this.finishFile(file, 'finished', endedBy);
      return;
    }
  }

  /**
   * Finishes a file: the muxer's last fragment, the mfra, then the sidx and duration patches,
   * fdatasync, close. A file that never started (no frame) is discarded.
   */
  private async finishFile(file: RecordingFile, status: 'finished' | 'failed', endedBy: RecordingFileSummary['endedBy'], why?: { reason: RecordingFailure; message: string }): Promise<void> {
    if (this.file === file) this.file = undefined;
    this.lastFile = file;
    const batch = new Batch();
    if (file.muxer === undefined && file.held.length > 0) {
      try {
        this.start(file, batch);
      } catch (error) {
        // Frames held for a configuration the muxer refuses: nothing to keep.
        const failure = error instanceof RecordingStop ? error : new RecordingStop('unsupported', messageOf(error));
        await (file.target.discard ?? file.target.close).call(file.target).catch(() => undefined);
        this.reportClosed(file, this.summary(file, 'failed', 'failed', { reason: failure.reason, message: failure.message }));
        throw failure;
      }
    }
    const muxer = file.muxer;
    if (muxer === undefined) {
      await (file.target.discard ?? file.target.close).call(file.target);
      this.reportClosed(file, this.summary(file, status === 'failed' ? 'failed' : 'discarded', endedBy, why));
      return;
    }
    const end = muxer.finalize();
    if (end.fragment !== undefined) this.addFragment(batch, end.fragment, end.durationMs);
    const tailAt = muxer.stats.bytes;
    batch.add(tailAt, end.tail);
    for (const patch of end.patches) batch.add(patch.offset, patch.bytes);
    try {
      await file.target.write(batch.blocks);
      await file.target.sync?.();
      await file.target.close();
    } catch (error) {
      const failure = ioFailure(error, `could not finish ${file.target.path}`);
      // Not cut back: the patches may be partly written. A partial fragment or mfra at the end is skipped by readers.
      await this.abandonFile(file, 'close', { reason: failure.reason, message: failure.message });
      throw failure;
    }
    file.committed = tailAt + end.tail.length;
    file.bytes += batch.bytes;
    file.fragments += batch.fragments;
    file.durationMs = end.durationMs;
    this.bytesSent += batch.bytes;
    this.rate.record(batch.bytes);
    this.ctx.logger.info({ ...this.logFields(), file: file.target.path, part: file.part, durationMs: file.durationMs, bytes: file.committed, endedBy }, 'recording finished');
    this.reportClosed(file, this.summary(file, status, endedBy, why));
  }

  /**
   * After a write error (`truncate`: the unfinished tail goes, so the file plays up to its last
   * fragment) or a stall (`detach`: the target may never answer, so it is not waited for).
   */
  private async abandonFile(file: RecordingFile, how: 'truncate' | 'close' | 'detach', why: { reason: RecordingFailure; message: string }): Promise<void> {
    if (this.file === file) this.file = undefined;
    this.lastFile = file;
    if (how === 'detach') {
      void file.target.close().catch(() => undefined);
    } else if (how === 'close') {
      await file.target.close().catch(() => undefined);
    } else if (file.committed === 0) {
      await (file.target.discard ?? file.target.close).call(file.target).catch(() => undefined);
    } else {
      await file.target.truncate?.(file.committed).catch(() => undefined);
      await file.target.close().catch(() => undefined);
    }
    this.reportClosed(file, this.summary(file, 'failed', 'failed', why));
  }

  /**
   * Stops the recording: `failed`, with the reason in `lastError` and a warning in the log. A
   * stop the recorder chose (the floor, a codec) finishes the file cleanly; after an I/O error
   * it is cut back to its last whole fragment.
   */
  private fail(error: unknown): void {
    const why = failureOf(error);
    if (this.statusValue === 'failed' && this.file === undefined) return;
    this.generation += 1;
    this.stopIdleTimer();
    this.queue.clear();
    this.lastError = { ...why, at: new Date(this.ctx.wallClock()).toISOString() };
    this.ctx.logger.warn({ ...this.logFields(), reason: why.reason, error: why.message, file: this.file?.target.path ?? null }, 'recording failed');
    this.setStatus('failed', why.message);
    const file = this.file;
    if (file === undefined) return;
    const graceful = (error instanceof BelowFloor && error.finish) || (error instanceof RecordingStop && error.reason === 'unsupported');
    this.enqueue(graceful ? () => this.finishFile(file, 'failed', 'failed', why) : () => this.abandonFile(file, why.reason === 'stalled' ? 'detach' : 'truncate', why));
  }

  private summary(file: RecordingFile, status: RecordingFileSummary['status'], endedBy: RecordingFileSummary['endedBy'], why?: { reason: RecordingFailure; message: string }): RecordingFileSummary {
    const summary: RecordingFileSummary = {
      path: file.target.path,
      part: file.part,
      status,
      endedBy,
      durationMs: file.durationMs,
      bytes: file.committed,
      fragments: file.fragments,
      videoCodec: file.video?.codec ?? null,
      audioCodec: file.audio?.codec ?? null,
    };
    if (why !== undefined) {
      summary.reason = why.reason;
      summary.message = why.message;
    }
    return summary;
  }

  /** Tells the host a file is closed, once: a stalled operation that completes late says nothing more. */
  private reportClosed(file: RecordingFile, summary: RecordingFileSummary): void {
    if (file.reported) return;
    file.reported = true;
    this.emitFile({ type: 'closed', file: summary });
  }

  private emitFile(event: RecordingFileEvent): void {
    try {
      this.options.onFile?.(event);
    } catch (error) {
      this.ctx.logger.error({ ...this.logFields(), error: messageOf(error) }, 'recording: onFile listener threw');
    }
  }

  /** Buffered samples go to disk as a fragment once no frame came for `idleFlushMs` (a publisher in its grace window). */
  private startIdleTimer(): void {
    this.stopIdleTimer();
    const every = Math.max(50, Math.floor(this.idleFlushMs / 2));
    let seen = this.pushes;
    let idleSince = this.ctx.clock();
    this.idleTimer = setInterval(() => {
      const now = this.ctx.clock();
      if (this.pushes !== seen) {
        seen = this.pushes;
        idleSince = now;
        return;
      }
      const file = this.file;
      if (now - idleSince < this.idleFlushMs || this.ops > 0 || file?.muxer === undefined || file.buffered === 0 || this.queue.size > 0) return;
      const batch = new Batch();
      const fragment = file.muxer.flush();
      if (fragment === undefined) return;
      this.addFragment(batch, fragment, file.lastDtsMs);
      file.buffered = 0;
      this.enqueue(async () => {
        const last = await this.write(file, batch);
        if (last !== undefined) throw new BelowFloor(last, true);
      });
    }, every);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  private setStatus(to: DestinationStatus, message?: string): void {
    const from = this.statusValue;
    if (from === to) return;
    this.statusValue = to;
    this.ctx.stateChanged(message === undefined ? { destinationId: this.id, from, to } : { destinationId: this.id, from, to, message });
  }

  private logFields(): object {
    return { streamId: this.ctx.streamId, sink: this.id, kind: this.kind };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error from the file system, as a reason and a sentence. */
function ioFailure(error: unknown, what: string): RecordingStop {
  if (error instanceof RecordingStop) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = messageOf(error);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new RecordingStop('disk-full', `${what}: the disk is full (${detail})`);
    case 'EACCES':
    case 'EPERM':
      return new RecordingStop('not-writable', `${what}: permission denied (${detail})`);
    case 'EROFS':
      return new RecordingStop('not-writable', `${what}: the file system is read-only (${detail})`);
    case 'ENOENT':
    case 'ENOTDIR':
      return new RecordingStop('not-writable', `${what}: the recordings directory does not exist (${detail})`);
    default:
      return new RecordingStop('io', `${what}: ${detail}`);
  }
}

function failureOf(error: unknown): { reason: RecordingFailure; message: string } {
  if (error instanceof BelowFloor) return { reason: 'low-disk-space', message: error.message };
  if (error instanceof RecordingStop) return { reason: error.reason, message: error.message };
  return { reason: 'io', message: messageOf(error) };
}


import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  openRecordingFile,
  recordingPartPath,
  recoverRecording,
  RecordingSink,
  type RecordingFileEvent,
  type RecordingFileSummary,
  type RecordingTarget,
  type Sink,
  type SinkContext,
} from '@fanout/restream';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { EngineEvents } from '../ingest/engine-events';
import { type EngineSinkProvider, LiveControl } from '../ingest/live-control';
import { LOGGER, type Logger } from '../logging/logger';
import { RecordingFiles } from './recording-files';
import { RecordingRetention } from './recording-retention';
import { type RecordingEnd, RecordingsRepository } from './recordings.repository';

const GIB = 1024 ** 3;

/** A recording file that ended as `complete` or `failed` (webhooks hear it; `interrupted` ones, tidied at start-up, are not said). */
export interface RecordingFinished {
  streamId: string;
  recordingId: string;
  part: number;
  state: 'complete' | 'failed';
  at: Date;
  durationMs: number;
  bytes: number;
  videoCodec: string | null;
  audioCodec: string | null;
  failureReason: string | null;
  failureMessage: string | null;
}

/** Plain words for the engine's reasons, for the dashboard and the log. */
export const RECORDING_FAILURE_TEXT: Readonly<Record<string, string>> = {
  'disk-full': 'The disk is full.',
  'low-disk-space': 'Stopped to keep free space on the disk (RECORDINGS_MIN_FREE_GB).',
  'not-writable': 'The recordings folder cannot be written to.',
  io: 'The disk reported an error.',
  stalled: 'The disk stopped answering.',
  unsupported: 'This codec cannot be recorded.',
  empty: 'Nothing playable was recorded before the server stopped.',
  missing: 'The file is gone.',
};

/**
 * Records broadcasts of streams that ask for it: a {@link RecordingSink} in the stream's engine
 * from its birth (so the file starts at the broadcast's first frame), or from the moment
 * "Record broadcasts" is turned on while live. Each file gets a Recording row when it opens,
 * finished when it closes (complete, or failed with its reason; the fan-out goes on either
 * way). At start-up, rows a crash left `recording` are tidied to their last complete fragment
 * and listed as interrupted, with their real duration.
 */
@Injectable()
export class RecordingHost implements EngineSinkProvider, OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  /** Streams whose engine has a recorder now. */
  private readonly active = new Set<string>();
  /** Path of part 1 of each stream's current broadcast (later parts sit beside it). */
  private readonly broadcastPath = new Map<string, string>();
  /** Row ids by absolute path, as soon as the row is being made. */
  private readonly rows = new Map<string, Promise<string | undefined>>();
  private readonly pending = new Set<Promise<unknown>>();
  private off: (() => void) | undefined;
  private unprovide: (() => void) | undefined;
  private readonly listeners = new Set<(event: RecordingFinished) => void>();

  constructor(
    private readonly recordings: RecordingsRepository,
    private readonly files: RecordingFiles,
    private readonly retention: RecordingRetention,
    private readonly live: LiveControl,
    private readonly events: EngineEvents,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'RECORDINGS_MIN_FREE_GB'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'recordings' });
  }

  async onModuleInit(): Promise<void> {
    this.unprovide = this.live.provideSinks(this);
    this.off = this.events.subscribe({
      released: ({ streamId }) => {
        this.active.delete(streamId);
        this.broadcastPath.delete(streamId);
      },
    });
    const problem = await this.files.prepare();
    if (problem) this.log.error({ dir: this.files.root, problem }, 'the recordings folder is not usable: recordings will fail until it is (RECORDINGS_DIR)');
    await this.recoverUnfinished();
    this.retention.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.off?.();
    this.unprovide?.();
    await this.idle();
  }

  /** Hears every recording that ends complete or failed, once its row says so; returns the unsubscribe. A listener that throws is logged. */
  onFinished(listener: (event: RecordingFinished) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private finished(event: RecordingFinished): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error, streamId: event.streamId }, 'a recording listener failed');
      }
    }
  }

  /** Resolves once every database write queued so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The engine of `streamId` is being made: a recorder from the first frame if the stream records. */
  async sinksFor(streamId: string): Promise<((context: SinkContext) => Sink)[]> {
    if (!(await this.recordings.recordFlag(streamId))) return [];
    this.active.add(streamId);
    return [(context) => this.recorder(streamId, context)];
  }

  /** "Record broadcasts" changed: a live stream starts (from its current keyframe) or stops recording now. */
  async setRecording(streamId: string, on: boolean): Promise<void> {
    if (on && !this.active.has(streamId)) {
      if (this.live.attachSink(streamId, (context) => this.recorder(streamId, context))) {
        this.active.add(streamId);
        this.log.info({ streamId }, 'recording turned on while live');
      }
    } else if (!on && this.active.has(streamId)) {
      this.active.delete(streamId);
      this.log.info({ streamId }, 'recording turned off while live');
      await this.live.detachSink(streamId, sinkIdOf(streamId));
      this.broadcastPath.delete(streamId);
      await this.idle();
    }
  }

  /** A deleted stream: its recordings' files go with it (the rows went with the stream). */
  async streamDeleted(streamId: string): Promise<void> {
    await this.idle();
    await this.files.removeStream(streamId).catch((error: Error) => this.log.error({ streamId, err: error }, 'could not delete the recordings of a deleted stream'));
  }

  private recorder(streamId: string, context: SinkContext): RecordingSink {
    return new RecordingSink(
      {
        id: sinkIdOf(streamId),
        name: 'Recording',
        open: (part) => this.open(streamId, part),
        freeSpace: { minFreeBytes: this.config.RECORDINGS_MIN_FREE_GB * GIB, ...(this.config.RECORDINGS_MIN_FREE_GB === 0 ? { minFreeRatio: 0 } : {}) },
        onFile: (event) => this.onFile(streamId, event),
      },
      context,
    );
  }

  private async open(streamId: string, part: number): Promise<RecordingTarget> {
    let base = this.broadcastPath.get(streamId);
    if (part <= 1 || base === undefined) {
      base = this.files.absolute(this.files.newFile(streamId, this.clock.now()));
      this.broadcastPath.set(streamId, base);
    }
    const path = recordingPartPath(base, part);
    try {
      await this.files.streamFolder(streamId);
      return await openRecordingFile(path);
    } catch (error) {
      // No file, so no 'opened' event: the failed recording is listed here, with its reason.
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' || code === 'ENOTDIR' ? 'not-writable' : 'io';
      const now = this.clock.now();
      this.track(
        this.recordings
          .create({ streamId, part, file: this.files.relativeOf(path), startedAt: now })
          .then(async (row) => {
            const end = { state: 'failed', endedAt: now, durationMs: 0, bytes: 0, videoCodec: null, audioCodec: null, failureReason: reason, failureMessage: RECORDING_FAILURE_TEXT[reason]! } as const;
            await this.recordings.finish(row.id, end);
            this.finished({ streamId, recordingId: row.id, part, state: 'failed', at: now, durationMs: 0, bytes: 0, videoCodec: null, audioCodec: null, failureReason: reason, failureMessage: end.failureMessage });
          }),
      );
      this.log.error({ streamId, dir: this.files.root, code, err: error }, 'recording could not start; the broadcast goes on');
      throw error;
    }
  }

  private onFile(streamId: string, event: RecordingFileEvent): void {
    if (event.type === 'opened') {
      const row = this.recordings.create({ streamId, part: event.part, file: this.files.relativeOf(event.path), startedAt: new Date(event.at) }).then(
        (r) => r.id,
        (error: Error) => {
          this.log.error({ streamId, err: error }, 'could not record the recording in the database');
          return undefined;
        },
      );
      this.rows.set(event.path, row);
      this.track(row);
      this.log.info({ streamId, file: this.files.relativeOf(event.path), part: event.part }, 'recording started');
      return;
    }
    const summary = event.file;
    const row = this.rows.get(summary.path);
    this.rows.delete(summary.path);
    this.track(this.finish(streamId, row, summary));
  }

  private async finish(streamId: string, row: Promise<string | undefined> | undefined, summary: RecordingFileSummary): Promise<void> {
    const id = await row;
    if (id === undefined) return;
    const log = { streamId, file: this.files.relativeOf(summary.path), durationMs: summary.durationMs, bytes: summary.bytes };
    if (summary.status === 'discarded' && summary.reason === undefined) {
      // Nothing was recorded (the broadcast ended before its first keyframe): no row to keep.
      await this.recordings.delete(id);
      this.log.info(log, 'recording discarded: nothing was recorded');
      return;
    }
    const failed = summary.status !== 'finished';
    const end: RecordingEnd & { sessionId: string | null } = {
      state: failed ? 'failed' : 'complete',
      endedAt: this.clock.now(),
      durationMs: Math.round(summary.durationMs),
      bytes: summary.status === 'discarded' ? 0 : summary.bytes,
      videoCodec: summary.videoCodec,
      audioCodec: summary.audioCodec,
      failureReason: failed ? (summary.reason ?? 'io') : null,
      failureMessage: failed ? (RECORDING_FAILURE_TEXT[summary.reason ?? 'io'] ?? summary.message ?? null) : null,
      sessionId: null,
    };
    const row0 = await this.recordings.find(id);
    if (row0) end.sessionId = await this.recordings.sessionAt(streamId, row0.startedAt);
    await this.recordings.finish(id, end);
    if (row0) this.finished({ streamId, recordingId: id, part: row0.part, state: failed ? 'failed' : 'complete', at: end.endedAt, durationMs: end.durationMs, bytes: end.bytes, videoCodec: end.videoCodec, audioCodec: end.audioCodec, failureReason: end.failureReason ?? null, failureMessage: end.failureMessage ?? null });
    if (failed) this.log.error({ ...log, reason: summary.reason, error: summary.message }, 'recording stopped early; the broadcast goes on');
    else this.log.info(log, 'recording complete');
    this.retention.soon();
  }

  /** Files a previous run left open: cut to their last complete fragment, listed as interrupted. */
  private async recoverUnfinished(): Promise<void> {
    const rows = await this.recordings.unfinished().catch((error: Error) => {
      this.log.error({ err: error }, 'could not list unfinished recordings');
      return [];
    });
    for (const row of rows) {
      const now = this.clock.now();
      try {
        const path = this.files.absolute(row.file);
        const found = await recoverRecording(path);
        if (found.status === 'empty') {
          await this.files.remove(row.file);
          await this.recordings.finish(row.id, { state: 'failed', endedAt: now, durationMs: 0, bytes: 0, videoCodec: found.videoCodec, audioCodec: found.audioCodec, failureReason: 'empty', failureMessage: RECORDING_FAILURE_TEXT.empty! });
        } else {
          const state = found.status === 'finished' ? 'complete' : 'interrupted';
          await this.recordings.finish(row.id, { state, endedAt: now, durationMs: Math.round(found.durationMs), bytes: found.bytes, videoCodec: found.videoCodec, audioCodec: found.audioCodec, sessionId: await this.recordings.sessionAt(row.streamId, row.startedAt) });
        }
        this.log.warn({ streamId: row.streamId, file: row.file, status: found.status, durationMs: found.durationMs, truncatedBytes: found.truncatedBytes }, 'recording left open by a previous run, tidied');
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        await this.recordings
          .finish(row.id, { state: 'failed', endedAt: now, durationMs: row.durationMs, bytes: 0, videoCodec: row.videoCodec, audioCodec: row.audioCodec, failureReason: missing ? 'missing' : 'io', failureMessage: missing ? RECORDING_FAILURE_TEXT.missing! : `Could not be read back: ${(error as Error).message}` })
          .catch(() => undefined);
        this.log.error({ streamId: row.streamId, file: row.file, err: error }, 'a recording left open by a previous run could not be recovered');
      }
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: Error) => this.log.error({ err: error }, 'recording bookkeeping failed')).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

export function sinkIdOf(streamId: string): string {
  return `recording:${streamId}`;
}

import { Injectable } from '@nestjs/common';
import type { Recording } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { StreamAccess } from '../streams/stream-access';
import { RecordingFiles } from './recording-files';
import { type RecordingRow, RecordingsRepository } from './recordings.repository';

const noSuchRecording = (): AppError => new AppError('NOT_FOUND', { message: 'No such recording.' });

export function toRecording(row: RecordingRow): Recording {
  return {
    id: row.id,
    streamId: row.streamId,
    sessionId: row.sessionId,
    part: row.part,
    state: row.state,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    durationMs: row.durationMs,
    bytes: Number(row.bytes),
    videoCodec: row.videoCodec,
    audioCodec: row.audioCodec,
    failure: row.failureReason === null ? null : { reason: row.failureReason, message: row.failureMessage ?? row.failureReason },
    fileUrl: `/api/recordings/${row.id}/file`,
  };
}

/** What a download is called: the stream's name and the start time, in plain ASCII. */
export function downloadName(streamName: string, startedAt: Date, part: number): string {
  const name = streamName.normalize('NFKD').replace(/[^\w .-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 60) || 'recording';
  const stamp = startedAt.toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `${name}-${stamp}${part > 1 ? `-part${part}` : ''}.mp4`;
}

/** Recordings of streams the user may see: list, play or download, delete. Foreign ids are 404. */
@Injectable()
export class RecordingsService {
  constructor(
    private readonly recordings: RecordingsRepository,
    private readonly files: RecordingFiles,
    private readonly access: StreamAccess,
    private readonly audit: AuditService,
  ) {}

  async list(user: User, streamId: string): Promise<Recording[]> {
    await this.access.visible(user, streamId);
    return (await this.recordings.listForStream(streamId)).map(toRecording);
  }

  /** The file to serve: its path, a download name, and whether it is still growing. */
  async file(user: User, id: string): Promise<{ path: string; name: string; growing: boolean }> {
    const row = await this.recordings.find(id);
    if (!row) throw noSuchRecording();
    try {
      StreamAccess.ensure(user, row.stream.ownerId);
    } catch {
      throw noSuchRecording();
    }
    if (row.state !== 'recording' && Number(row.bytes) === 0) throw new AppError('NOT_FOUND', { message: 'This recording has no file: nothing playable was recorded.' });
    return { path: this.files.absolute(row.file), name: downloadName(row.stream.name, row.startedAt, row.part), growing: row.state === 'recording' };
  }

  async remove(user: User, id: string): Promise<void> {
    const row = await this.recordings.find(id);
    if (!row) throw noSuchRecording();
    try {
      StreamAccess.ensure(user, row.stream.ownerId);
    } catch {
      throw noSuchRecording();
    }
    if (row.state === 'recording') throw new AppError('CONFLICT', { message: 'This recording is still being written. Turn off "Record broadcasts" or end the broadcast first.' });
    await this.files.remove(row.file);
    await this.recordings.delete(id);
    await this.audit.record(user, 'recording.delete', { type: 'recording', id }, { stream: row.stream.name, startedAt: row.startedAt.toISOString() });
  }
}

import { Injectable } from '@nestjs/common';
import type { RecordingState } from '@fanout/contracts';
import { PrismaService } from '../database/prisma.service';

export interface RecordingRow {
  id: string;
  streamId: string;
  sessionId: string | null;
  part: number;
  /** Relative to RECORDINGS_DIR. */
  file: string;
  state: RecordingState;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number;
  bytes: bigint;
  videoCodec: string | null;
  audioCodec: string | null;
  failureReason: string | null;
  failureMessage: string | null;
}

export interface RecordingEnd {
  state: Exclude<RecordingState, 'recording'>;
  endedAt: Date;
  durationMs: number;
  bytes: number;
  videoCodec: string | null;
  audioCodec: string | null;
  failureReason?: string | null;
  failureMessage?: string | null;
}

const SELECT = {
  id: true,
  streamId: true,
  sessionId: true,
  part: true,
  file: true,
  state: true,
  startedAt: true,
  endedAt: true,
  durationMs: true,
  bytes: true,
  videoCodec: true,
  audioCodec: true,
  failureReason: true,
  failureMessage: true,
} as const;

@Injectable()
export class RecordingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { streamId: string; part: number; file: string; startedAt: Date }): Promise<RecordingRow> {
    return this.prisma.client.recording.create({ data, select: SELECT });
  }

  /** The end of a recording file; `sessionId` is the publish session it belonged to, when found. */
  async finish(id: string, end: RecordingEnd & { sessionId?: string | null }): Promise<void> {
    await this.prisma.client.recording.updateMany({ where: { id }, data: { ...end, bytes: BigInt(end.bytes) } });
  }

  /** A stream's recordings, newest first. */
  listForStream(streamId: string): Promise<RecordingRow[]> {
    return this.prisma.client.recording.findMany({ where: { streamId }, select: SELECT, orderBy: [{ startedAt: 'desc' }, { part: 'desc' }] });
  }

  find(id: string): Promise<(RecordingRow & { stream: { ownerId: string; name: string } }) | null> {
    return this.prisma.client.recording.findUnique({ where: { id }, select: { ...SELECT, stream: { select: { ownerId: true, name: true } } } });
  }

  /** Rows a previous run left `recording` (it stopped without finishing them). */
  unfinished(): Promise<RecordingRow[]> {
    return this.prisma.client.recording.findMany({ where: { state: 'recording' }, select: SELECT });
  }

  /** Every finished recording, oldest first: what retention may delete. */
  finishedOldestFirst(): Promise<Pick<RecordingRow, 'id' | 'file' | 'startedAt' | 'bytes'>[]> {
    return this.prisma.client.recording.findMany({ where: { state: { not: 'recording' } }, select: { id: true, file: true, startedAt: true, bytes: true }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] });
  }

  async totalBytes(): Promise<number> {
    const sum = await this.prisma.client.recording.aggregate({ _sum: { bytes: true } });
    return Number(sum._sum.bytes ?? 0n);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.prisma.client.recording.deleteMany({ where: { id } })).count > 0;
  }

  /** The publish session of `streamId` that had started by `at` (plus a little: the two are opened in the same second). */
  async sessionAt(streamId: string, at: Date): Promise<string | null> {
    const row = await this.prisma.client.ingestSession.findFirst({ where: { streamId, startedAt: { lte: new Date(at.getTime() + 10_000) } }, orderBy: { startedAt: 'desc' }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Whether the stream records its broadcasts (undefined: no such stream). */
  async recordFlag(streamId: string): Promise<boolean | undefined> {
    const row = await this.prisma.client.stream.findUnique({ where: { id: streamId }, select: { record: true } });
    return row?.record;
  }
}

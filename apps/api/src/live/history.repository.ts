import type { InputSwitchEvent } from '@fanout/contracts';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface SessionFacts {
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
}

export interface SessionSummary {
  endedAt: Date;
  endReason: string;
  avgBitrateKbps: number | null;
  peakBitrateKbps: number | null;
  fps: number | null;
  /** Milliseconds the publisher was gone and came back within the session. */
  graceMs: number;
}

export interface DestinationEventInput {
  streamId: string;
  destinationId: string;
  at: Date;
  fromState: string;
  toState: string;
  reason: string | null;
  message: string | null;
}

export interface SessionRow extends SessionFacts {
  id: string;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  fps: number | null;
  avgBitrateKbps: number | null;
  peakBitrateKbps: number | null;
  graceMs: number;
}

export interface InputSwitchRow {
  at: Date;
  onAir: string;
  previous: string;
  reason: string;
  gapMs: number | null;
  wallGapMs: number | null;
}

export interface TimelineRow {
  at: Date;
  destinationId: string;
  fromState: string;
  toState: string;
  reason: string | null;
  message: string | null;
  destination: { name: string };
}

const SESSION = { id: true, startedAt: true, endedAt: true, endReason: true, videoCodec: true, audioCodec: true, width: true, height: true, fps: true, avgBitrateKbps: true, peakBitrateKbps: true, graceMs: true } as const;

/** Publish sessions and destination state changes. */
@Injectable()
export class HistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async createSession(streamId: string, startedAt: Date, facts: SessionFacts): Promise<string> {
    return (await this.prisma.client.ingestSession.create({ data: { streamId, startedAt, ...facts }, select: { id: true } })).id;
  }

  async updateFacts(id: string, facts: SessionFacts): Promise<void> {
    await this.prisma.client.ingestSession.updateMany({ where: { id }, data: facts });
  }

  /** The publisher came back from a grace window: the time it was gone so far, while the session is open. */
  async updateGrace(id: string, graceMs: number): Promise<void> {
    await this.prisma.client.ingestSession.updateMany({ where: { id, endedAt: null }, data: { graceMs } });
  }

  /** Only a session still open is closed (a second close changes nothing). */
  async closeSession(id: string, summary: SessionSummary): Promise<void> {
    await this.prisma.client.ingestSession.updateMany({ where: { id, endedAt: null }, data: summary });
  }

  async addInputSwitch(streamId: string, event: InputSwitchEvent): Promise<void> {
    await this.prisma.client.inputSwitch.create({ data: { streamId, at: new Date(event.at), onAir: event.onAir, previous: event.previous, reason: event.reason, gapMs: event.gapMs, wallGapMs: event.wallGapMs }, select: { id: true } });
  }

  /** A stream's input switches in [from, to], oldest first, bounded. */
  inputSwitches(streamId: string, from: Date, to: Date, max = 10_000): Promise<InputSwitchRow[]> {
    return this.prisma.client.inputSwitch.findMany({ where: { streamId, at: { gte: from, lte: to } }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: max, select: { at: true, onAir: true, previous: true, reason: true, gapMs: true, wallGapMs: true } });
  }

  async addDestinationEvent(event: DestinationEventInput): Promise<void> {
    await this.prisma.client.destinationEvent.create({ data: event, select: { id: true } });
  }

  /**
   * Sessions left open by a process that died: ended at their stream's last ingest sample
   * (or at their start when there is none), reason `server-restart`. Returns how many.
   */
  closeOrphans(): Promise<number> {
    return this.prisma.client.$executeRaw`
      UPDATE ingest_sessions s
         SET ended_at = COALESCE((SELECT max(m.at) FROM metric_samples m
                                   WHERE m.stream_id = s.stream_id AND m.destination_id IS NULL AND m.at >= s.started_at), s.started_at),
             end_reason = 'server-restart'
       WHERE s.ended_at IS NULL`;
  }

  sessions(streamId: string, limit: number): Promise<SessionRow[]> {
    return this.prisma.client.ingestSession.findMany({
      where: { streamId },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: SESSION,
    });
  }

  /** The most recent ended session of one user's streams (every stream's when undefined), with its stream's name. */
  lastEnded(ownerId: string | undefined): Promise<(SessionRow & { streamId: string; stream: { name: string } }) | null> {
    return this.prisma.client.ingestSession.findFirst({
      where: { endedAt: { not: null }, ...(ownerId !== undefined ? { stream: { ownerId } } : {}) },
      orderBy: [{ endedAt: 'desc' }, { id: 'desc' }],
      select: { ...SESSION, streamId: true, stream: { select: { name: true } } },
    });
  }

  /** A stream's destination changes in [from, to], oldest first, bounded. */
  timeline(streamId: string, from: Date, to: Date, max = 10_000): Promise<TimelineRow[]> {
    return this.prisma.client.destinationEvent.findMany({
      where: { streamId, at: { gte: from, lte: to } },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      take: max,
      select: { at: true, destinationId: true, fromState: true, toState: true, reason: true, message: true, destination: { select: { name: true } } },
    });
  }
}

import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { sessionsQuerySchema, type IngestSession, type StreamStatus, type User } from '@fanout/contracts';
import type { AuthContext } from '../auth/auth.types';
import { CurrentAuth, CurrentUser } from '../auth/decorators';
import { zodDto } from '../common/zod-dto';
import { HistoryService } from './history.service';
import { LiveEventsService } from './live-events.service';
import { LiveStatusService } from './live-status.service';
import { UuidParam } from '../common/uuid-param';

export class SessionsQueryDto extends zodDto(sessionsQuerySchema) {}

/** Live status, the live events stream and publish history of a stream. Foreign ids are 404. */
@Controller('streams')
export class LiveController {
  constructor(
    private readonly status: LiveStatusService,
    private readonly events: LiveEventsService,
    private readonly history: HistoryService,
  ) {}

  @Get(':id/status')
  get(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string): Promise<StreamStatus> {
    return this.status.status(user, id);
  }

  /** Server-Sent Events: `status` (1 s live, 5 s idle), `state`, `ingest`, `: ping` every 15 s; ends within 2 s of losing access. */
  @Get(':id/events')
  stream(@CurrentAuth() auth: AuthContext, @Param('id', new UuidParam('stream')) id: string, @Res() reply: FastifyReply): Promise<void> {
    return this.events.serve(auth, id, reply);
  }

  /** Newest first, `?limit` (1-100, default 20). */
  @Get(':id/sessions')
  sessions(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @Query() query: SessionsQueryDto): Promise<IngestSession[]> {
    return this.history.sessions(user, id, query.limit);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Health } from '@fanout/contracts';
import { DATABASE, PrismaService } from '../database/prisma.service';
import type { DatabaseHandle } from '../database/database';
import { RtmpIngestHost } from '../ingest/rtmp-ingest-host';
import { VERSION } from '../version';

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly prisma: PrismaService,
    private readonly ingest: RtmpIngestHost,
    @Inject(DATABASE) private readonly database: Pick<DatabaseHandle, 'embedded'>,
  ) {}

  async check(): Promise<Health> {
    const database = await this.prisma.ping().then(
      () => ({ status: 'ok' as const, embedded: this.database.embedded }),
      (error: Error) => ({ status: 'down' as const, embedded: this.database.embedded, detail: error.message }),
    );
    const listener = this.ingest.status();
    const rtmp = listener.listening
      ? { status: 'ok' as const, port: listener.port, connections: listener.connections }
      : { status: 'down' as const, port: listener.port, connections: 0, detail: 'RTMP listener is not listening' };
    return {
      status: database.status === 'ok' && rtmp.status === 'ok' ? 'ok' : 'degraded',
      version: VERSION,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      database,
      rtmp,
    };
  }
}

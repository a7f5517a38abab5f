import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { RtmpServer } from '@fanout/rtmp';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';
import { PrismaService } from '../database/prisma.service';
import { Secrets } from '../crypto/secrets';

export interface IngestStatus {
  listening: boolean;
  port: number;
  connections: number;
}

/**
 * The RTMP ingest: the only place that wires libs/rtmp sockets to the database.
 * A publish on `/live/<streamKey>` is accepted only when the key's lookup hash matches a Stream.
 */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private server?: RtmpServer;
  private readonly log: Logger;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly prisma: PrismaService,
    private readonly secrets: Secrets,
  ) {
    this.log = logger.child({ component: 'ingest' });
  }

  async start(): Promise<void> {
    const tls =
      this.config.RTMPS_CERT_FILE && this.config.RTMPS_KEY_FILE
        ? { cert: await readFile(this.config.RTMPS_CERT_FILE), key: await readFile(this.config.RTMPS_KEY_FILE) }
        : undefined;
    void tls;
    const server = new RtmpServer({});
    server.on('session', (session) => {
      session.on('publish', (request) => {
        void this.authorize(request.app, request.streamName).then(
          (streamId) => (streamId ? request.accept() : request.reject('badName')),
          (error: Error) => {
            this.log.error({ err: error }, 'publish authorisation failed');
            request.reject('badName');
          },
        );
      });
    });
    await server.listen(this.config.RTMP_PORT, this.config.HOST);
    this.server = server;
    this.log.info({ port: this.config.RTMP_PORT }, 'RTMP ingest listening');
  }

  private async authorize(app: string, streamKey: string): Promise<string | undefined> {
    const fingerprint = Secrets.fingerprint(streamKey);
    if (app !== 'live' || streamKey === '') {
      this.log.warn({ app, key: fingerprint }, 'publish rejected: wrong app or empty key');
      return undefined;
    }
    const stream = await this.prisma.client.stream.findUnique({ where: { keyHash: this.secrets.lookupHash(streamKey) }, select: { id: true } });
    if (!stream) this.log.warn({ key: fingerprint }, 'publish rejected: unknown stream key');
    else this.log.info({ key: fingerprint, streamId: stream.id }, 'publish accepted');
    return stream?.id;
  }

  status(): IngestStatus {
    return {
      listening: this.server?.listening ?? false,
      port: this.config.RTMP_PORT,
      connections: this.server?.connectionCount ?? 0,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

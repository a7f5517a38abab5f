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
  private tlsServer?: RtmpServer;
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
    this.server = await this.listen(new RtmpServer(), this.config.RTMP_PORT, 'rtmp');
    if (this.config.RTMPS_CERT_FILE && this.config.RTMPS_KEY_FILE) {
      const tls = { cert: await readFile(this.config.RTMPS_CERT_FILE), key: await readFile(this.config.RTMPS_KEY_FILE) };
      this.tlsServer = await this.listen(new RtmpServer({ tls }), this.config.RTMPS_PORT, 'rtmps');
    }
  }

  private async listen(server: RtmpServer, port: number, scheme: 'rtmp' | 'rtmps'): Promise<RtmpServer> {
    server.on('session', (session, info) => {
      const log = this.log.child({ conn: info.id, remote: info.remoteAddress, scheme });
      session.on('publish', (request) => {
        this.authorize(request.app, request.streamName, log).then(
          (streamId) => (streamId ? request.accept() : request.reject('badName')),
          (error: Error) => {
            log.error({ err: error }, 'publish authorisation failed');
            request.reject('badName');
          },
        );
      });
      session.on('close', (error) => log.debug({ code: error?.code }, 'connection closed'));
    });
    server.on('connectionError', (error, info) => {
      this.log.warn({ conn: info.id, remote: info.remoteAddress, code: error.code }, 'RTMP connection closed on error');
    });
    const address = await server.listen(port, this.config.HOST);
    this.log.info({ port: address.port, scheme }, 'ingest listening');
    return server;
  }

  private async authorize(app: string, streamKey: string, log: Logger): Promise<string | undefined> {
    const fingerprint = Secrets.fingerprint(streamKey);
    if (app !== 'live' || streamKey === '') {
      log.warn({ app, key: fingerprint }, 'publish rejected: wrong app or empty key');
      return undefined;
    }
    const stream = await this.prisma.client.stream.findUnique({ where: { keyHash: this.secrets.lookupHash(streamKey) }, select: { id: true } });
    if (!stream) log.warn({ key: fingerprint }, 'publish rejected: unknown stream key');
    else log.info({ key: fingerprint, streamId: stream.id }, 'publish accepted');
    return stream?.id;
  }

  status(): IngestStatus {
    return {
      listening: this.server?.address() != null,
      port: this.config.RTMP_PORT,
      connections: (this.server?.connectionCount ?? 0) + (this.tlsServer?.connectionCount ?? 0),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.server?.close(), this.tlsServer?.close()]);
    this.server = this.tlsServer = undefined;
  }
}

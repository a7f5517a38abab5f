import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { type PublishRequest, RtmpError, RtmpServer, type ServerSession } from '@fanout/rtmp';
import { StreamRestreamer, type StreamStats, rtmpIngestSource } from '@fanout/restream';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';
import { PrismaService } from '../database/prisma.service';
import { Secrets } from '../crypto/secrets';
import { SlidingWindowLimiter } from '../common/sliding-window-limiter';
import { DestinationSpecs } from './destination-specs';
import { listenError } from '../startup/preflight';

export interface IngestStatus {
  listening: boolean;
  port: number;
  connections: number;
}

/** Lifecycle of live streams, for the live-status, history and metrics services. */
export interface IngestEvents {
  /** A stream went live: its restreamer now emits 'stats', 'destinationState', 'ingest' and 'ended'. */
  started: [streamId: string, restreamer: StreamRestreamer];
  /** The stream's restreamer was released (grace window over, or shutdown). */
  released: [streamId: string];
}

/** Bad stream keys from one address: this many per window, then every publish from it is refused. */
export const BAD_KEY_LIMIT = { max: 5, windowMs: 60_000 };

/**
 * The RTMP ingest: the only place that wires libs/rtmp and libs/restream to sockets, the
 * database and the rest of the API.
 *
 * - A publish on `/live/<streamKey>` is accepted only when the key's lookup hash matches a
 *   Stream; a bad key gets NetStream.Publish.BadName and the connection is closed. Addresses
 *   that keep sending bad keys are refused without a lookup for a while.
 * - Each live stream has one StreamRestreamer. A second publish with the same key (OBS
 *   reconnecting after a network blip, or a second encoder) takes over from the first: the
 *   newest publisher wins and the destinations stay connected on one continuous timeline.
 * - When the publisher drops, destinations stay up for INGEST_GRACE_S; after that they are
 *   unpublished cleanly and the restreamer is released.
 */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private server?: RtmpServer;
  private tlsServer?: RtmpServer;
  private readonly log: Logger;
  private readonly restreamers = new Map<string, StreamRestreamer>();
  private readonly badKeys = new SlidingWindowLimiter(BAD_KEY_LIMIT, 10_000);
  private stopping: Promise<void> | undefined;
  /** 'started' when a stream goes live, 'released' when its restreamer is gone. */
  readonly events = new EventEmitter<IngestEvents>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly prisma: PrismaService,
    private readonly secrets: Secrets,
    private readonly destinations: DestinationSpecs,
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
      session.on('publish', (request) => void this.admit(request, session, info.remoteAddress ?? 'unknown', log));
      session.on('close', (error) => log.debug({ code: error?.code }, 'connection closed'));
    });
    server.on('connectionError', (error, info) => {
      this.log.warn({ conn: info.id, remote: info.remoteAddress, code: error.code, error: error.message }, 'RTMP connection closed on error');
    });
    const address = await server.listen(port, this.config.HOST).catch((error: unknown) => {
      throw listenError(scheme === 'rtmp' ? 'RTMP_PORT' : 'RTMPS_PORT', port, this.config.HOST, error);
    });
    this.log.info({ port: address.port, scheme }, 'ingest listening');
    return server;
  }

  /**
   * Decides a publish. The engine is bound to the session *before* the publish is accepted:
   * whatever the encoder sent behind `publish` while the key was checked and the destinations
   * were read is held by the session and replayed on accept, and what it sends the instant
   * Publish.Start arrives (OBS flushes its queue then) finds the engine listening. Nothing an
   * accepted publisher sends is lost; a rejected publisher's backlog is dropped.
   */
  private async admit(request: PublishRequest, session: ServerSession, address: string, log: Logger): Promise<void> {
    const refuse = (why: string) => {
      request.reject('badName', why);
      session.close(new RtmpError('PUBLISH_BAD_NAME', why));
    };
    if (this.badKeys.retryAfterMs(address, Date.now()) > 0) {
      log.warn('publish refused: too many bad stream keys from this address');
      return refuse('Too many bad stream keys; try again later.');
    }
    let streamId: string | undefined;
    try {
      streamId = await this.authorize(request.app, request.streamName, log);
    } catch (error) {
      log.error({ err: error }, 'publish authorisation failed');
      return refuse('Publish could not be authorised.');
    }
    if (!streamId) {
      this.badKeys.hit(address, Date.now());
      return refuse('Unknown stream key.');
    }
    if (session.closed) return; // the encoder gave up while we looked
    try {
      await this.attach(streamId, session, log);
    } catch (error) {
      log.error({ err: error }, 'could not start restreaming');
      request.reject('denied', 'Restreaming could not start.');
      session.close(new RtmpError('PUBLISH_FAILED', 'restreaming could not start'));
      return;
    }
    request.accept();
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

  private async attach(streamId: string, session: ServerSession, log: Logger): Promise<void> {
    let restreamer = this.restreamers.get(streamId);
    if (!restreamer) {
      const created = new StreamRestreamer({
        streamId,
        destinations: await this.destinations.forStream(streamId),
        graceMs: this.config.INGEST_GRACE_S * 1000,
        logger: this.log.child({ streamId }),
      });
      // Another publish for this stream may have created one while we read the destinations.
      restreamer = this.restreamers.get(streamId);
      if (restreamer) void created.close();
      else {
        restreamer = created;
        this.restreamers.set(streamId, created);
        created.on('ended', () => {
          if (this.restreamers.get(streamId) === created) {
            this.restreamers.delete(streamId);
            this.events.emit('released', streamId);
          }
          void created.close();
        });
        this.events.emit('started', streamId, created);
      }
    } else {
      log.info({ streamId }, 'publisher takes over the live stream');
    }
    restreamer.attachPublisher(rtmpIngestSource(session));
  }

  /** Apply changed destinations of a live stream at once; only the changed ones are touched. */
  async refreshDestinations(streamId: string): Promise<void> {
    const restreamer = this.restreamers.get(streamId);
    if (restreamer) restreamer.setDestinations(await this.destinations.forStream(streamId));
  }

  /**
   * Disconnects the encoder publishing to a stream (its key was rotated: the old key must not
   * keep a broadcast going). Destinations stay up for the grace window, so an encoder that
   * reconnects with the new key in time continues the same broadcast.
   */
  dropPublisher(streamId: string, reason: string): void {
    const restreamer = this.restreamers.get(streamId);
    if (!restreamer) return;
    this.log.info({ streamId, reason }, 'disconnecting the publisher');
    restreamer.dropPublisher(reason);
  }

  /** Ends a stream's live session now (the stream was deleted): encoder closed, destinations unpublished. */
  async endStream(streamId: string, reason: string): Promise<void> {
    const restreamer = this.restreamers.get(streamId);
    if (!restreamer) return;
    this.log.info({ streamId, reason }, 'ending the live stream');
    await restreamer.endNow(reason);
  }

  /** Live statistics of a stream, or undefined when nothing is publishing or in its grace window. */
  stats(streamId: string): StreamStats | undefined {
    return this.restreamers.get(streamId)?.stats;
  }

  /** The restreamer of a live stream, for subscribers to its 'stats' and state events. */
  restreamer(streamId: string): StreamRestreamer | undefined {
    return this.restreamers.get(streamId);
  }

  status(): IngestStatus {
    return {
      listening: this.server?.address() != null,
      port: this.config.RTMP_PORT,
      connections: (this.server?.connectionCount ?? 0) + (this.tlsServer?.connectionCount ?? 0),
    };
  }

  /**
   * Ends every live broadcast (publishers closed, destinations unpublished cleanly so the
   * platforms end their broadcasts, 'ended' emitted with `reason`) and stops listening. Called
   * before the rest of the app shuts down, so history and metrics still hear the end.
   */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      const live = [...this.restreamers.values()];
      await Promise.allSettled(
        live.map(async (r) => {
          await r.endNow(reason);
          await r.close();
        }),
      );
      const servers = [this.server, this.tlsServer];
      this.server = this.tlsServer = undefined;
      await Promise.all(servers.map((server) => server?.close()));
      for (const streamId of this.restreamers.keys()) this.events.emit('released', streamId);
      this.restreamers.clear();
    })();
    return this.stopping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown('server shutting down');
  }
}

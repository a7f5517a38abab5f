import { readFile } from 'node:fs/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type PublishRequest, RtmpError, RtmpServer, type RtmpServerOptions, type ServerSession, addressKey } from '@fanout/rtmp';
import { RateLimitedWarner, rtmpIngestSource } from '@fanout/restream';
import { CONFIG, type Config } from '../config/config';
import { LOGGER, type Logger } from '../logging/logger';
import { listenError } from '../startup/preflight';
import { EngineRegistry } from './engine-registry';
import { PublishAuthorizer, type PublishDecision } from './publish-authorizer';

export interface IngestStatus {
  listening: boolean;
  port: number;
  connections: number;
}

/** A publish whose key check takes longer than this (a database that hangs) is refused. */
const AUTHORISE_TIMEOUT_MS = 15_000;

/**
 * The RTMP (and RTMPS) listeners: the sockets of the ingest. Anonymous connections get tight
 * bounds until they publish (see the RTMP_* settings); a publish is checked by the
 * {@link PublishAuthorizer} and, once allowed, bound to its stream's engine in the
 * {@link EngineRegistry} **before** it is accepted, so what the encoder sends the instant
 * NetStream.Publish.Start arrives (OBS flushes its queue then) finds the engine listening, and
 * what it sent behind `publish` meanwhile is replayed by the session in order.
 *
 * Hostile or broken connections are logged at debug level, and at warn at most once per
 * 30 s per kind, never once per connection.
 */
@Injectable()
export class RtmpIngestHost implements OnApplicationShutdown {
  private server?: RtmpServer;
  private tlsServer?: RtmpServer;
  private readonly log: Logger;
  private readonly warner: RateLimitedWarner;
  private stopping: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly authorizer: PublishAuthorizer,
    private readonly registry: EngineRegistry,
  ) {
    this.log = logger.child({ component: 'ingest' });
    this.warner = new RateLimitedWarner(this.log, 30_000);
  }

  async start(): Promise<void> {
    this.server = await this.listen(new RtmpServer(this.serverOptions()), this.config.RTMP_PORT, 'rtmp');
    if (this.config.RTMPS_CERT_FILE && this.config.RTMPS_KEY_FILE) {
      const tls = { cert: await readFile(this.config.RTMPS_CERT_FILE), key: await readFile(this.config.RTMPS_KEY_FILE) };
      this.tlsServer = await this.listen(new RtmpServer({ ...this.serverOptions(), tls }), this.config.RTMPS_PORT, 'rtmps');
    }
  }

  status(): IngestStatus {
    return {
      listening: this.server?.address() != null,
      port: this.config.RTMP_PORT,
      connections: (this.server?.connectionCount ?? 0) + (this.tlsServer?.connectionCount ?? 0),
    };
  }

  /** Ends every live broadcast with `reason`, then stops listening. Called before the rest of the app shuts down. */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      await this.registry.shutdown(reason);
      const servers = [this.server, this.tlsServer];
      this.server = this.tlsServer = undefined;
      await Promise.all(servers.map((server) => server?.close()));
    })();
    return this.stopping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown('server shutting down');
  }

  private serverOptions(): RtmpServerOptions {
    const c = this.config;
    return {
      maxConnections: c.RTMP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: c.RTMP_MAX_CONNECTIONS_PER_ADDRESS,
      limits: {
        publishTimeoutMs: c.RTMP_PUBLISH_TIMEOUT_S * 1000,
        idleTimeoutMs: c.RTMP_IDLE_TIMEOUT_S * 1000,
        preAuthMaxMessageSize: c.RTMP_PREAUTH_MAX_MESSAGE_BYTES,
        preAuthMaxReassemblyBytes: c.RTMP_PREAUTH_MAX_MESSAGE_BYTES * 4,
        maxMessageSize: c.RTMP_MAX_MESSAGE_BYTES,
        maxHeldPublishBytes: c.RTMP_HELD_MEDIA_MAX_BYTES,
      },
    };
  }

  private async listen(server: RtmpServer, port: number, scheme: 'rtmp' | 'rtmps'): Promise<RtmpServer> {
    server.on('session', (session, info) => {
      const log = this.log.child({ conn: info.id, remote: info.remoteAddress, scheme });
      session.on('state', (state) => log.debug({ state }, 'connection state'));
      session.on('publish', (request) => void this.admit(request, session, addressKey(info.remoteAddress), log));
      session.on('close', (error) => log.debug({ code: error?.code }, 'connection closed'));
    });
    server.on('connectionError', (error, info) => {
      const fields = { conn: info.id, remote: info.remoteAddress, code: error.code, error: error.message };
      this.log.debug(fields, 'RTMP connection closed on error');
      this.warner.warn(`error:${error.code}`, fields, 'RTMP connections are being closed on errors (one logged per 30 s; the rest at debug)');
    });
    server.on('connectionRefused', (reason, info) => {
      const fields = { remote: info.remoteAddress, reason, connections: server.connectionCount };
      this.log.debug(fields, 'RTMP connection refused: connection cap reached');
      this.warner.warn(`refused:${reason}`, fields, reason === 'server-full' ? 'RTMP_MAX_CONNECTIONS reached: new connections are refused' : 'RTMP_MAX_CONNECTIONS_PER_ADDRESS reached for an address: its new connections are refused');
    });
    const address = await server.listen(port, this.config.HOST).catch((error: unknown) => {
      throw listenError(scheme === 'rtmp' ? 'RTMP_PORT' : 'RTMPS_PORT', port, this.config.HOST, error);
    });
    this.log.info({ port: address.port, scheme }, 'ingest listening');
    return server;
  }

  /**
   * Decides a publish: the key is checked and the engine bound to the session before the
   * publish is accepted. Nothing an accepted publisher sends is lost; a refused publisher's
   * backlog is dropped with its connection.
   */
  private async admit(request: PublishRequest, session: ServerSession, address: string, log: Logger): Promise<void> {
    let decision: PublishDecision;
    try {
      decision = await withTimeout(this.authorizer.decide(request.app, request.streamName, address, log), AUTHORISE_TIMEOUT_MS);
    } catch (error) {
      log.error({ err: error }, 'publish authorisation failed');
      decision = { kind: 'refuse', description: 'Publish could not be authorised.' };
    }
    if (decision.kind === 'refuse') {
      request.reject('badName', decision.description);
      session.close(new RtmpError('PUBLISH_BAD_NAME', decision.description));
      return;
    }
    if (session.closed) return; // the encoder gave up while we looked
    try {
      await this.registry.attach(decision.streamId, rtmpIngestSource(session), decision.role);
    } catch (error) {
      log.error({ err: error, streamId: decision.streamId }, 'could not start restreaming');
      request.reject('denied', 'Restreaming could not start.');
      session.close(new RtmpError('PUBLISH_FAILED', 'restreaming could not start'));
      return;
    }
    request.accept();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no decision within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]);
}

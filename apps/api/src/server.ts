import { MAX_SLATE_IMAGE_BYTES } from '@fanout/contracts';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { LogController } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppModuleOptions, type Runtime } from './app.module';
import type { Config } from './config/config';
import { createLogger, type Logger, NestPinoLogger } from './logging/logger';
import { openDatabase } from './database/database';
import { loadSecretKey } from './crypto/secret-key';
import { PrismaService } from './database/prisma.service';
import { PasswordHasher } from './auth/password-hasher';
import { bootstrapOwner } from './auth/bootstrap-owner';
import { HttpExceptionFilter } from './http-exception.filter';
import { RtmpIngestHost } from './ingest/rtmp-ingest-host';
import { assertPortFree, assertWritableDir, listenError } from './startup/preflight';
import { trustProxySetting } from '@fanout/contracts';
import { httpServerTimeouts, installHttpEdge } from './http-edge';

export interface RunningApi {
  app: NestFastifyApplication;
  runtime: Runtime;
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:4000 */
  url: string;
  rtmpPort: number;
  /** Stop HTTP, RTMP and (when embedded) the database, in that order. Idempotent. */
  close(): Promise<void>;
}

export { trustProxySetting };

/** Build the Nest application on Fastify for a prepared runtime (used by main.ts and tests). */
export async function createApp(runtime: Runtime, options: AppModuleOptions = {}): Promise<NestFastifyApplication> {
  const http = runtime.logger.child({ component: 'http' });
  const adapter = new FastifyAdapter({
    loggerInstance: http,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxySetting(runtime.config.TRUST_PROXY),
    bodyLimit: 1_048_576,
    ...httpServerTimeouts(runtime.config),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(runtime, options), adapter, {
    logger: new NestPinoLogger(runtime.logger.child({ component: 'nest' })),
    bufferLogs: false,
    bodyParser: false, // Nest would add a urlencoded parser; see below
  });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new HttpExceptionFilter(http));
  const fastify = app.getHttpAdapter().getInstance();
  installHttpEdge(fastify, runtime.config, http);
  // JSON only (Fastify's own parser, bounded by bodyLimit): no form or text bodies, so a
  // cross-site HTML form cannot post anything our routes would parse. Errors before routing
  // (bad JSON, too large, other content types) reach HttpExceptionFilter through Nest.
  fastify.removeContentTypeParser('text/plain');
  // Slate images (PUT /api/streams/:id/slate-image) are the one binary body: a PNG or JPEG, at
  // most 5 MB (checked again, with its header, by the route).
  fastify.addContentTypeParser(['image/png', 'image/jpeg'], { parseAs: 'buffer', bodyLimit: MAX_SLATE_IMAGE_BYTES }, (_request, body, done) => done(null, body));
  // API answers are per-user and often carry secrets once (new tokens): never cache them.
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const level = request.url === '/api/health' ? 'debug' : 'info';
    http[level]({ method: request.method, url: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  return app;
}

/**
 * Start the whole API process: database (embedded unless DATABASE_URL), migrations,
 * the first owner, HTTP on API_PORT and the RTMP ingest on RTMP_PORT.
 */
export async function startApi(config: Readonly<Config>, logger: Logger = createLogger(config)): Promise<RunningApi> {
  // What would fail later, checked before anything starts: each failure names its setting.
  await assertWritableDir('DATA_DIR', config.DATA_DIR);
  await assertPortFree('API_PORT', config.API_PORT, config.HOST);
  await assertPortFree('RTMP_PORT', config.RTMP_PORT, config.HOST);
  const database = await openDatabase(config, logger);
  let app: NestFastifyApplication | undefined;
  try {
    const runtime: Runtime = { config, logger, database, secretKey: await loadSecretKey(config) };
    app = await createApp(runtime);
    await bootstrapOwner(app.get(PrismaService), app.get(PasswordHasher), { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, logger);
    await app.listen({ port: config.API_PORT, host: config.HOST }).catch((error: unknown) => {
      throw listenError('API_PORT', config.API_PORT, config.HOST, error);
    });
    const ingest = app.get(RtmpIngestHost);
    await ingest.start();
    const started = app;
    let closing: Promise<void> | undefined;
    return {
      app: started,
      runtime,
      url: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.API_PORT}`,
      rtmpPort: ingest.status().port,
      close() {
        closing ??= (async () => {
          // Live broadcasts end first (destinations unpublished, 'ended' heard by history and
          // metrics while the database is still up), then the app's own shutdown hooks flush
          // what the recorders hold, then the database stops.
          await ingest.shutdown('server shutting down');
          await started.close();
          await database.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
}

import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../src/generated/prisma/client';
import { MIGRATIONS_DIR, openDatabase, type DatabaseHandle } from '../src/database/database';
import { applyMigrations, MigrationError, readMigrations } from '../src/database/migrate';
import { capturedLogger } from './support/logs';
import { freePort } from './support/ports';

describe('embedded PostgreSQL with migrations', () => {
  let dir: string;
  let port: number;
  let db: DatabaseHandle;
  const { logger } = capturedLogger();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-db-'));
    port = await freePort();
    db = await openDatabase({ DATA_DIR: dir, EMBEDDED_PG_PORT: port, DATABASE_URL: undefined }, logger);
  });

  afterAll(async () => {
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('initialises the cluster under DATA_DIR/postgres and listens on loopback only', async () => {
    expect(db.embedded).toBe(true);
    expect(db.url).toContain(`127.0.0.1:${port}/fanout`);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'listen_addresses'`);
    await client.end();
    expect(rows[0]?.setting).toBe('127.0.0.1');
  });

  it('records every committed migration in _prisma_migrations with its checksum', async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
    );
    await client.end();
    expect(rows).toEqual(migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum })));
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations(db.url, await readMigrations(MIGRATIONS_DIR), logger)).toEqual([]);
  });

  it('matches the Prisma schema: every model and column round-trips through the client', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    try {
      const user = await prisma.user.create({ data: { email: 'drift@example.com', passwordHash: '$argon2id$x', role: 'admin' } });
      const session = await prisma.session.create({
        data: { userId: user.id, tokenHash: 'h1', expiresAt: new Date(Date.now() + 1000), revokedAt: new Date(), userAgent: 'ua', ip: '127.0.0.1' },
      });
      const apiToken = await prisma.apiToken.create({
        data: { userId: user.id, name: 'CI', tokenHash: 't1', lastUsedAt: new Date(), revokedAt: new Date() },
      });
      const stream = await prisma.stream.create({
        data: { ownerId: user.id, name: 'Main', keyHash: 'kh', keyCiphertext: 'v1.a.b.c', settings: { lowLatency: true } },
      });
      const destination = await prisma.destination.create({
        data: { streamId: stream.id, name: 'YouTube', platform: 'youtube', url: 'rtmps://a.rtmps.youtube.com/live2', keyCiphertext: 'v1.x.y.z', enabled: false, options: { backup: true } },
      });
      const auditLog = await prisma.auditLog.create({
        data: { actorId: user.id, action: 'stream.create', targetType: 'stream', targetId: stream.id, metadata: { name: 'Main' } },
      });
      const ingestSession = await prisma.ingestSession.create({
        data: {
          streamId: stream.id,
          startedAt: new Date('2026-11-21T20:00:00.000Z'),
          endedAt: new Date('2026-11-21T21:00:00.000Z'),
          endReason: 'publisher-left',
          videoCodec: 'h264',
          audioCodec: 'aac',
          width: 1920,
          height: 1080,
          fps: 29.97,
          avgBitrateKbps: 6000,
          peakBitrateKbps: 8123,
        },
      });
      const destinationEvent = await prisma.destinationEvent.create({
        data: { destinationId: destination.id, streamId: stream.id, fromState: 'connecting', toState: 'failed', reason: 'rejected-key', message: 'NetStream.Publish.BadName' },
      });
      const metricSamples = [
        await prisma.metricSample.create({ data: { streamId: stream.id, at: new Date('2026-11-21T20:00:10.000Z'), resolution: 10, bitrateKbps: 6012, fps: 30, state: 'live' } }),
        await prisma.metricSample.create({
          data: { streamId: stream.id, destinationId: destination.id, at: new Date('2026-11-21T20:00:10.000Z'), resolution: 10, bitrateKbps: 5990, fps: 29.5, droppedFrames: 12, reconnects: 1, state: 'reconnecting' },
        }),
      ];
      expect(typeof metricSamples[0]!.id).toBe('bigint');
      const webhook = await prisma.webhookEndpoint.create({
        data: {
          url: 'https://hooks.example/in',
          description: 'CI',
          events: ['stream.live', 'stream.ended'],
          enabled: false,
          secretCiphertext: 'v1.s.e.c',
          previousSecretCiphertext: 'v1.o.l.d',
          previousSecretExpiresAt: new Date('2026-11-22T20:00:00.000Z'),
          urlSetById: user.id,
          lastSuccessAt: new Date('2026-11-21T20:00:00.000Z'),
          lastFailureAt: new Date('2026-11-21T20:01:00.000Z'),
          lastError: 'HTTP 500',
          consecutiveFailures: 2,
        },
      });
      const webhookEvent = await prisma.webhookEvent.create({ data: { type: 'stream.live', streamId: stream.id, body: '{"id":"x"}' } });
      const deliveries = [
        await prisma.webhookDelivery.create({
          data: {
            endpointId: webhook.id,
            eventId: webhookEvent.id,
            orderingKey: stream.id,
            trigger: 'event',
            status: 'pending',
            attempts: 2,
            nextAttemptAt: new Date('2026-11-21T20:02:00.000Z'),
            leasedUntil: new Date('2026-11-21T20:01:30.000Z'),
            leaseToken: '00000000-0000-4000-8000-00000000000a',
            lastAttemptAt: new Date('2026-11-21T20:01:00.000Z'),
            statusCode: 500,
            latencyMs: 42,
            error: 'HTTP 500',
            response: 'oops',
            deliveredAt: null,
          },
        }),
        await prisma.webhookDelivery.create({ data: { endpointId: webhook.id, eventId: webhookEvent.id, trigger: 'redeliver' } }),
      ];
      expect(deliveries[1]!.seq).toBeGreaterThan(deliveries[0]!.seq);
      expect(deliveries[1]).toMatchObject({ status: 'pending', attempts: 0, orderingKey: null, leasedUntil: null });
      expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id }, include: { deliveries: { orderBy: { seq: 'asc' } } } })).toEqual({ ...webhook, deliveries });
      expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: webhookEvent.id }, include: { deliveries: { orderBy: { seq: 'asc' } } } })).toEqual({ ...webhookEvent, deliveries });
      const loaded = await prisma.user.findUniqueOrThrow({
        where: { id: user.id },
        include: {
          sessions: true,
          apiTokens: true,
          auditLogs: true,
          streams: { include: { destinations: { include: { events: true, metricSamples: true } }, ingestSessions: true, destinationEvents: true, metricSamples: { orderBy: { id: 'asc' } } } },
        },
      });
      expect(loaded.auditLogs).toEqual([auditLog]);
      expect(auditLog.metadata).toEqual({ name: 'Main' });
      expect(loaded.streams[0]?.ingestSessions).toEqual([ingestSession]);
      expect(ingestSession.fps).toBe(29.97);
      expect(loaded.streams[0]?.destinationEvents).toEqual([destinationEvent]);
      expect(loaded.streams[0]?.metricSamples).toEqual(metricSamples);
      expect(metricSamples[0]).toMatchObject({ destinationId: null, droppedFrames: 0, reconnects: 0 });
      const { events, metricSamples: destinationSamples, ...loadedDestination } = loaded.streams[0]!.destinations[0]!;
      expect(events).toEqual([destinationEvent]);
      expect(destinationSamples).toEqual([metricSamples[1]]);
      expect(loaded.role).toBe('admin');
      expect(loaded.sessions[0]).toEqual(session);
      expect(loaded.apiTokens[0]).toEqual(apiToken);
      await expect(prisma.apiToken.create({ data: { userId: user.id, name: 'dup', tokenHash: 't1' } })).rejects.toMatchObject({ code: 'P2002' });
      expect(loaded.streams[0]?.settings).toEqual({ lowLatency: true });
      expect(loadedDestination).toEqual(destination);
      // Deleting a destination takes its events and samples, not the stream's own.
      await prisma.destination.delete({ where: { id: destination.id } });
      expect(await prisma.destinationEvent.count()).toBe(0);
      expect(await prisma.metricSample.findMany()).toEqual([metricSamples[0]]);
      // Deleting the user cascades to everything it owns; its audit entries stay, without the actor.
      // A webhook stays (it belongs to the server), without whoever set its URL; the outbox outlives the stream.
      await prisma.user.delete({ where: { id: user.id } });
      expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } })).toEqual({ ...webhook, urlSetById: null, updatedAt: expect.any(Date) });
      expect(await prisma.webhookEvent.count()).toBe(1);
      // Deleting the endpoint takes its deliveries, not the events.
      await prisma.webhookEndpoint.delete({ where: { id: webhook.id } });
      expect(await prisma.webhookDelivery.count()).toBe(0);
      expect(await prisma.webhookEvent.count()).toBe(1);
      expect(await prisma.destination.count()).toBe(0);
      expect(await prisma.ingestSession.count()).toBe(0);
      expect(await prisma.metricSample.count()).toBe(0);
      expect(await prisma.auditLog.findMany()).toEqual([{ ...auditLog, actorId: null }]);
      expect(await prisma.session.count()).toBe(0);
      expect(await prisma.apiToken.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('names indexes and constraints the way prisma migrate would', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const names = async (table: string) =>
      (
        await client.query<{ name: string }>(
          `SELECT indexname AS name FROM pg_indexes WHERE tablename = $1
           UNION SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f') ORDER BY name`,
          [table],
        )
      ).rows.map((r) => r.name);
    try {
      expect(await names('api_tokens')).toEqual(['api_tokens_pkey', 'api_tokens_token_hash_key', 'api_tokens_user_id_fkey', 'api_tokens_user_id_idx']);
      expect(await names('audit_logs')).toEqual([
        'audit_logs_action_created_at_idx',
        'audit_logs_actor_id_created_at_idx',
        'audit_logs_actor_id_fkey',
        'audit_logs_created_at_idx',
        'audit_logs_pkey',
        'audit_logs_target_type_target_id_idx',
      ]);
      expect(await names('recordings')).toEqual(['recordings_file_key', 'recordings_pkey', 'recordings_state_idx', 'recordings_stream_id_fkey', 'recordings_stream_id_started_at_idx']);
      expect(await names('input_switches')).toEqual(['input_switches_pkey', 'input_switches_stream_id_at_idx', 'input_switches_stream_id_fkey']);
      expect(await names('ingest_sessions')).toEqual(['ingest_sessions_ended_at_idx', 'ingest_sessions_pkey', 'ingest_sessions_stream_id_fkey', 'ingest_sessions_stream_id_started_at_idx']);
      expect(await names('destination_events')).toEqual([
        'destination_events_destination_id_at_idx',
        'destination_events_destination_id_fkey',
        'destination_events_pkey',
        'destination_events_stream_id_at_idx',
        'destination_events_stream_id_fkey',
      ]);
      expect(await names('metric_samples')).toEqual([
        'metric_samples_destination_id_fkey',
        'metric_samples_destination_id_idx',
        'metric_samples_pkey',
        'metric_samples_stream_id_fkey',
        'metric_samples_stream_id_resolution_at_idx',
      ]);
      expect(await names('webhook_endpoints')).toEqual(['webhook_endpoints_pkey', 'webhook_endpoints_url_set_by_id_fkey']);
      expect(await names('webhook_events')).toEqual(['webhook_events_created_at_idx', 'webhook_events_pkey']);
      expect(await names('webhook_deliveries')).toEqual([
        'webhook_deliveries_endpoint_id_created_at_idx',
        'webhook_deliveries_endpoint_id_fkey',
        'webhook_deliveries_endpoint_id_ordering_key_seq_idx',
        'webhook_deliveries_event_id_fkey',
        'webhook_deliveries_event_id_idx',
        'webhook_deliveries_pkey',
        'webhook_deliveries_seq_key',
        'webhook_deliveries_status_next_attempt_at_idx',
      ]);
      // metric_samples is read by (stream, resolution, time range): the index must lead with those columns.
      const { rows } = await client.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'metric_samples_stream_id_resolution_at_idx'`);
      expect(rows[0]?.indexdef).toMatch(/\(stream_id, resolution, at\)$/);
    } finally {
      await client.end();
    }
  });

  it('keeps the data across a restart of the embedded server', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO users (id, email, password_hash, updated_at) VALUES (gen_random_uuid(), 'kept@example.com', 'x', now())`);
    await client.end();
    await db.stop();
    db = await openDatabase({ DATA_DIR: dir, EMBEDDED_PG_PORT: port, DATABASE_URL: undefined }, logger);
    const again = new Client({ connectionString: db.url });
    await again.connect();
    const { rows } = await again.query(`SELECT email FROM users WHERE email = 'kept@example.com'`);
    await again.end();
    expect(rows).toHaveLength(1);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const edited = await mkdtemp(join(tmpdir(), 'fanout-mig-'));
    await cp(MIGRATIONS_DIR, edited, { recursive: true });
    const [first] = await readMigrations(edited);
    await writeFile(join(edited, first!.name, 'migration.sql'), first!.sql + '\n-- edited\n');
    await expect(applyMigrations(db.url, await readMigrations(edited), logger)).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
    } satisfies Partial<MigrationError>);
    await rm(edited, { recursive: true, force: true });
  });

  it('rolls back a failing migration and reports it', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'fanout-mig-'));
    await cp(MIGRATIONS_DIR, broken, { recursive: true });
    await mkdir(join(broken, '29991231000000_broken'));
    await writeFile(join(broken, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE half (id int);\nSELECT * FROM no_such_table;');
    await expect(applyMigrations(db.url, await readMigrations(broken), logger)).rejects.toMatchObject({ code: 'APPLY_FAILED' });
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(`SELECT to_regclass('public.half') AS t`);
    await client.end();
    expect(rows[0]?.t).toBeNull();
    await rm(broken, { recursive: true, force: true });
  });
});

describe('external DATABASE_URL', () => {
  it('uses the given server instead of starting one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanout-db-'));
    const port = await freePort();
    const { logger } = capturedLogger();
    const embedded = await openDatabase({ DATA_DIR: dir, EMBEDDED_PG_PORT: port, DATABASE_URL: undefined }, logger);
    try {
      const external = await openDatabase({ DATA_DIR: join(dir, 'unused'), EMBEDDED_PG_PORT: port + 1, DATABASE_URL: embedded.url }, logger);
      expect(external).toMatchObject({ url: embedded.url, embedded: false });
      await external.stop(); // a no-op: it does not own the server
      const client = new Client({ connectionString: embedded.url });
      await client.connect();
      await client.end();
    } finally {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema, streamDetailSchema } from '@fanout/contracts';
import { publish, RtmpError, RtmpServer, type RtmpPublisher } from '@fanout/rtmp';
import { PrismaService } from '../src/database/prisma.service';
import { Secrets } from '../src/crypto/secrets';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { PublishAuthorizer } from '../src/ingest/publish-authorizer';
import { startTestApi, type TestApi } from './support/api';
import { type Actor, setUpTeam } from './support/actors';
import { recordingClient } from './support/http';
import { waitUntil } from './support/media';

describe('RTMP ingest listener', () => {
  let api: TestApi;
  const streamKey = 'live_7f3c9a1e5b2d4c6f8a0b';

  beforeAll(async () => {
    api = await startTestApi();
    const prisma = api.app.get(PrismaService);
    const secrets = api.app.get(Secrets);
    const owner = await prisma.client.user.create({ data: { email: 'streamer@example.com', passwordHash: 'x', role: 'owner' } });
    await prisma.client.stream.create({
      data: { ownerId: owner.id, name: 'Main', keyHash: secrets.lookupHash(streamKey), keyCiphertext: secrets.encrypt(streamKey) },
    });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('accepts a publish whose key matches a stream, looked up by its hash', async () => {
    const publisher = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`);
    try {
      const health = healthSchema.parse(await (await fetch(`${api.url}/api/health`)).json());
      expect(health.rtmp.connections).toBe(1);
    } finally {
      await publisher.close();
    }
  });

  it('answers an unknown key with NetStream.Publish.BadName', async () => {
    const error = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/not-a-real-key-123`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RtmpError);
    expect((error as RtmpError).code).toBe('PUBLISH_BAD_NAME');
  });

  it('rejects a publish to another application than /live', async () => {
    const error = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/other/${streamKey}`).catch((e: unknown) => e);
    expect((error as RtmpError).code).toBe('PUBLISH_BAD_NAME');
  });

  it('logs a fingerprint of each key, never the key itself', () => {
    const logs = api.logs.join('\n');
    expect(logs).toContain(Secrets.fingerprint('not-a-real-key-123'));
    expect(logs).toContain(Secrets.fingerprint(streamKey));
    expect(logs).not.toContain('not-a-real-key-123');
    expect(logs).not.toContain(streamKey);
  });
});

describe('RTMP ingest: takeover and bad-key limits', () => {
  let api: TestApi;
  const streamKey = 'live_takeover_0a1b2c3d4e5f';

  beforeAll(async () => {
    api = await startTestApi({ INGEST_GRACE_S: '1', RTMP_BAD_KEY_MAX_DELAY_S: '1' });
    const prisma = api.app.get(PrismaService);
    const secrets = api.app.get(Secrets);
    const owner = await prisma.client.user.create({ data: { email: 'takeover@example.com', passwordHash: 'x', role: 'owner' } });
    await prisma.client.stream.create({
      data: { ownerId: owner.id, name: 'Main', keyHash: secrets.lookupHash(streamKey), keyCiphertext: secrets.encrypt(streamKey) },
    });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('lets the newest of two publishers on one key win, closing the older one', async () => {
    const first = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`);
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`);
    try {
      await firstClosed;
      expect(first.closed).toBe(true);
      expect(second.closed).toBe(false);
      expect(second.sendMetadata({ width: 1280, height: 720 })).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('answers repeated bad keys from one address ever more slowly, counted before the lookup, and still lets a good key from that address publish', async () => {
    const url = (key: string) => `rtmp://127.0.0.1:${api.rtmpPort}/live/${key}`;
    const lookups = () => api.logs.filter((l) => l.includes('unknown stream key')).length;
    const before = lookups();
    // Forty at once: every one is counted before any lookup, so all past the fifth wait (and are refused).
    const started = Date.now();
    const errors = await Promise.all(Array.from({ length: 40 }, (_, i) => publish(url(`wrong-${i}`)).then(() => new RtmpError('INVALID_STATE', 'published'), (e: unknown) => e as RtmpError)));
    expect(errors.map((e) => e.code)).toEqual(Array.from({ length: 40 }, () => 'PUBLISH_BAD_NAME'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // RTMP_BAD_KEY_MAX_DELAY_S in this suite
    expect(lookups() - before).toBe(40);
    expect(api.logs.some((l) => l.includes('many bad stream keys from this address: the lookup waits'))).toBe(true);
    // The rightful streamer behind the same address gets in, after at most the longest delay.
    const good = Date.now();
    const publisher = await publish(url(streamKey));
    expect(Date.now() - good).toBeLessThan(3_000);
    await publisher.close();
  });
});

describe('RTMP ingest: a rotated key or a deleted stream stops the encoder that is live with it', () => {
  let api: TestApi;
  let owner: Actor;
  let sink: RtmpServer;
  let sinkPort: number;
  let unpublishedAtSink = 0;
  const publishers: RtmpPublisher[] = [];

  beforeAll(async () => {
    // A long grace window: deleting must not wait for it.
    api = await startTestApi({ INGEST_GRACE_S: '30' });
    ({ owner } = await setUpTeam(recordingClient(api.url), {}));
    sink = new RtmpServer();
    sink.on('session', (session) => {
      session.on('publish', (request) => request.accept());
      session.on('unpublish', () => unpublishedAtSink++);
    });
    ({ port: sinkPort } = await sink.listen(0, '127.0.0.1'));
  });

  afterAll(async () => {
    for (const p of publishers) if (!p.closed) await p.close().catch(() => undefined);
    await api?.dispose();
    await sink?.close();
  });

  async function liveStream(name: string) {
    const created = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name })).body);
    const destination = await owner.call('POST', `/api/streams/${created.id}/destinations`, { name: 'Sink', platform: 'custom', url: `rtmp://127.0.0.1:${sinkPort}/live`, streamKey: `sink_${name}_4e8a` });
    expect(destination.status).toBe(201);
    return { id: created.id, key: created.streamKey! };
  }

  async function goLive(streamKey: string): Promise<RtmpPublisher> {
    const publisher = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`);
    publishers.push(publisher);
    publisher.sendVideo(0, Buffer.from([0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x1f, 0xff]));
    return publisher;
  }

  const ingest = () => api.app.get(EngineRegistry);
  const ingestState = (id: string) => ingest().stats(id)?.ingest.state;
  const destinationState = (id: string) => ingest().stats(id)?.destinations[0]?.state;

  it('rotating the key disconnects the encoder; the destination waits out the grace window, and the encoder continues with the new key', async () => {
    const stream = await liveStream('rotate');
    const first = await goLive(stream.key);
    await waitUntil('the destination to go live', () => destinationState(stream.id) === 'live', 10_000);
    const restreamer = ingest().engine(stream.id);

    const rotated = await owner.call('POST', `/api/streams/${stream.id}/rotate-key`);
    expect(rotated.status).toBe(200);
    const newKey = streamDetailSchema.parse(rotated.body).streamKey!;
    await waitUntil('the encoder to be disconnected', () => first.closed, 5_000);
    expect(ingestState(stream.id)).toBe('grace');
    expect(destinationState(stream.id)).toBe('live');

    // The replaced key is recognised: the encoder is told so, and the stream page says where it is.
    const old = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`).catch((e: unknown) => e);
    expect((old as RtmpError).code).toBe('PUBLISH_BAD_NAME');
    expect((old as RtmpError).message).toMatch(/stream key was replaced on .*Copy the new key from the dashboard/);
    const page = streamDetailSchema.parse((await owner.call('GET', `/api/streams/${stream.id}`)).body);
    expect(page.oldKeyInUse).toMatchObject({ address: '127.0.0.1' });
    expect(api.app.get(PublishAuthorizer).badKeys.count('127.0.0.1')).toBe(0); // not a bad key

    const second = await goLive(newKey);
    await waitUntil('the ingest to be live again', () => ingestState(stream.id) === 'live', 5_000);
    expect(ingest().engine(stream.id)).toBe(restreamer); // the same broadcast, not a new one
    expect(second.closed).toBe(false);
    expect(api.logs.some((l) => l.includes('stream key rotated') && l.includes('disconnecting the publisher'))).toBe(true);
  });

  it('deleting the stream disconnects the encoder and unpublishes its destinations at once, without a grace window', async () => {
    const stream = await liveStream('delete');
    const publisher = await goLive(stream.key);
    await waitUntil('the destination to go live', () => destinationState(stream.id) === 'live', 10_000);
    const unpublishedBefore = unpublishedAtSink;
    const logsBefore = api.logs.length;

    const started = Date.now();
    expect((await owner.call('DELETE', `/api/streams/${stream.id}`)).status).toBe(204);
    await waitUntil('the encoder to be disconnected', () => publisher.closed, 5_000);
    await waitUntil('the restreamer to be released', () => ingest().engine(stream.id) === undefined, 5_000);
    await waitUntil('the destination to be unpublished', () => unpublishedAtSink > unpublishedBefore, 5_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The history of a stream deleted mid-broadcast goes with it, quietly: no warnings, no errors.
    expect(api.logs.slice(logsBefore).filter((l) => /^\{"level":(40|50)/.test(l))).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '@fanout/contracts';
import { publish, RtmpError } from '@fanout/rtmp';
import { PrismaService } from '../src/database/prisma.service';
import { Secrets } from '../src/crypto/secrets';
import { startTestApi, type TestApi } from './support/api';

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
    api = await startTestApi({ INGEST_GRACE_S: '1' });
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

  it('refuses every publish from an address after repeated bad keys, even a good one', async () => {
    for (let i = 0; i < 5; i++) {
      const error = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/wrong-${i}`).catch((e: unknown) => e);
      expect((error as RtmpError).code).toBe('PUBLISH_BAD_NAME');
    }
    const lookupsBefore = api.logs.filter((l) => l.includes('unknown stream key')).length;
    const error = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`).catch((e: unknown) => e);
    expect((error as RtmpError).code).toBe('PUBLISH_BAD_NAME');
    expect(api.logs.some((l) => l.includes('too many bad stream keys'))).toBe(true);
    expect(api.logs.filter((l) => l.includes('unknown stream key')).length).toBe(lookupsBefore);
  });
});

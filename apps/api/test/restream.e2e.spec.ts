import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/database/prisma.service';
import { Secrets } from '../src/crypto/secrets';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { startTestApi, type TestApi } from './support/api';
import { freePort } from './support/ports';
import { probe, run, startsOnKeyframe, videoTimestampsMonotonic, waitUntil, within } from './support/media';
import { comparable, frameHashes } from './support/frames';
import { ffmpegLive } from './support/publishers';
import { startNginx, startOwnSink } from './support/sinks';
import { HAVE_FFMPEG, HAVE_NGINX_RTMP, skipWithout } from './support/tools';

/** ffmpeg encoding a 720p30 H.264+AAC test pattern (2 s GOPs) in real time to our ingest, teed to `copyTo`. */
const publishWithFfmpeg = (rtmpUrl: string, seconds: number, copyTo: string) => ffmpegLive(rtmpUrl, copyTo, { seconds, gop: 60 });

describe.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG) || skipWithout('nginx with the RTMP module', HAVE_NGINX_RTMP))(
  'restreaming end to end: ffmpeg publishes once, three destinations receive it',
  () => {
    let api: TestApi;
    let dir: string;
    const streamKey = 'live_e2e_4b1d2c3a9f8e7d6c';
    let streamId: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fanout-restream-'));
      api = await startTestApi({ INGEST_GRACE_S: '2' });
      const prisma = api.app.get(PrismaService);
      const secrets = api.app.get(Secrets);
      const owner = await prisma.client.user.create({ data: { email: 'e2e@example.com', passwordHash: 'x', role: 'owner' } });
      streamId = (
        await prisma.client.stream.create({
          data: { ownerId: owner.id, name: 'E2E', keyHash: secrets.lookupHash(streamKey), keyCiphertext: secrets.encrypt(streamKey) },
        })
      ).id;
    });

    afterAll(async () => {
      await api?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('delivers a 720p30 H.264+AAC stream to ffmpeg -listen, nginx-rtmp and Fanout\'s own server', async () => {
      const prisma = api.app.get(PrismaService);
      const secrets = api.app.get(Secrets);

      const listenPort = await freePort();
      const listenOut = join(dir, 'ffmpeg-listen.flv');
      const listener = run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-listen', '1', '-i', `rtmp://127.0.0.1:${listenPort}/live/k1`, '-c', 'copy', '-f', 'flv', '-y', listenOut]);
      const nginx = await startNginx(join(dir, 'nginx'));
      const ownOut = join(dir, 'own.flv');
      const own = await startOwnSink(ownOut, 'k3');
      try {
        await new Promise((r) => setTimeout(r, 500)); // let ffmpeg and nginx bind
        const destinations = [
          { name: 'ffmpeg -listen', url: `rtmp://127.0.0.1:${listenPort}/live`, key: 'k1' },
          { name: 'nginx-rtmp', url: `rtmp://127.0.0.1:${nginx.port}/live`, key: 'k2' },
          { name: 'Fanout', url: `rtmp://127.0.0.1:${own.port}/live`, key: 'k3' },
        ];
        for (const d of destinations) {
          await prisma.client.destination.create({
            data: { streamId, name: d.name, platform: 'custom', url: d.url, keyCiphertext: secrets.encrypt(d.key) },
          });
        }

        const source = join(dir, 'source.flv');
        const publisher = publishWithFfmpeg(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`, 6, source);
        await within(publisher.done, 60_000, 'the publishing ffmpeg');

        // After the grace window the destinations are unpublished, which ends each recording.
        expect(await within(listener.exited, 30_000, 'ffmpeg -listen'), listener.stderr()).toBe(0);
        await within(own.finished, 30_000, 'the Fanout sink');
        await waitUntil('nginx to close its recording', () => existsSync(nginx.recording('k2')) && api.app.get(EngineRegistry).stats(streamId) === undefined, 30_000);

        const expected = probe(source);
        expect(expected.videoFrames).toBeGreaterThanOrEqual(170);
        const sent = comparable(frameHashes(source));
        for (const out of [listenOut, nginx.recording('k2'), ownOut]) {
          const got = probe(out);
          expect(got, out).toMatchObject({ width: 1280, height: 720, videoCodec: 'h264', audioCodec: 'aac' });
          // Configured before the publish: every frame, exactly, byte for byte.
          expect(got.videoFrames, `${out}: ${got.videoFrames} of ${expected.videoFrames} frames`).toBe(expected.videoFrames);
          expect(got.audioFrames, out).toBe(expected.audioFrames);
          expect(comparable(frameHashes(out)), `${out}: payloads`).toEqual(sent);
          expect(startsOnKeyframe(out), `${out} starts on a keyframe`).toBe(true);
          expect(videoTimestampsMonotonic(out), `${out} timestamps`).toBe(true);
        }
        expect(own.publishes()).toBe(1);
        // Destination keys never reach the logs.
        const logs = api.logs.join('\n');
        for (const key of [streamKey, 'k1', 'k2', 'k3'].filter((k) => k.length > 4)) expect(logs).not.toContain(key);
      } finally {
        listener.child.kill('SIGKILL');
        nginx.child.kill('SIGKILL');
        await own.server.close();
      }
    }, 180_000);
  },
);

describe.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG) || skipWithout('nginx with the RTMP module', HAVE_NGINX_RTMP))(
  'restreaming end to end: faults with real processes',
  () => {
    let api: TestApi;
    let dir: string;
    let owner: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fanout-faults-'));
      api = await startTestApi({ INGEST_GRACE_S: '4' });
      owner = (await api.app.get(PrismaService).client.user.create({ data: { email: 'faults@example.com', passwordHash: 'x', role: 'owner' } })).id;
    });

    afterAll(async () => {
      await api?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    async function createStream(key: string, destinations: { name: string; url: string; key: string }[]): Promise<string> {
      const prisma = api.app.get(PrismaService);
      const secrets = api.app.get(Secrets);
      const stream = await prisma.client.stream.create({
        data: { ownerId: owner, name: key, keyHash: secrets.lookupHash(key), keyCiphertext: secrets.encrypt(key) },
      });
      for (const d of destinations) {
        await prisma.client.destination.create({ data: { streamId: stream.id, name: d.name, platform: 'custom', url: d.url, keyCiphertext: secrets.encrypt(d.key) } });
      }
      return stream.id;
    }

    function destinationState(streamId: string, name: string) {
      return api.app.get(EngineRegistry).stats(streamId)?.destinations.find((d) => d.name === name);
    }

    it('reconnects a destination process that is killed and restarted mid-stream, while the others lose nothing', async () => {
      const nginxDir = join(dir, 'nginx-a');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(nginxDir);
      let nginx = await startNginx(nginxDir);
      const a = await startOwnSink(join(dir, 'a.flv'), 'a1');
      const b = await startOwnSink(join(dir, 'b.flv'), 'b1');
      const key = 'live_fault_kill_1f2e3d4c5b6a';
      try {
        const streamId = await createStream(key, [
          { name: 'nginx-rtmp', url: `rtmp://127.0.0.1:${nginx.port}/live`, key: 'n1' },
          { name: 'sink A', url: `rtmp://127.0.0.1:${a.port}/live`, key: 'a1' },
          { name: 'sink B', url: `rtmp://127.0.0.1:${b.port}/live`, key: 'b1' },
        ]);
        await new Promise((r) => setTimeout(r, 300));
        const source = join(dir, 'kill-source.flv');
        const publisher = publishWithFfmpeg(`rtmp://127.0.0.1:${api.rtmpPort}/live/${key}`, 12, source);

        await waitUntil('nginx destination live', () => destinationState(streamId, 'nginx-rtmp')?.state === 'live', 15_000);
        nginx.child.kill('SIGKILL');
        await nginx.exited;
        await waitUntil('nginx destination reconnecting', () => destinationState(streamId, 'nginx-rtmp')?.state === 'reconnecting', 10_000);
        expect(destinationState(streamId, 'nginx-rtmp')?.nextRetryAt).not.toBeNull();
        expect(destinationState(streamId, 'sink A')?.state).toBe('live');

        nginx = await startNginx(nginxDir, nginx.port);
        await waitUntil(
          'nginx destination live again',
          () => {
            const d = destinationState(streamId, 'nginx-rtmp');
            return d?.state === 'live' && d.reconnects >= 1;
          },
          20_000,
        );

        await within(publisher.done, 60_000, 'the publishing ffmpeg');
        await within(Promise.all([a.finished, b.finished]), 30_000, 'the sinks');
        const expected = probe(source).videoFrames;
        for (const [name, sink, file] of [['A', a, 'a.flv'], ['B', b, 'b.flv']] as const) {
          expect(probe(join(dir, file)).videoFrames, `sink ${name}`).toBe(expected);
          expect(sink.connections(), `sink ${name} connections`).toBe(1);
        }
      } finally {
        nginx.child.kill('SIGKILL');
        await a.server.close();
        await b.server.close();
      }
    }, 120_000);

    it('keeps one destination connection and one monotonic timeline when the publisher is killed and returns within the grace window', async () => {
      const sink = await startOwnSink(join(dir, 'grace.flv'), 'g1');
      const key = 'live_fault_grace_6a5b4c3d2e1f';
      try {
        await createStream(key, [{ name: 'sink', url: `rtmp://127.0.0.1:${sink.port}/live`, key: 'g1' }]);
        const url = `rtmp://127.0.0.1:${api.rtmpPort}/live/${key}`;
        const first = publishWithFfmpeg(url, 30, join(dir, 'grace-first.flv'));
        await waitUntil('the sink to receive two seconds of video', () => sink.videoTags() >= 60, 20_000);
        first.kill();
        await first.done.catch(() => undefined);
        const before = sink.videoTags();
        await new Promise((r) => setTimeout(r, 1500)); // the publisher is gone; the destination is held open
        expect(sink.connections()).toBe(1);
        const second = publishWithFfmpeg(url, 4, join(dir, 'grace-second.flv'));
        await within(second.done, 60_000, 'the returning publisher');
        await within(sink.finished, 30_000, 'the sink');
        expect(sink.videoTags()).toBeGreaterThan(before + 60);
        expect(sink.connections()).toBe(1);
        expect(sink.publishes()).toBe(1);
        const out = join(dir, 'grace.flv');
        expect(videoTimestampsMonotonic(out)).toBe(true);
        expect(startsOnKeyframe(out)).toBe(true);
        expect(probe(out).videoFrames).toBeGreaterThan(before + 60);
      } finally {
        await sink.server.close();
      }
    }, 120_000);
  },
);

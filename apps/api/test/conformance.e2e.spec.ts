import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/database/prisma.service';
import { Secrets } from '../src/crypto/secrets';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { startTestApi, type TestApi } from './support/api';
import { capturedLogger } from './support/logs';
import { freePort } from './support/ports';
import { startsOnKeyframe, videoTimestampsMonotonic, waitUntil, within } from './support/media';
import { comparable, frameHashes, sourceFacts } from './support/frames';
import { encodeFile, ffmpegCopy, ffmpegLive, gstreamer, scriptedEager, scriptedPipelined, type TestPublisher } from './support/publishers';
import { startDelayProxy } from './support/slow-proxy';
import { startFfmpegListener, startNginx, startOwnSink } from './support/sinks';
import { HAVE_FFMPEG, HAVE_GSTREAMER, HAVE_NGINX_RTMP, skipWithout } from './support/tools';
import type { StreamStats } from '@fanout/restream';

const SECONDS = 5;
const ENCODE = { seconds: SECONDS, width: 1280, height: 720, fps: 30, gop: 30 };

type PublisherKind = 'ffmpeg-live' | 'ffmpeg-copy' | 'gst-rtmp2sink' | 'gst-rtmpsink' | 'eager' | 'pipelined';
const PUBLISHERS: PublisherKind[] = ['ffmpeg-live', 'ffmpeg-copy', 'gst-rtmp2sink', 'gst-rtmpsink', 'eager', 'pipelined'];

const skip =
  skipWithout('ffmpeg', HAVE_FFMPEG) || skipWithout('nginx with the RTMP module', HAVE_NGINX_RTMP) || skipWithout('GStreamer (rtmp2sink, rtmpsink, x264enc, voaacenc)', HAVE_GSTREAMER);

/** Seen during the runs, for the closing note: publisher × destination → frames. */
const matrix: string[] = [];

describe.skipIf(skip)('broadcast conformance: every encoder, every destination, frame for frame', () => {
  let dir: string;
  let sourceFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-conformance-'));
    sourceFile = join(dir, 'recorded.flv');
    await encodeFile(sourceFile, ENCODE);
  }, 120_000);

  afterAll(async () => {
    if (matrix.length) console.log(`\nconformance matrix (publisher → destination: video/audio frames, source):\n${matrix.join('\n')}`);
    if (process.env.KEEP_TEST_FILES) console.log(`test files kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  });

  for (const database of ['fast', 'slow'] as const) {
    describe(database === 'fast' ? 'with the embedded database' : 'with a database 300 ms away (every query delayed)', () => {
      let api: TestApi;
      let owner: string;
      let nginx: Awaited<ReturnType<typeof startNginx>>;
      const stops: (() => Promise<void>)[] = [];

      beforeAll(async () => {
        const env: Record<string, string> = { INGEST_GRACE_S: '1' };
        if (database === 'slow') {
          const pgDir = await mkdtemp(join(tmpdir(), 'fanout-slowdb-'));
          const pg = await startEmbeddedPostgres({ dataDir: join(pgDir, 'postgres'), port: await freePort(), logger: capturedLogger().logger });
          const url = new URL(pg.url);
          const proxy = await startDelayProxy({ host: url.hostname, port: Number(url.port) }, 150);
          url.port = String(proxy.port);
          env.DATABASE_URL = url.toString();
          stops.push(async () => {
            await proxy.close();
            await pg.stop();
            await rm(pgDir, { recursive: true, force: true });
          });
        }
        api = await startTestApi(env);
        owner = (await api.app.get(PrismaService).client.user.create({ data: { email: `conformance-${database}@example.com`, passwordHash: 'x', role: 'owner' } })).id;
        nginx = await startNginx(join(dir, `nginx-${database}`));
      }, 180_000);

      afterAll(async () => {
        nginx?.child.kill('SIGKILL');
        await api?.dispose();
        for (const stop of stops.reverse()) await stop();
      }, 60_000);

      if (database === 'fast') {
        it('30 eager 3 s publishes in a row: every one reaches nginx-rtmp and Fanout whole, from its first frame', async () => {
          const short = join(dir, 'short.flv');
          await encodeFile(short, { ...ENCODE, seconds: 3 });
          const expected = comparable(frameHashes(short));
          const prisma = api.app.get(PrismaService);
          const secrets = api.app.get(Secrets);
          const ingest = api.app.get(EngineRegistry);
          const deadline = Date.now() + 270_000;
          const lost: string[] = [];
          for (let i = 0; i < 30 && Date.now() < deadline; i++) {
            const key = `live_repeat_${i}_3f9d2a7b`;
            const own = await startOwnSink(join(dir, `repeat-${i}-own.flv`), `o-r${i}`);
            try {
              const stream = await prisma.client.stream.create({ data: { ownerId: owner, name: `repeat ${i}`, keyHash: secrets.lookupHash(key), keyCiphertext: secrets.encrypt(key) } });
              await prisma.client.destination.createMany({
                data: [
                  { streamId: stream.id, name: 'nginx-rtmp', platform: 'custom', url: nginx.url, keyCiphertext: secrets.encrypt(`n-r${i}`) },
                  { streamId: stream.id, name: 'Fanout', platform: 'custom', url: own.url, keyCiphertext: secrets.encrypt(own.key) },
                ],
              });
              await within(scriptedEager(`rtmp://127.0.0.1:${api.rtmpPort}/live/${key}`, short).done, 30_000, `eager publish ${i}`);
              await within(own.finished, 15_000, `Fanout sink ${i}`);
              await waitUntil(`nginx recording ${i}`, () => existsSync(nginx.recording(`n-r${i}`)) && ingest.stats(stream.id) === undefined, 15_000);
              for (const file of [own.file, nginx.recording(`n-r${i}`)]) {
                const got = comparable(frameHashes(file));
                if (JSON.stringify(got) !== JSON.stringify(expected)) lost.push(`run ${i} ${file}: ${got.video.length}/${got.audio.length} of ${expected.video.length}/${expected.audio.length}`);
              }
            } finally {
              await own.stop();
            }
            if (i === 29) matrix.push(`fast eager ×30     → nginx-rtmp, Fanout: ${30 * 2 - lost.length}/60 recordings complete`);
          }
          expect(lost).toEqual([]);
          expect(Date.now()).toBeLessThan(deadline); // all 30 ran
        }, 300_000);
      }

      for (const kind of PUBLISHERS) {
        it(`${kind} → ffmpeg -listen, nginx-rtmp and Fanout receive every frame, byte for byte`, async () => {
          const tag = `${database}-${kind}`;
          const key = `live_conf_${tag}_7c1e9a`;
          const prisma = api.app.get(PrismaService);
          const secrets = api.app.get(Secrets);
          const listener = await startFfmpegListener(join(dir, `${tag}-listen.flv`), `l-${tag}`);
          const own = await startOwnSink(join(dir, `${tag}-own.flv`), `o-${tag}`);
          const nginxKey = `n-${tag}`;
          try {
            const stream = await prisma.client.stream.create({ data: { ownerId: owner, name: tag, keyHash: secrets.lookupHash(key), keyCiphertext: secrets.encrypt(key) } });
            for (const d of [
              { name: 'ffmpeg -listen', url: listener.url, key: listener.key },
              { name: 'nginx-rtmp', url: nginx.url, key: nginxKey },
              { name: 'Fanout', url: own.url, key: own.key },
            ]) {
              await prisma.client.destination.create({ data: { streamId: stream.id, name: d.name, platform: 'custom', url: d.url, keyCiphertext: secrets.encrypt(d.key) } });
            }

            const url = `rtmp://127.0.0.1:${api.rtmpPort}/live/${key}`;
            const publisher = startPublisher(kind, url, join(dir, `${tag}-source.flv`), sourceFile);
            // The facts the platform reports mid-broadcast (3.5 s in: the first keyframe intervals
            // are known, and GStreamer's irregular first and last timestamps are out of the window).
            let lastLive: StreamStats | undefined;
            const ingest = api.app.get(EngineRegistry);
            const sampler = setInterval(() => {
              const stats = ingest.stats(stream.id);
              if (stats?.ingest.state === 'live' && lastLive === undefined && stats.ingest.uptimeS >= 3.5) lastLive = stats;
            }, 100);
            try {
              await within(publisher.done, 60_000, publisher.name);
            } finally {
              clearInterval(sampler);
            }
            await within(Promise.all([listener.finished, own.finished]), 30_000, 'the destinations to finish');
            await waitUntil('nginx to close its recording', () => existsSync(nginx.recording(nginxKey)) && ingest.stats(stream.id) === undefined, 30_000);

            const expected = comparable(frameHashes(publisher.source));
            expect(expected.video.length).toBeGreaterThanOrEqual(SECONDS * 30 - 1);
            for (const [name, file] of [
              ['ffmpeg -listen', listener.file],
              ['nginx-rtmp', nginx.recording(nginxKey)],
              ['Fanout', own.file],
            ] as const) {
              const got = comparable(frameHashes(file));
              matrix.push(`${database.padEnd(4)} ${kind.padEnd(14)} → ${name.padEnd(14)} ${got.video.length}/${got.audio.length} of ${expected.video.length}/${expected.audio.length}`);
              expect(got.extradata, `${kind} → ${name}: sequence headers`).toEqual(expected.extradata);
              expect(got.video.length, `${kind} → ${name}: video frames`).toBe(expected.video.length);
              expect(got.audio.length, `${kind} → ${name}: audio frames`).toBe(expected.audio.length);
              expect(got.video, `${kind} → ${name}: video payloads`).toEqual(expected.video);
              expect(got.audio, `${kind} → ${name}: audio payloads`).toEqual(expected.audio);
              expect(startsOnKeyframe(file), `${kind} → ${name}: first frame a keyframe`).toBe(true);
              expect(videoTimestampsMonotonic(file), `${kind} → ${name}: monotonic`).toBe(true);
            }
            expect(own.publishes()).toBe(1);

            const facts = sourceFacts(publisher.source);
            expect(lastLive, 'live stats were sampled').toBeDefined();
            const seen = lastLive!.ingest;
            expect({
              video: seen.video,
              audio: seen.audio,
              fps: seen.fps,
              keyframeIntervalS: seen.keyframeIntervalS,
            }).toEqual({
              video: { codec: facts.videoCodec, width: facts.width, height: facts.height },
              audio: { codec: facts.audioCodec, sampleRate: facts.sampleRate, channels: facts.channels },
              fps: facts.fps,
              keyframeIntervalS: facts.keyframeIntervalS,
            });
            for (const d of lastLive!.destinations) expect(d.droppedFrames, `${d.name} dropped frames`).toBe(0);
          } finally {
            await listener.stop();
            await own.stop();
          }
        }, 120_000);
      }
    });
  }
});

function startPublisher(kind: PublisherKind, url: string, teeTo: string, recorded: string): TestPublisher {
  switch (kind) {
    case 'ffmpeg-live':
      return ffmpegLive(url, teeTo, ENCODE);
    case 'ffmpeg-copy':
      return ffmpegCopy(url, recorded);
    // GStreamer encodes at 360p: its live pipeline stamps frames by arrival, so a starved
    // x264enc (the suite runs encoders side by side on two cores) skews its own timestamps.
    case 'gst-rtmp2sink':
      return gstreamer('rtmp2sink', url, teeTo, { ...ENCODE, width: 640, height: 360 });
    case 'gst-rtmpsink':
      return gstreamer('rtmpsink', url, teeTo, { ...ENCODE, width: 640, height: 360 });
    case 'eager':
      return scriptedEager(url, recorded);
    case 'pipelined':
      return scriptedPipelined(url, recorded);
  }
}

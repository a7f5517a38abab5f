import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewUrlSchema, streamDetailSchema } from '@fanout/contracts';
import { readFlv } from '@fanout/rtmp';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { PreviewService } from '../src/preview/preview.service';
import { type Actor, setUpTeam } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { comparable, frameHashes } from './support/frames';
import { recordingClient } from './support/http';
import { waitUntil, within } from './support/media';
import { ffmpegLive, type TestPublisher } from './support/publishers';
import { startOwnSink } from './support/sinks';
import { HAVE_FFMPEG, skipWithout } from './support/tools';

const VIEWERS = 20;
const NOT_READING = 5;

/** One HTTP-FLV viewer: reads (keeping what it got) or, paused, reads nothing at all. */
interface Viewer {
  status: number;
  contentType: string | undefined;
  chunks: Buffer[];
  ended: Promise<void>;
  response: IncomingMessage;
  close(): void;
}

function watch(url: string, headers: Record<string, string>, read = true): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      const ended = new Promise<void>((done) => {
        response.on('end', done);
        response.on('close', done);
        response.on('error', () => done());
      });
      if (read) response.on('data', (chunk: Buffer) => chunks.push(chunk));
      else response.pause();
      resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], chunks, ended, response, close: () => request.destroy() });
    });
    request.on('error', reject);
  });
}

async function statusOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  const viewer = await watch(url, headers);
  viewer.close();
  return viewer.status;
}

describe.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG))('the live preview: HTTP-FLV from the engine, to those who may see the stream', () => {
  let api: TestApi;
  let dir: string;
  let team: Record<'owner' | 'admin' | 'stranger', Actor>;
  let streamId: string;
  let streamKey: string;
  let sink: Awaited<ReturnType<typeof startOwnSink>>;
  let broadcast: TestPublisher;
  const viewers: Viewer[] = [];

  const previewUrl = () => `${api.url}/api/streams/${streamId}/preview`;
  const as = (who: Actor) => ({ cookie: who.cookie });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-preview-'));
    api = await startTestApi({ PREVIEW_MAX_VIEWERS: String(VIEWERS), EVENTS_RECHECK_S: '1', INGEST_GRACE_S: '1' });
    team = await setUpTeam(recordingClient(api.url), { admin: 'admin', stranger: 'member' });
    // The owner's stream: only streams of owners and admins may send to a private address (the local sink).
    const stream = streamDetailSchema.parse((await team.owner.call('POST', '/api/streams', { name: 'Previewed' })).body);
    streamId = stream.id;
    streamKey = stream.streamKey!;
    sink = await startOwnSink(join(dir, 'sink.flv'), 'preview-sink');
    const added = await team.owner.call('POST', `/api/streams/${streamId}/destinations`, { name: 'Sink', platform: 'custom', url: sink.url, streamKey: sink.key });
    expect(added.status, added.text).toBe(201);
  }, 60_000);

  afterAll(async () => {
    for (const v of viewers) v.close();
    broadcast?.kill();
    await broadcast?.done.catch(() => undefined);
    await api?.dispose();
    await sink?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses before anything publishes: 401 anonymous, 404 for a member it is not theirs, 409 for those who may see it', async () => {
    expect(await statusOf(previewUrl())).toBe(401);
    expect(await statusOf(previewUrl(), as(team.stranger))).toBe(404);
    expect(await statusOf(previewUrl(), as(team.admin))).toBe(409);
    expect(await statusOf(previewUrl(), as(team.owner))).toBe(409);
  });

  it(`plays to ${VIEWERS} viewers at once from the current keyframe; ${NOT_READING} that read nothing are dropped; the destination loses no frame`, async () => {
    broadcast = ffmpegLive(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`, join(dir, 'source.flv'), { seconds: 40, width: 640, height: 360, fps: 30, gop: 30 });
    const registry = api.app.get(EngineRegistry);
    await waitUntil('the destination to be live', () => registry.stats(streamId)?.destinations[0]?.state === 'live', 20_000);

    for (let i = 0; i < VIEWERS; i++) viewers.push(await watch(previewUrl(), as(i % 2 ? team.owner : team.admin), i >= NOT_READING));
    expect(viewers.map((v) => v.status)).toEqual(Array.from({ length: VIEWERS }, () => 200));
    expect(viewers[0]!.contentType).toBe('video/x-flv');
    const preview = api.app.get(PreviewService);
    expect(preview.viewerCount(streamId)).toBe(VIEWERS);
    expect(await statusOf(previewUrl(), as(team.admin))).toBe(409); // one past PREVIEW_MAX_VIEWERS

    // A viewer that reads nothing fills its socket, then its writes stall: it is dropped.
    await waitUntil('the non-reading viewers to be dropped', () => preview.viewerCount(streamId) === VIEWERS - NOT_READING, 35_000);
    expect(registry.stats(streamId)?.sinks.filter((s) => s.kind === 'preview')).toHaveLength(VIEWERS - NOT_READING);

    broadcast.interrupt?.();
    await within(broadcast.done, 20_000, 'ffmpeg to end');
    await within(sink.finished, 20_000, 'the destination to close');
    // The broadcast's end ends every preview response.
    await within(Promise.all(viewers.slice(NOT_READING).map((v) => v.ended)), 15_000, 'the preview responses to end');

    const sent = comparable(frameHashes(join(dir, 'source.flv')));
    const got = comparable(frameHashes(sink.file));
    expect(got.video).toEqual(sent.video);
    expect(got.audio).toEqual(sent.audio);
    expect(registry.stats(streamId)).toBeUndefined();

    // Each reading viewer got metadata and both sequence headers first, then a keyframe, then
    // every frame of the source from there on, byte for byte.
    for (const [i, viewer] of viewers.slice(NOT_READING).entries()) {
      const bytes = Buffer.concat(viewer.chunks);
      const flv = readFlv(bytes);
      expect(flv.header).toMatchObject({ hasAudio: true, hasVideo: true });
      expect(flv.tags.slice(0, 4).map((t) => [t.kind, t.data[0], t.data[1]])).toEqual([
        ['script', 0x02, 0x00],
        ['video', 0x17, 0x00], // AVC sequence header
        ['audio', 0xaf, 0x00], // AAC sequence header
        ['video', 0x17, 0x01], // a keyframe
      ]);
      const file = join(dir, `viewer-${i}.flv`);
      await writeFile(file, bytes);
      const seen = comparable(frameHashes(file));
      const from = sent.video.findIndex((f) => f.hash === seen.video[0]!.hash);
      expect(from, `viewer ${i} starts at a frame of the source`).toBeGreaterThanOrEqual(0);
      expect(from % 30, `viewer ${i} starts at a GOP boundary`).toBe(0);
      expect(seen.video.map((f) => f.hash)).toEqual(sent.video.slice(from).map((f) => f.hash));
    }
  }, 120_000);

  it('a signed preview URL plays without a cookie, and never once tampered with; it carries no stream key', async () => {
    broadcast = ffmpegLive(`rtmp://127.0.0.1:${api.rtmpPort}/live/${streamKey}`, join(dir, 'source-2.flv'), { seconds: 30, width: 320, height: 240 });
    await waitUntil('the stream to be live', () => api.app.get(EngineRegistry).stats(streamId)?.ingest.state === 'live', 20_000);
    const made = await team.admin.call('POST', `/api/streams/${streamId}/preview-url`);
    expect(made.status).toBe(200);
    const { url, expiresAt } = previewUrlSchema.parse(made.body);
    expect(url).toMatch(/^\/api\/preview\/[\w-]+\.[\w-]+$/);
    expect(url).not.toContain(streamKey);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(30_000);
    expect((await team.stranger.call('POST', `/api/streams/${streamId}/preview-url`)).status).toBe(404);

    const signed = await watch(`${api.url}${url}`, {});
    expect(signed.status).toBe(200);
    await waitUntil('preview bytes through the signed URL', () => signed.chunks.reduce((n, c) => n + c.length, 0) > 10_000, 10_000);
    const tampered = url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await statusOf(`${api.url}${tampered}`)).toBe(401);
    expect(await statusOf(`${api.url}/api/preview/not-a-token`)).toBe(401);

    // Signing out ends the preview the URL started, within EVENTS_RECHECK_S.
    expect((await team.admin.call('POST', '/api/auth/logout')).status).toBe(204);
    await within(signed.ended, 10_000, 'the signed preview to end after sign-out');
    expect(await statusOf(`${api.url}${url}`)).toBe(401);
    broadcast.kill();
    await broadcast.done.catch(() => undefined); // killed: its exit status says nothing
  }, 60_000);
});

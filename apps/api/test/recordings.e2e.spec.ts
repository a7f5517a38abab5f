import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingListSchema, streamDetailSchema, streamSchema, type Recording } from '@fanout/contracts';
import { PrismaService } from '../src/database/prisma.service';
import { LOGGER } from '../src/logging/logger';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { RecordingFiles } from '../src/recordings/recording-files';
import { RecordingHost } from '../src/recordings/recording-host';
import { RecordingRetention } from '../src/recordings/recording-retention';
import { RecordingsRepository } from '../src/recordings/recordings.repository';
import { type Actor, setUpTeam } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { frameHashes } from './support/frames';
import { recordingClient } from './support/http';
import { waitUntil, within } from './support/media';
import { encodeFile, ffmpegCopy, ffmpegLive, type TestPublisher } from './support/publishers';
import { startOwnSink } from './support/sinks';
import { HAVE_FFMPEG, skipWithout } from './support/tools';
import { startReceiver } from './support/webhook-receiver';

/** The muxer's fragments are 1–2 s: a recording's duration is its source's within one. */
const FRAGMENT_MS = 2_000;

/** What ffprobe says of a file: each stream's first PTS and the container duration, plus anything it complains about. */
function inspect(path: string): { errors: string; duration: number; videoStart: number; audioStart: number } {
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,start_time:format=duration', '-of', 'json', path], { encoding: 'utf8', timeout: 60_000 });
  const parsed = JSON.parse(run.stdout) as { streams: { codec_type: string; start_time: string }[]; format: { duration: string } };
  const start = (type: string) => Number(parsed.streams.find((s) => s.codec_type === type)?.start_time ?? NaN);
  return { errors: run.stderr.trim(), duration: Number(parsed.format.duration) * 1000, videoStart: start('video'), audioStart: start('audio') };
}

/** A full decode that stops at the first error (`-xerror`): '' when the file is clean. */
function decodeErrors(path: string): string {
  const run = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-xerror', '-i', path, '-f', 'null', '-'], { encoding: 'utf8', timeout: 120_000 });
  return run.status === 0 ? run.stderr.trim() : `exit ${run.status}: ${run.stderr}`;
}

/** The first coded video frame of an MP4 is a keyframe (ffprobe's packet flags). */
function firstVideoPacketIsKey(path: string): boolean {
  const run = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-read_intervals', '%+#1', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return run.stdout.trim().startsWith('K');
}

describe.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG))('recordings: every broadcast of a stream that asks, as fragmented MP4', () => {
  let api: TestApi;
  let dir: string;
  let team: Record<'owner' | 'stranger', Actor>;
  let sink: Awaited<ReturnType<typeof startOwnSink>>;
  let publisher: TestPublisher | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  async function recordedStream(name: string, record = true): Promise<{ id: string; key: string }> {
    const stream = streamDetailSchema.parse((await team.owner.call('POST', '/api/streams', { name })).body);
    if (record) expect(streamSchema.parse((await team.owner.call('PATCH', `/api/streams/${stream.id}`, { record: true })).body).record).toBe(true);
    const added = await team.owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Sink', platform: 'custom', url: sink.url, streamKey: sink.key });
    expect(added.status, added.text).toBe(201);
    return { id: stream.id, key: stream.streamKey! };
  }

  const recordingsOf = async (streamId: string): Promise<Recording[]> => recordingListSchema.parse((await team.owner.call('GET', `/api/streams/${streamId}/recordings`)).body);

  /** Downloads a recording through the API (the route under test), to a file ffprobe can read. */
  async function download(recording: Recording, name: string): Promise<string> {
    const res = await fetch(`${api.url}${recording.fileUrl}`, { headers: { cookie: team.owner.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const path = join(dir, name);
    await writeFile(path, Buffer.from(await res.arrayBuffer()));
    return path;
  }

  async function ended(streamId: string): Promise<void> {
    await waitUntil('the broadcast to end', () => api.app.get(EngineRegistry).stats(streamId) === undefined, 30_000);
    await api.app.get(RecordingHost).idle();
  }

  /** The recording holds exactly the source's frames, byte for byte, from a keyframe, in sync, and clean. */
  function expectFaithful(file: string, source: string): void {
    const got = frameHashes(file);
    const sent = frameHashes(source);
    expect(got.video.length).toBe(sent.video.length);
    expect(got.audio.length).toBe(sent.audio.length);
    expect(got.video.map((f) => f.hash)).toEqual(sent.video.map((f) => f.hash));
    expect(got.audio.map((f) => f.hash)).toEqual(sent.audio.map((f) => f.hash));
    expect(firstVideoPacketIsKey(file)).toBe(true);
    const rec = inspect(file);
    const src = inspect(source);
    expect(rec.errors).toBe('');
    expect(decodeErrors(file)).toBe('');
    // A/V in sync: the first audio starts as far from the first video as in the source (one AAC frame of slack).
    expect(Math.abs(rec.audioStart - rec.videoStart - (src.audioStart - src.videoStart))).toBeLessThanOrEqual(0.022);
    expect(Math.abs(rec.duration - src.duration)).toBeLessThanOrEqual(FRAGMENT_MS);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-recordings-'));
    api = await startTestApi({ INGEST_GRACE_S: '1', RECORDINGS_MIN_FREE_GB: '0' });
    team = await setUpTeam(recordingClient(api.url), { stranger: 'member' });
    sink = await startOwnSink(join(dir, 'sink.flv'), 'recordings-sink');
    receiver = await startReceiver();
    const hook = await team.owner.call('POST', '/api/webhooks', { url: receiver.url(), events: ['recording.ready', 'recording.failed'] });
    expect(hook.status, hook.text).toBe(201);
  }, 60_000);

  afterAll(async () => {
    publisher?.kill();
    await publisher?.done.catch(() => undefined);
    await api?.dispose();
    await sink?.stop();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('a live ffmpeg H.264 + AAC broadcast: one complete recording with every frame the encoder sent, from a keyframe, in sync', async () => {
    const stream = await recordedStream('Live encode');
    const source = join(dir, 'live-source.flv');
    publisher = ffmpegLive(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`, source, { seconds: 8, width: 640, height: 360 });
    await within(publisher.done, 30_000, 'ffmpeg to finish');
    await ended(stream.id);
    const [recording, ...more] = await recordingsOf(stream.id);
    expect(more).toEqual([]);
    expect(recording).toMatchObject({ state: 'complete', part: 1, videoCodec: 'h264', audioCodec: 'aac', failure: null, sessionId: expect.any(String) });
    expect(recording!.bytes).toBeGreaterThan(100_000);
    const sessions = (await team.owner.call('GET', `/api/streams/${stream.id}/sessions`)).body as { id: string }[];
    expect(recording!.sessionId).toBe(sessions[0]!.id);
    const file = await download(recording!, 'live.mp4');
    expectFaithful(file, source);
    expect(Math.abs(recording!.durationMs - inspect(source).duration)).toBeLessThanOrEqual(FRAGMENT_MS);
    // recording.ready, once the row says complete: the same id, size and duration as the list.
    await waitUntil('the recording.ready webhook', () => receiver.delivered().some((r) => r.json.data.stream?.id === stream.id), 10_000);
    const [ready, ...others] = receiver.delivered().filter((r) => r.json.data.stream?.id === stream.id);
    expect(others).toEqual([]);
    expect(ready!.json).toMatchObject({
      type: 'recording.ready',
      data: { stream: { id: stream.id, name: 'Live encode' }, recording: { id: recording!.id, part: 1, bytes: recording!.bytes, durationS: Math.round(recording!.durationMs / 100) / 10, videoCodec: 'h264', audioCodec: 'aac' } },
    });
  }, 90_000);

  it('ffmpeg -c copy of a file: the recording has exactly its frames', async () => {
    const stream = await recordedStream('Copy');
    const source = join(dir, 'copy-source.flv');
    await encodeFile(source, { seconds: 6, width: 640, height: 360, fps: 30, gop: 60 });
    publisher = ffmpegCopy(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`, source);
    await within(publisher.done, 30_000, 'ffmpeg to finish');
    await ended(stream.id);
    const [recording] = await recordingsOf(stream.id);
    expect(recording).toMatchObject({ state: 'complete', videoCodec: 'h264', audioCodec: 'aac' });
    expectFaithful(await download(recording!, 'copy.mp4'), source);
  }, 90_000);

  it('serves the file with HTTP Range, a download name and video/mp4; only to those who may see the stream; deletes it', async () => {
    const stream = await recordedStream('Ranges');
    publisher = ffmpegLive(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`, join(dir, 'range-source.flv'), { seconds: 4, width: 320, height: 240 });
    await within(publisher.done, 30_000, 'ffmpeg to finish');
    await ended(stream.id);
    const [recording] = await recordingsOf(stream.id);
    const url = `${api.url}${recording!.fileUrl}`;
    const as = { cookie: team.owner.cookie };
    const whole = await fetch(url, { headers: as });
    const body = Buffer.from(await whole.arrayBuffer());
    expect(body.length).toBe(recording!.bytes);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-disposition')).toMatch(/^attachment; filename="Ranges-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.mp4"$/);
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');

    const part = await fetch(url, { headers: { ...as, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${body.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(body.subarray(100, 200));
    const tail = await fetch(url, { headers: { ...as, range: 'bytes=-16' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(body.subarray(body.length - 16));
    const past = await fetch(url, { headers: { ...as, range: `bytes=${body.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${body.length}`);

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { cookie: team.stranger.cookie } })).status).toBe(404);
    expect((await team.stranger.call('GET', `/api/streams/${stream.id}/recordings`)).status).toBe(404);
    expect((await team.stranger.call('DELETE', `/api/recordings/${recording!.id}`)).status).toBe(404);

    const path = api.app.get(RecordingFiles).absolute((await api.app.get(RecordingsRepository).find(recording!.id))!.file);
    expect(existsSync(path)).toBe(true);
    expect((await team.owner.call('DELETE', `/api/recordings/${recording!.id}`)).status).toBe(204);
    expect(existsSync(path)).toBe(false);
    expect(await recordingsOf(stream.id)).toEqual([]);
    expect((await fetch(url, { headers: as })).status).toBe(404);
  }, 90_000);

  it('turned on while live, it records from the current keyframe; turned off, the file is complete; a recording being written cannot be deleted', async () => {
    const stream = await recordedStream('Toggled', false);
    publisher = ffmpegLive(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`, join(dir, 'toggle-source.flv'), { seconds: 30, width: 320, height: 240 });
    await waitUntil('the destination to be live', () => api.app.get(EngineRegistry).stats(stream.id)?.destinations[0]?.state === 'live', 20_000);
    expect(await recordingsOf(stream.id)).toEqual([]);
    await team.owner.call('PATCH', `/api/streams/${stream.id}`, { record: true });
    await waitUntil('a recording to start', async () => (await recordingsOf(stream.id)).length === 1, 10_000);
    const [writing] = await recordingsOf(stream.id);
    expect(writing!.state).toBe('recording');
    const refused = await team.owner.call('DELETE', `/api/recordings/${writing!.id}`);
    expect(refused.status).toBe(409);
    await new Promise((r) => setTimeout(r, 4_000));
    await team.owner.call('PATCH', `/api/streams/${stream.id}`, { record: false });
    const [done] = await recordingsOf(stream.id);
    expect(done).toMatchObject({ state: 'complete', videoCodec: 'h264' });
    expect(done!.durationMs).toBeGreaterThan(2_000);
    const file = await download(done!, 'toggled.mp4');
    expect(firstVideoPacketIsKey(file)).toBe(true);
    expect(inspect(file).errors).toBe('');
    expect(decodeErrors(file)).toBe('');
    publisher.kill();
    await publisher.done.catch(() => undefined);
    publisher = undefined;
  }, 90_000);

  it('retention deletes by age and by total size, oldest first, never the one being written', async () => {
    const prisma = api.app.get(PrismaService).client;
    const files = api.app.get(RecordingFiles);
    const stream = await recordedStream('Retention', false);
    await mkdir(join(files.root, stream.id), { recursive: true });
    const day = 24 * 3600_000;
    const made: { id: string; file: string }[] = [];
    for (const [i, ageDays, state] of [[0, 40, 'complete'], [1, 20, 'complete'], [2, 10, 'interrupted'], [3, 5, 'complete'], [4, 50, 'recording']] as const) {
      const file = `${stream.id}/r${i}.mp4`;
      await writeFile(files.absolute(file), Buffer.alloc(1024));
      const row = await prisma.recording.create({ data: { streamId: stream.id, file, state, startedAt: new Date(Date.now() - ageDays * day), bytes: BigInt(600 * 1024 ** 2) } });
      made.push({ id: row.id, file });
    }
    const left = async () => (await prisma.recording.findMany({ where: { streamId: stream.id }, select: { file: true }, orderBy: { file: 'asc' } })).map((r) => r.file.split('/')[1]);
    const retention = (days: number, gb: number) => new RecordingRetention(api.app.get(RecordingsRepository), files, { now: () => new Date() } as never, { RECORDINGS_MAX_AGE_DAYS: days, RECORDINGS_MAX_TOTAL_GB: gb }, api.app.get(LOGGER));
    expect(await retention(30, 0).prune()).toBe(1); // r0 is 40 days old; r4 (recording) is older but being written
    expect(await left()).toEqual(['r1.mp4', 'r2.mp4', 'r3.mp4', 'r4.mp4']);
    expect(existsSync(files.absolute(made[0]!.file))).toBe(false);
    // 4 × 600 MiB (and the few MB the other tests recorded today) against 2 GiB: the oldest finished one goes...
    expect(await retention(0, 2).prune()).toBe(1);
    expect(await left()).toEqual(['r2.mp4', 'r3.mp4', 'r4.mp4']);
    // ...and against 1 GiB, two more, oldest first; the one being written stays.
    expect(await retention(0, 1).prune()).toBe(2);
    expect(await left()).toEqual(['r4.mp4']);
    expect(existsSync(files.absolute(made[4]!.file))).toBe(true);
    await prisma.recording.deleteMany({ where: { streamId: stream.id } });
  }, 60_000);

  it('a recordings folder that is not there fails the recording with its reason; the destination loses no frame', async () => {
    const broken = await startTestApi({ INGEST_GRACE_S: '1', RECORDINGS_DIR: join(dir, 'not-mounted'), RECORDINGS_MIN_FREE_GB: '0' });
    try {
      const ownerTeam = await setUpTeam(recordingClient(broken.url), {});
      const own = await startOwnSink(join(dir, 'broken-sink.flv'), 'broken-sink');
      const hooks = await startReceiver();
      try {
        expect((await ownerTeam.owner.call('POST', '/api/webhooks', { url: hooks.url(), events: ['recording.ready', 'recording.failed'] })).status).toBe(201);
        const stream = streamDetailSchema.parse((await ownerTeam.owner.call('POST', '/api/streams', { name: 'Broken disk' })).body);
        await ownerTeam.owner.call('PATCH', `/api/streams/${stream.id}`, { record: true });
        await ownerTeam.owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Sink', platform: 'custom', url: own.url, streamKey: own.key });
        const source = join(dir, 'broken-source.flv');
        const p = ffmpegLive(`rtmp://127.0.0.1:${broken.rtmpPort}/live/${stream.streamKey}`, source, { seconds: 5, width: 320, height: 240 });
        await within(p.done, 30_000, 'ffmpeg to finish');
        await within(own.finished, 20_000, 'the destination to close');
        await waitUntil('the broadcast to end', () => broken.app.get(EngineRegistry).stats(stream.id) === undefined, 30_000);
        await broken.app.get(RecordingHost).idle();
        const list = recordingListSchema.parse((await ownerTeam.owner.call('GET', `/api/streams/${stream.id}/recordings`)).body);
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ state: 'failed', failure: { reason: 'not-writable', message: 'The recordings folder cannot be written to.' } });
        expect(frameHashes(own.file).video.map((f) => f.hash)).toEqual(frameHashes(source).video.map((f) => f.hash));
        expect(broken.logs.some((line) => line.includes('recordings folder is not usable'))).toBe(true);
        await waitUntil('the recording.failed webhook', () => hooks.delivered().length > 0, 10_000);
        expect(hooks.delivered().map((r) => r.json)).toMatchObject([
          { type: 'recording.failed', data: { stream: { id: stream.id, name: 'Broken disk' }, recording: { id: list[0]!.id, part: 1, bytes: 0 }, reason: 'not-writable', message: 'The recordings folder cannot be written to.' } },
        ]);
      } finally {
        await hooks.close();
        await own.stop();
      }
    } finally {
      await broken.dispose();
    }
  }, 90_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSessionListSchema, metricsSeriesSchema, streamDetailSchema, streamStatusSchema } from '@fanout/contracts';
import { publish, RtmpServer } from '@fanout/rtmp';
import { HistoryRecorder } from '../src/live/history.recorder';
import { MetricsRecorder } from '../src/metrics/metrics.recorder';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { startTestApi, type TestApi } from './support/api';
import { type Actor, setUpTeam, signIn } from './support/actors';
import { recordingClient } from './support/http';
import { run, waitUntil, within } from './support/media';
import { HAVE_FFMPEG, skipWithout } from './support/tools';
import { isEvent, openEventStream } from './support/sse';

const SINK_KEY = 'e2e_sink_key_5c7e9a';

describe.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG))('live status, history and metrics with ffmpeg publishing', () => {
  let api: TestApi;
  let owner: Actor;
  let sink: RtmpServer;
  let sinkPort: number;

  beforeAll(async () => {
    api = await startTestApi({ INGEST_GRACE_S: '1' });
    ({ owner } = await setUpTeam(recordingClient(api.url), {}));
    sink = new RtmpServer();
    sink.on('session', (session) => session.on('publish', (request) => request.accept()));
    sinkPort = (await sink.listen(0, '127.0.0.1')).port;
  });

  afterAll(async () => {
    await api?.dispose();
    await sink?.close();
  });

  it('shows the live ingest with its codecs and resolution, then records the session, samples and counters', async () => {
    const stream = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'ffmpeg' })).body);
    await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Sink', platform: 'custom', url: `rtmp://127.0.0.1:${sinkPort}/live`, streamKey: SINK_KEY });
    const ffmpeg = run('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', '5', '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '300k', '-g', '25', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '64k',
      '-f', 'flv', `rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey}`,
    ]);
    let live: ReturnType<typeof streamStatusSchema.parse> | undefined;
    await waitUntil(
      'the status to show a live 320x240 ingest with a live destination',
      async () => {
        const status = streamStatusSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/status`)).body);
        if (status.ingest.state === 'live' && status.ingest.video?.width === 320 && status.destinations[0]?.state === 'live' && status.ingest.fps > 0) live = status;
        return live !== undefined;
      },
      15_000,
    );
    expect(live!.ingest).toMatchObject({ state: 'live', reconnectGrace: false, video: { codec: 'h264', width: 320, height: 240 }, audio: { codec: 'aac' }, audioPresent: true });
    expect(await within(ffmpeg.exited, 30_000, 'ffmpeg'), ffmpeg.stderr()).toBe(0);
    await waitUntil('the stream to be released', () => api.app.get(EngineRegistry).engine(stream.id) === undefined, 15_000);
    await api.app.get(HistoryRecorder).idle();
    await api.app.get(MetricsRecorder).flush();

    const sessions = ingestSessionListSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/sessions`)).body);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ live: false, video: { codec: 'h264', width: 320, height: 240 }, audio: { codec: 'aac' }, endReason: expect.any(String) });
    expect(sessions[0]!.durationS).toBeGreaterThan(4);
    expect(sessions[0]!.avgBitrateKbps).toBeGreaterThan(100);
    expect(sessions[0]!.avgFps).toBeGreaterThan(15);
    expect(sessions[0]!.timeline.map((e) => e.to)).toEqual(expect.arrayContaining(['connecting', 'live', 'idle']));

    const series = metricsSeriesSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/metrics`)).body);
    expect(series.ingest.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...series.ingest.map((p) => p.bitrateKbps))).toBeGreaterThan(100);
    expect(series.destinations[0]!.points.some((p) => p.state === 'live' && p.bitrateKbps > 100)).toBe(true);

    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const value = (name: string) => Number(/^(\S+) (\S+)$/m.exec(metrics.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2]);
    expect(value('fanout_ingest_bytes_received_total')).toBeGreaterThan(100_000);
    expect(value('fanout_destination_bytes_sent_total')).toBeGreaterThan(100_000);
    const everything = JSON.stringify(sessions) + JSON.stringify(series) + metrics + api.logs.join('\n');
    for (const key of [stream.streamKey!, SINK_KEY]) expect(everything).not.toContain(key);
  }, 90_000);
});

describe('publish history across a restart', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-history-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('closes a session still live when the server stops, so history never shows a stream live forever', async () => {
    let api = await startTestApi({}, dir);
    let streamId: string;
    try {
      const { owner } = await setUpTeam(recordingClient(api.url), {});
      const stream = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Restart' })).body);
      streamId = stream.id;
      const publisher = await publish(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey}`);
      publisher.sendVideo(0, Buffer.from([0x17, 0x01, 0, 0, 0, 1, 2, 3]));
      await waitUntil('the session row', async () => ingestSessionListSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/sessions`)).body).length === 1, 10_000);
      // An open events stream does not hold the server open: shutdown ends it.
      const sse = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { cookie: owner.cookie });
      await sse.next(isEvent('status'), 5_000);
      const started = Date.now();
      await api.close();
      expect(Date.now() - started).toBeLessThan(10_000);
      await waitUntil('the events stream to end', () => sse.ended(), 5_000);
    } finally {
      await api.close();
    }
    api = await startTestApi({}, dir);
    try {
      const owner = await signIn(recordingClient(api.url), 'owner@example.com', 'owner password 123');
      const sessions = ingestSessionListSchema.parse((await owner.call('GET', `/api/streams/${streamId}/sessions`)).body);
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ live: false, endReason: 'server shutting down' });
      expect(sessions[0]!.endedAt).not.toBeNull();
    } finally {
      await api.dispose();
    }
  }, 90_000);
});

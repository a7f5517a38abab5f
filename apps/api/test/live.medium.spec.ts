import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdApiTokenSchema, ingestEventSchema, ingestSessionListSchema, metricsSeriesSchema, streamDetailSchema, streamStatusSchema, destinationStateEventSchema, type StreamStatus } from '@fanout/contracts';
import { RtmpServer } from '@fanout/rtmp';
import { PrismaService } from '../src/database/prisma.service';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { EngineEvents } from '../src/ingest/engine-events';
import { LiveEventHub } from '../src/live/live-event-hub';
import { HistoryRecorder } from '../src/live/history.recorder';
import { MetricsRecorder } from '../src/metrics/metrics.recorder';
import { MetricsRepository } from '../src/metrics/metrics.repository';
import { MetricsMaintenance } from '../src/metrics/metrics-maintenance';
import { startTestApi, type TestApi } from './support/api';
import { type Actor, setUpTeam } from './support/actors';
import { recordingClient } from './support/http';
import { startPublisher } from './support/publisher';
import { waitUntil } from './support/media';
import { capturedLogger } from './support/logs';
import { FakeClock } from './support/strict-fake';
import { isEvent, openEventStream } from './support/sse';

const SINK_KEY = 'sink_key_3f9a7c1e5d';
const OFF_KEY = 'off_key_8b2d4f6a0c';
const REJECTED_KEY = 'rejected_key_71c3e5a9b2';

/** A destination that accepts any publish and keeps the connection (Fanout's own RTMP server). */
async function startSink() {
  const server = new RtmpServer();
  let videoMessages = 0;
  server.on('session', (session) => {
    session.on('publish', (request) => request.accept());
    session.on('video', () => videoMessages++);
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, videoMessages: () => videoMessages };
}

describe('live status, events, history and metrics', () => {
  let api: TestApi;
  let owner: Actor;
  let member: Actor;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let stream: { id: string; streamKey: string };
  let memberStream: { id: string; streamKey: string };
  let sinkDestinationId: string;
  let offDestinationId: string;
  const seen: string[] = []; // every body and event text, for the key-leak check

  beforeAll(async () => {
    api = await startTestApi({ INGEST_GRACE_S: '1' });
    const client = recordingClient(api.url);
    ({ owner, member } = await setUpTeam(client, { member: 'member' }));
    sink = await startSink();
    const created = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Main' })).body);
    stream = { id: created.id, streamKey: created.streamKey! };
    const mine = streamDetailSchema.parse((await member.call('POST', '/api/streams', { name: 'Member stream' })).body);
    memberStream = { id: mine.id, streamKey: mine.streamKey! };
    const sinkDestination = await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Sink', platform: 'custom', url: `rtmp://127.0.0.1:${sink.port}/live`, streamKey: SINK_KEY });
    expect(sinkDestination.status).toBe(201);
    sinkDestinationId = (sinkDestination.body as { id: string }).id;
    const off = await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Off', platform: 'custom', url: `rtmp://127.0.0.1:${sink.port}/live`, streamKey: OFF_KEY, enabled: false });
    offDestinationId = (off.body as { id: string }).id;
  });

  afterAll(async () => {
    await api?.dispose();
    await sink?.server.close();
  });

  const events = (actor: Actor, streamId: string) => openEventStream(`${api.url}/api/streams/${streamId}/events`, { cookie: actor.cookie });

  it('answers the idle status: ingest idle with zeros and nulls, destinations idle or disabled', async () => {
    const res = await owner.call('GET', `/api/streams/${stream.id}/status`);
    expect(res.status).toBe(200);
    seen.push(res.text);
    const status = streamStatusSchema.parse(res.body);
    expect(status).toEqual({
      streamId: stream.id,
      at: expect.any(String),
      ingest: { state: 'idle', reconnectGrace: false, graceEndsAt: null, startedAt: null, uptimeS: 0, bitrateKbps: 0, fps: 0, keyframeIntervalS: null, audioPresent: false, video: null, audio: null },
      inputs: null,
      destinations: [
        { id: sinkDestinationId, name: 'Sink', state: 'idle', bitrateKbps: 0, bytesSent: 0, queueBytes: 0, droppedFrames: 0, reconnects: 0, lastError: null, nextRetryAt: null, liveSince: null, warnings: [] },
        { id: offDestinationId, name: 'Off', state: 'disabled', bitrateKbps: 0, bytesSent: 0, queueBytes: 0, droppedFrames: 0, reconnects: 0, lastError: null, nextRetryAt: null, liveSince: null, warnings: [] },
      ],
    });
  });

  it("answers 404 to a member for another user's status, events, sessions and metrics, and 200 for their own", async () => {
    for (const path of ['status', 'events', 'sessions', 'metrics']) {
      const foreign = await member.call('GET', `/api/streams/${stream.id}/${path}`);
      expect(foreign.status, path).toBe(404);
      expect(foreign.headers.get('content-type'), path).toContain('application/json');
      expect(foreign.body, path).toMatchObject({ code: 'NOT_FOUND' });
      expect((await member.call('GET', `/api/streams/not-a-uuid/${path}`)).status, path).toBe(404);
    }
    expect((await member.call('GET', `/api/streams/${memberStream.id}/status`)).status).toBe(200);
    expect((await member.call('GET', `/api/streams/${memberStream.id}/sessions`)).body).toEqual([]);
    // Owners see every stream, like the other stream routes.
    expect((await owner.call('GET', `/api/streams/${memberStream.id}/status`)).status).toBe(200);
  });

  it('asks for credentials on every live route', async () => {
    for (const path of ['status', 'events', 'sessions', 'metrics']) {
      const res = await fetch(`${api.url}/api/streams/${stream.id}/${path}`);
      expect(res.status, path).toBe(401);
      await res.body?.cancel();
    }
  });

  it('accepts a bearer API token on the events stream and the status, like every route', async () => {
    const token = createdApiTokenSchema.parse((await owner.call('POST', '/api/tokens', { name: 'dashboard script' })).body).token;
    const sse = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { authorization: `Bearer ${token}` });
    try {
      expect(sse.response.status).toBe(200);
      expect(streamStatusSchema.parse(JSON.parse((await sse.next(isEvent('status'), 2_000)).data!)).streamId).toBe(stream.id);
    } finally {
      await sse.close();
    }
    const res = await fetch(`${api.url}/api/streams/${stream.id}/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const bad = await fetch(`${api.url}/api/streams/${stream.id}/events`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/json');
  });

  it('streams an initial status at once, then idle status events every 5 s, with SSE headers', async () => {
    const sse = await events(owner, stream.id);
    try {
      expect(sse.response.status).toBe(200);
      expect(sse.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(sse.response.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(sse.response.headers.get('x-accel-buffering')).toBe('no');
      const first = await sse.next(isEvent('status'), 2_000);
      expect(sse.messages[0]).toEqual({ retry: 3000 });
      expect(streamStatusSchema.parse(JSON.parse(first.data!)).ingest.state).toBe('idle');
      const started = Date.now();
      await sse.next(isEvent('status'), 8_000, sse.messages.indexOf(first) + 1);
      expect(Date.now() - started).toBeGreaterThan(3_000);
    } finally {
      seen.push(sse.raw());
      await sse.close();
    }
  });

  it('streams ingest and state events while publishing, status every second, and a state event when a destination is switched off', async () => {
    const sse = await events(owner, stream.id);
    let mark = 0;
    try {
    await sse.next(isEvent('status'), 2_000);
    const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey}`);
    try {
      const live = ingestEventSchema.parse(JSON.parse((await sse.next(isEvent('ingest'), 5_000)).data!));
      expect(live).toMatchObject({ state: 'live', reason: null });
      const toLive = await sse.next((m) => m.event === 'state' && JSON.parse(m.data!).to === 'live', 10_000);
      expect(destinationStateEventSchema.parse(JSON.parse(toLive.data!))).toMatchObject({ destinationId: sinkDestinationId, from: 'connecting', to: 'live' });

      // Live: status every second, mapped from the engine.
      const a = await sse.next(isEvent('status'), 3_000, sse.messages.length);
      const b = await sse.next(isEvent('status'), 3_000, sse.messages.indexOf(a) + 1);
      const status: StreamStatus = streamStatusSchema.parse(JSON.parse(b.data!));
      expect(status.ingest).toMatchObject({ state: 'live', reconnectGrace: false });
      expect(status.destinations.find((d) => d.id === sinkDestinationId)?.state).toBe('live');
      expect(Date.parse(JSON.parse(b.data!).at) - Date.parse(JSON.parse(a.data!).at)).toBeLessThan(2_500);

      const rest = await owner.call('GET', `/api/streams/${stream.id}/status`);
      expect(streamStatusSchema.parse(rest.body).ingest.state).toBe('live');
      seen.push(rest.text);

      const beforeOff = sse.messages.length;
      const patched = await owner.call('PATCH', `/api/destinations/${sinkDestinationId}`, { enabled: false });
      expect(patched.status).toBe(200);
      const off = await sse.next((m) => m.event === 'state' && JSON.parse(m.data!).to === 'disabled', 5_000, beforeOff);
      expect(JSON.parse(off.data!)).toMatchObject({ destinationId: sinkDestinationId, from: 'live', to: 'disabled', at: expect.any(String) });
      await owner.call('PATCH', `/api/destinations/${sinkDestinationId}`, { enabled: true });
      await sse.next((m) => m.event === 'state' && JSON.parse(m.data!).to === 'live', 10_000, sse.messages.indexOf(off) + 1);
    } finally {
      mark = sse.messages.length;
      await publisher.stop();
    }
      const grace = await sse.next((m) => m.event === 'ingest' && JSON.parse(m.data!).state === 'grace', 5_000, mark);
      expect(JSON.parse(grace.data!).reason).toEqual(expect.any(String));
      await sse.next((m) => m.event === 'ingest' && JSON.parse(m.data!).state === 'ended', 10_000);
    } finally {
      await waitUntil('the restreamer to be released', () => api.app.get(EngineRegistry).engine(stream.id) === undefined, 15_000).catch(() => undefined);
      seen.push(sse.raw());
      await sse.close();
    }
  });

  it('removes its listeners and timers when the client disconnects', async () => {
    const ingest = api.app.get(EngineRegistry);
    const hub = api.app.get(LiveEventHub);
    const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey}`);
    try {
      await waitUntil('the stream to go live', () => ingest.engine(stream.id) !== undefined, 5_000);
      const bus = api.app.get(EngineEvents);
      const before = bus.size;

      const clients = await Promise.all([events(owner, stream.id), events(owner, stream.id)]);
      await Promise.all(clients.map((c) => c.next(isEvent('status'), 3_000)));
      expect(hub.subscriberCount(stream.id)).toBe(2);
      // However many clients, the hub holds one bus subscription for the stream.
      expect(bus.size).toBe(before + 1);

      for (const client of clients) {
        seen.push(client.raw());
        await client.close();
      }
      await waitUntil('the hub to drop both clients', () => hub.subscriberCount() === 0, 5_000);
      expect(bus.size).toBe(before);
      // No timer keeps writing: nothing more arrives on a closed client, and the server did not crash.
      expect((await owner.call('GET', `/api/streams/${stream.id}/status`)).status).toBe(200);
    } finally {
      await publisher.stop();
    }
    await waitUntil('the restreamer to be released', () => ingest.engine(stream.id) === undefined, 10_000);
    expect(api.app.get(HistoryRecorder).trackedStreams).toBe(0);
    expect(api.app.get(MetricsRecorder).trackedStreams).toBe(0);
  });

  it('records each publish as a session with its destination timeline, newest first', async () => {
    await api.app.get(HistoryRecorder).idle();
    const res = await owner.call('GET', `/api/streams/${stream.id}/sessions`);
    expect(res.status).toBe(200);
    seen.push(res.text);
    const sessions = ingestSessionListSchema.parse(res.body);
    expect(sessions).toHaveLength(2);
    expect(Date.parse(sessions[0]!.startedAt)).toBeGreaterThan(Date.parse(sessions[1]!.startedAt));
    const first = sessions[1]!;
    expect(first).toMatchObject({ live: false, endReason: 'publisher stopped', video: { codec: 'h264' } });
    expect(first.durationS).toBeGreaterThan(2);
    expect(first.avgBitrateKbps).toBeGreaterThan(0);
    expect(first.peakBitrateKbps).toBeGreaterThanOrEqual(first.avgBitrateKbps!);
    expect(first.avgFps).toBeGreaterThan(0);
    const transitions = first.timeline.filter((e) => e.destinationId === sinkDestinationId).map((e) => `${e.from}->${e.to}`);
    expect(transitions).toEqual(expect.arrayContaining(['idle->connecting', 'connecting->live', 'live->disabled', 'disabled->connecting']));
    expect(first.timeline[0]).toMatchObject({ destinationName: 'Sink' });
    // The other session's events are not in this one's timeline (its own grace window's are).
    for (const e of first.timeline) expect(Date.parse(e.at)).toBeLessThan(Date.parse(sessions[0]!.startedAt));
    expect(transitions.at(-1)).toBe('live->idle'); // released at the end of the grace window, after the publisher left
    for (const e of sessions[0]!.timeline) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(sessions[0]!.startedAt));
    expect((await owner.call('GET', `/api/streams/${stream.id}/sessions?limit=1`)).body).toHaveLength(1);
    expect((await owner.call('GET', `/api/streams/${stream.id}/sessions?limit=0`)).status).toBe(400);
  });

  it('writes per-second samples for the ingest and each destination, and serves them as a series', async () => {
    await api.app.get(MetricsRecorder).flush();
    const rows = await api.app.get(PrismaService).client.metricSample.findMany({ where: { streamId: stream.id }, orderBy: { at: 'asc' } });
    const ingestRows = rows.filter((r) => r.destinationId === null);
    expect(ingestRows.length).toBeGreaterThanOrEqual(3);
    expect(ingestRows.every((r) => r.resolution === 1)).toBe(true);
    expect(rows.some((r) => r.destinationId === sinkDestinationId && r.state === 'live' && r.bitrateKbps > 0)).toBe(true);

    const res = await owner.call('GET', `/api/streams/${stream.id}/metrics`);
    expect(res.status).toBe(200);
    seen.push(res.text);
    const series = metricsSeriesSchema.parse(res.body);
    expect(series.resolutionS).toBe(1);
    expect(Date.parse(series.to) - Date.parse(series.from)).toBe(15 * 60 * 1000);
    expect(series.ingest.length).toBe(new Set(ingestRows.map((r) => r.at.getTime())).size);
    expect(series.destinations.map((d) => d.name)).toEqual(['Sink', 'Off']);
    expect(series.destinations[0]!.points.some((p) => p.state === 'live')).toBe(true);

    expect((await owner.call('GET', `/api/streams/${stream.id}/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`)).status).toBe(400);
    expect((await owner.call('GET', `/api/streams/${stream.id}/metrics?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`)).status).toBe(400);
    expect((await owner.call('GET', `/api/streams/${stream.id}/metrics?from=yesterday`)).status).toBe(400);
  });

  it('downsamples 1 s rows past an hour to 10 s, 10 s rows past a day to 1 min, and deletes rows past 30 days', async () => {
    const prisma = api.app.get(PrismaService).client;
    const seeded = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Seeded' })).body);
    const destination = (await owner.call('POST', `/api/streams/${seeded.id}/destinations`, { name: 'D', platform: 'custom', url: 'rtmp://127.0.0.1:1/live', streamKey: 'seeded_key_123' })).body as { id: string };
    const now = Math.floor(Date.now() / 60_000) * 60_000; // on a minute boundary
    const clock = new FakeClock(now);
    const at = (msAgo: number) => new Date(now - msAgo);
    const base = { streamId: seeded.id };
    await prisma.metricSample.createMany({
      data: [
        // 30 one-second ingest rows two hours ago: three 10 s buckets.
        ...Array.from({ length: 30 }, (_, i) => ({ ...base, destinationId: null, at: at(2 * 3600_000 - i * 1000), resolution: 1, bitrateKbps: 1000 + i, fps: 30, state: 'live' })),
        // The destination in the same 10 s: drops and reconnects are summed, the last state kept.
        ...Array.from({ length: 10 }, (_, i) => ({ ...base, destinationId: destination.id, at: at(2 * 3600_000 - i * 1000), resolution: 1, bitrateKbps: 500, droppedFrames: 2, reconnects: i === 9 ? 1 : 0, state: i === 9 ? 'reconnecting' : 'live' })),
        // Recent 1 s rows stay as they are.
        ...Array.from({ length: 5 }, (_, i) => ({ ...base, destinationId: null, at: at(10 * 60_000 - i * 1000), resolution: 1, bitrateKbps: 2000, fps: 25, state: 'live' })),
        // Twelve 10 s rows two days ago: two 1 min buckets.
        ...Array.from({ length: 12 }, (_, i) => ({ ...base, destinationId: null, at: at(2 * 86_400_000 - i * 10_000), resolution: 10, bitrateKbps: i < 6 ? 3000 : 4000, fps: 30, state: 'live' })),
        // Older than 30 days: gone.
        { ...base, destinationId: null, at: at(31 * 86_400_000), resolution: 60, bitrateKbps: 1, fps: 1, state: 'live' },
      ],
    });
    const maintenance = new MetricsMaintenance(api.app.get(MetricsRepository), clock, capturedLogger().logger);
    const result = await maintenance.run();
    expect(result).toEqual({ aggregated: { '1s->10s': 4, '10s->60s': 2 }, expired: 1 });

    const rows = await prisma.metricSample.findMany({ where: { streamId: seeded.id }, orderBy: [{ resolution: 'asc' }, { at: 'asc' }] });
    const ingest10 = rows.filter((r) => r.resolution === 10 && r.destinationId === null);
    // Buckets are aligned on the epoch; bitrate is the bucket's average (1004.5 rounds to 1005).
    expect(ingest10.map((r) => [r.at.getTime() - now, r.bitrateKbps, r.fps])).toEqual([
      [-2 * 3600_000, 1005, 30],
      [-2 * 3600_000 + 10_000, 1015, 30],
      [-2 * 3600_000 + 20_000, 1025, 30],
    ]);
    const dest10 = rows.filter((r) => r.resolution === 10 && r.destinationId === destination.id);
    expect(dest10).toHaveLength(1);
    expect(dest10[0]).toMatchObject({ bitrateKbps: 500, droppedFrames: 20, reconnects: 1, state: 'reconnecting' });
    expect(rows.filter((r) => r.resolution === 1)).toHaveLength(5);
    const minute = rows.filter((r) => r.resolution === 60);
    expect(minute.map((r) => [r.at.getTime() - now, r.bitrateKbps])).toEqual([
      [-2 * 86_400_000, 3000],
      [-2 * 86_400_000 + 60_000, 4000],
    ]);

    // Idempotent: a second run finds nothing to do.
    expect(await maintenance.run()).toEqual({ aggregated: { '1s->10s': 0, '10s->60s': 0 }, expired: 0 });

    // A 3 h range is served at 10 s: the downsampled rows and the recent 1 s rows folded into 10 s buckets.
    const series = metricsSeriesSchema.parse(
      (await owner.call('GET', `/api/streams/${seeded.id}/metrics?from=${new Date(Date.now() - 3 * 3600_000).toISOString()}&to=${new Date().toISOString()}`)).body,
    );
    expect(series.resolutionS).toBe(10);
    expect(series.ingest.map((p) => p.bitrateKbps)).toEqual(expect.arrayContaining([1005, 1015, 1025, 2000]));
    expect(series.destinations[0]!.points).toEqual([{ at: expect.any(String), bitrateKbps: 500, droppedFrames: 20, reconnects: 1, state: 'reconnecting' }]);
    const week = metricsSeriesSchema.parse((await owner.call('GET', `/api/streams/${seeded.id}/metrics?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`)).body);
    expect(week.resolutionS).toBe(60);
  });

  it('exports aggregate Prometheus metrics at /metrics without any per-stream label', async () => {
    await owner.call('GET', `/api/streams/${stream.id}/status`);
    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    seen.push(text);
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1]);
    expect(value('fanout_destination_bytes_sent_total')).toBeGreaterThan(0);
    expect(value('fanout_ingest_bytes_received_total')).toBeGreaterThan(0);
    expect(value('fanout_ingests_live')).toBe(0);
    expect(value('fanout_destinations{state="live"}')).toBe(0);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value('fanout_http_requests_total{method="GET",route="/api/streams/:id/status",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(value('fanout_http_requests_total{method="GET",route="/api/streams/:id/status",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('fanout_http_request_duration_seconds_bucket{method="GET",route="/api/streams/:id/status",le="+Inf"}');
    for (const id of [stream.id, memberStream.id, sinkDestinationId]) expect(text).not.toContain(id);
    expect(text).not.toContain('not-a-uuid');
  });

  it('keeps a destination key out of errors a platform echoes it in (state events, status, history)', async () => {
    const rejecting = new RtmpServer();
    rejecting.on('session', (session) => session.on('publish', (request) => request.reject('badName', `stream ${request.streamName} is not allowed`)));
    const { port } = await rejecting.listen(0, '127.0.0.1');
    const other = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Rejected' })).body);
    await owner.call('POST', `/api/streams/${other.id}/destinations`, { name: 'Picky', platform: 'custom', url: `rtmp://127.0.0.1:${port}/live`, streamKey: REJECTED_KEY });
    const sse = await events(owner, other.id);
    const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${other.streamKey}`);
    try {
      const failed = await sse.next((m) => m.event === 'state' && JSON.parse(m.data!).reason === 'rejected-key', 15_000);
      expect(JSON.parse(failed.data!).message).toContain('[stream key]');
      const status = await owner.call('GET', `/api/streams/${other.id}/status`);
      seen.push(status.text);
      expect(streamStatusSchema.parse(status.body).destinations[0]!.lastError).toMatchObject({ reason: 'rejected-key' });
    } finally {
      await publisher.stop();
      await waitUntil('the restreamer to be released', () => api.app.get(EngineRegistry).engine(other.id) === undefined, 15_000).catch(() => undefined);
      seen.push(sse.raw());
      await sse.close();
      await rejecting.close();
    }
    await api.app.get(HistoryRecorder).idle();
    const history = await owner.call('GET', `/api/streams/${other.id}/sessions`);
    seen.push(history.text);
    expect(ingestSessionListSchema.parse(history.body)[0]!.timeline.some((e) => e.reason === 'rejected-key')).toBe(true);
    await api.app.get(MetricsRecorder).flush();
    seen.push((await owner.call('GET', `/api/streams/${other.id}/metrics`)).text);
    expect(seen.join('\n')).not.toContain(REJECTED_KEY);
  });

  it('never puts a stream or destination key in events, status, sessions, metrics or logs', () => {
    const everything = seen.join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const key of [stream.streamKey, memberStream.streamKey, SINK_KEY, OFF_KEY, REJECTED_KEY]) {
      expect(everything).not.toContain(key);
      expect(api.logs.join('\n')).not.toContain(key);
    }
  });
});

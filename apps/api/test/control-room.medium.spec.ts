import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPageSchema,
  destinationSchema,
  destinationTestResultSchema,
  ingestSessionListSchema,
  liveOverviewSchema,
  revokedSessionsSchema,
  sessionInfoSchema,
  streamDetailSchema,
  streamStatusSchema,
  type StreamStatus,
} from '@fanout/contracts';
import { RtmpServer } from '@fanout/rtmp';
import { HistoryRecorder } from '../src/live/history.recorder';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { type Actor, type Client, setUpTeam, signIn } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { recordingClient } from './support/http';
import { waitUntil } from './support/media';
import { startPublisher } from './support/publisher';
import { isEvent, openEventStream } from './support/sse';

const GOOD_KEY = 'room_good_key_5e1a9c';
const BAD_KEY = 'room_bad_key_0d7b3f';

/** A local RTMP destination taking one key; it counts publishes, refusals, unpublishes and media. */
async function startSink() {
  const server = new RtmpServer();
  const counts = { accepted: 0, rejected: 0, unpublished: 0, media: 0 };
  server.on('session', (session) => {
    session.on('publish', (request) => {
      if (request.streamName !== GOOD_KEY) {
        counts.rejected += 1;
        request.reject('badName', 'unknown stream key');
        return;
      }
      counts.accepted += 1;
      request.accept();
    });
    session.on('unpublish', () => (counts.unpublished += 1));
    session.on('video', () => (counts.media += 1));
    session.on('audio', () => (counts.media += 1));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, url: `rtmp://127.0.0.1:${port}/live`, counts };
}

describe('control room: retry now, test connection, signing other sessions out, audit filters, the live overview, grace deadline', () => {
  let api: TestApi;
  let client: Client;
  let owner: Actor;
  let member: Actor;
  let sink: Awaited<ReturnType<typeof startSink>>;
  const seen: string[] = [];

  const status = async (streamId: string): Promise<StreamStatus> => streamStatusSchema.parse((await owner.call('GET', `/api/streams/${streamId}/status`)).body);
  const newStream = async (actor: Actor, name: string) => streamDetailSchema.parse((await actor.call('POST', '/api/streams', { name })).body);
  const addDestination = async (actor: Actor, streamId: string, body: object) => {
    const res = await actor.call('POST', `/api/streams/${streamId}/destinations`, { name: 'Sink', platform: 'custom', url: sink.url, streamKey: GOOD_KEY, ...body });
    expect(res.status, res.text).toBe(201);
    return destinationSchema.parse(res.body);
  };
  const released = (streamId: string) => waitUntil('the engine to be released', () => api.app.get(EngineRegistry).engine(streamId) === undefined, 20_000);

  beforeAll(async () => {
    api = await startTestApi({ INGEST_GRACE_S: '3' });
    client = recordingClient(api.url);
    ({ owner, member } = await setUpTeam(client, { member: 'member' }));
    sink = await startSink();
  });

  afterAll(async () => {
    await api?.dispose();
    await sink?.server.close();
  });

  describe('test connection', () => {
    it('publishes with the key and unpublishes at once without media, and says why not in the status vocabulary', async () => {
      const stream = await newStream(owner, 'Tested');
      const good = await addDestination(owner, stream.id, {});
      const bad = await addDestination(owner, stream.id, { name: 'Wrong key', streamKey: BAD_KEY });
      const before = { ...sink.counts };

      const ok = await owner.call('POST', `/api/destinations/${good.id}/test`);
      expect(ok.status).toBe(200);
      expect(destinationTestResultSchema.parse(ok.body)).toMatchObject({ ok: true, elapsedMs: expect.any(Number) });
      await waitUntil('the unpublish', () => sink.counts.unpublished > before.unpublished, 5_000);
      expect(sink.counts.accepted).toBe(before.accepted + 1);
      expect(sink.counts.media).toBe(before.media);

      const refused = await owner.call('POST', `/api/destinations/${bad.id}/test`);
      expect(refused.status).toBe(200);
      expect(refused.body).toMatchObject({ ok: false, reason: 'rejected-key' });
      seen.push(ok.text, refused.text);

      const entries = auditPageSchema.parse((await owner.call('GET', '/api/audit?action=destination.test')).body).entries;
      expect(entries.map((e) => [e.targetId, e.metadata['ok'], e.metadata['reason']])).toEqual([
        [bad.id, false, 'rejected-key'],
        [good.id, true, null],
      ]);
    });

    it('is refused while the stream is live (409, in plain words), and past six tests a minute per user (429)', async () => {
      const stream = await newStream(owner, 'Busy');
      const d = await addDestination(owner, stream.id, {});
      const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey!}`);
      try {
        await waitUntil('the destination to go live', async () => (await status(stream.id)).destinations[0]?.state === 'live', 15_000);
        const live = await owner.call('POST', `/api/destinations/${d.id}/test`);
        expect(live.status).toBe(409);
        expect(live.body).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('This stream is live') });
      } finally {
        await publisher.stop();
      }
      // The limit is per user: a fresh account has its own six (an admin, whose streams may use the loopback sink).
      expect((await owner.call('POST', '/api/users', { email: 'tester@example.com', password: 'tester password 1', role: 'admin' })).status).toBe(201);
      const tester = await signIn(client, 'tester@example.com', 'tester password 1');
      const mine = await newStream(tester, 'Limits');
      const id = (await addDestination(tester, mine.id, {})).id;
      const answers: number[] = [];
      for (let i = 0; i < 7; i++) answers.push((await tester.call('POST', `/api/destinations/${id}/test`)).status);
      expect(answers.slice(0, 6).every((s) => s === 200)).toBe(true);
      expect(answers[6]).toBe(429);
      const limited = await tester.call('POST', `/api/destinations/${id}/test`);
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterS: expect.any(Number) });
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      await released(stream.id);
    }, 180_000);
  });

  it('retries a failed destination now, skipping the wait, and counts its reconnects afresh once it is edited', async () => {
    const stream = await newStream(owner, 'Retry');
    const d = await addDestination(owner, stream.id, { name: 'Rejecting', streamKey: BAD_KEY });
    const idle = await owner.call('POST', `/api/destinations/${d.id}/retry`);
    expect(idle.status).toBe(409);
    expect(idle.body).toMatchObject({ code: 'CONFLICT', message: 'Nothing is publishing to this stream. Destinations connect when you go live.' });
    expect((await member.call('POST', `/api/destinations/${d.id}/retry`)).status).toBe(404);

    const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey!}`);
    try {
      // A rejected key is tried three times, then the destination gives up: only "retry now" brings it back.
      await waitUntil('the destination to fail', async () => (await status(stream.id)).destinations[0]?.state === 'failed', 20_000);
      const rejectedBefore = sink.counts.rejected;
      const overview = liveOverviewSchema.parse((await owner.call('GET', '/api/live')).body);
      expect(overview.streams.find((s) => s.streamId === stream.id)).toMatchObject({ name: 'Retry', state: 'live', destinations: { live: 0, enabled: 1, failing: 1 } });
      expect(liveOverviewSchema.parse((await member.call('GET', '/api/live')).body).streams).toEqual([]);

      expect((await owner.call('POST', `/api/destinations/${d.id}/retry`)).status).toBe(204);
      await waitUntil('another publish attempt', () => sink.counts.rejected > rejectedBefore, 5_000);
      const [entry] = auditPageSchema.parse((await owner.call('GET', `/api/audit?action=destination.retry&actorId=${owner.user.id}`)).body).entries;
      expect(entry).toMatchObject({ targetId: d.id, actor: { id: owner.user.id }, metadata: { streamId: stream.id, name: 'Rejecting', state: 'failed' } });

      await waitUntil('reconnects counted', async () => ((await status(stream.id)).destinations[0]?.reconnects ?? 0) > 0, 20_000);
      const fixed = await owner.call('PATCH', `/api/destinations/${d.id}`, { streamKey: GOOD_KEY });
      expect(fixed.status).toBe(200);
      await waitUntil('the destination to go live', async () => (await status(stream.id)).destinations[0]?.state === 'live', 15_000);
      const now = (await status(stream.id)).destinations[0]!;
      expect(now).toMatchObject({ reconnects: 0, lastError: null });
      const already = await owner.call('POST', `/api/destinations/${d.id}/retry`);
      expect(already.status).toBe(409);
      expect(already.body).toMatchObject({ message: 'Rejecting is live already.' });
      expect((await owner.call('PATCH', `/api/destinations/${d.id}`, { enabled: false })).status).toBe(200);
      expect((await owner.call('POST', `/api/destinations/${d.id}/retry`)).body).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('switched off') });
    } finally {
      await publisher.stop();
    }
    await released(stream.id);
  }, 90_000);

  it('says when the grace window ends, and leaves the time the publisher was away out of the session', async () => {
    const stream = await newStream(owner, 'Grace');
    await addDestination(owner, stream.id, {});
    const sse = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { cookie: owner.cookie });
    const url = `rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.streamKey!}`;
    try {
      await sse.next(isEvent('status'), 3_000);
      const first = await startPublisher(url);
      await waitUntil('live', async () => (await status(stream.id)).destinations[0]?.state === 'live', 15_000);
      const mark = sse.messages.length;
      const leftAt = Date.now();
      await first.stop();
      const grace = await sse.next((m) => m.event === 'ingest' && JSON.parse(m.data!).state === 'grace', 5_000, mark);
      const endsAt = Date.parse(JSON.parse(grace.data!).graceEndsAt as string);
      expect(endsAt - leftAt).toBeGreaterThan(2_000);
      expect(endsAt - leftAt).toBeLessThan(3_000 + 2_000);
      const during = await status(stream.id);
      expect(during.ingest).toMatchObject({ state: 'live', reconnectGrace: true, graceEndsAt: new Date(endsAt).toISOString() });
      await new Promise((r) => setTimeout(r, 1_000));
      const second = await startPublisher(url); // back within the window: the same session
      await waitUntil('live again', async () => !(await status(stream.id)).ingest.reconnectGrace, 5_000);
      expect((await status(stream.id)).ingest.graceEndsAt).toBeNull();
      await new Promise((r) => setTimeout(r, 1_000));
      await second.stop();
      await sse.next((m) => m.event === 'ingest' && JSON.parse(m.data!).state === 'ended', 10_000, mark);
    } finally {
      seen.push(sse.raw());
      await sse.close();
    }
    await released(stream.id);
    await api.app.get(HistoryRecorder).idle();
    const [session] = ingestSessionListSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/sessions`)).body);
    expect(session!.graceS).toBeGreaterThan(0.9);
    const wall = (Date.parse(session!.endedAt!) - Date.parse(session!.startedAt)) / 1000;
    expect(session!.durationS).toBeCloseTo(wall - session!.graceS, 0);
    const overview = liveOverviewSchema.parse((await owner.call('GET', '/api/live')).body);
    expect(overview.lastBroadcast).toMatchObject({ streamId: stream.id, name: 'Grace', durationS: session!.durationS, endReason: 'publisher stopped' });
    expect(liveOverviewSchema.parse((await member.call('GET', '/api/live')).body).lastBroadcast?.streamId).not.toBe(stream.id);
  }, 90_000);

  it('signs every other session out: each fails its next request, its events stream ends, this one lives', async () => {
    const laptop = await signIn(client, 'owner@example.com', owner.password);
    const phone = await signIn(client, 'owner@example.com', owner.password);
    const stream = await newStream(owner, 'Watched by the phone');
    const sse = await openEventStream(`${api.url}/api/streams/${stream.id}/events`, { cookie: phone.cookie });
    await sse.next(isEvent('status'), 3_000);
    const res = await laptop.call('DELETE', '/api/auth/sessions');
    expect(res.status).toBe(200);
    expect(revokedSessionsSchema.parse(res.body).revoked).toBeGreaterThanOrEqual(2);
    expect((await phone.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await owner.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await laptop.call('GET', '/api/auth/me')).status).toBe(200);
    const sessions = sessionInfoSchema.array().parse((await laptop.call('GET', '/api/auth/sessions')).body);
    expect(sessions.map((s) => s.current)).toEqual([true]);
    await waitUntil('the revoked session’s events stream to end', () => sse.ended(), 5_000);
    const [entry] = auditPageSchema.parse((await laptop.call('GET', '/api/audit?action=session.revoke&limit=1')).body).entries;
    expect(entry).toMatchObject({ targetId: null, metadata: { others: true, count: res.body && (res.body as { revoked: number }).revoked } });
    owner = laptop;
  });

  it("filters the audit log by user and action, pages within the filter, and names a bad field", async () => {
    for (let i = 0; i < 3; i++) await newStream(member, `Member ${i}`);
    const mine = auditPageSchema.parse((await owner.call('GET', `/api/audit?actorId=${member.user.id}&action=stream.create&limit=2`)).body);
    expect(mine.entries).toHaveLength(2);
    expect(mine.entries.every((e) => e.actor?.id === member.user.id && e.action === 'stream.create')).toBe(true);
    expect(mine.nextCursor).not.toBeNull();
    const rest = auditPageSchema.parse((await owner.call('GET', `/api/audit?actorId=${member.user.id}&action=stream.create&limit=2&cursor=${mine.nextCursor}`)).body);
    expect(rest.entries.length).toBeGreaterThanOrEqual(1);
    expect(rest.entries.every((e) => e.actor?.id === member.user.id && e.action === 'stream.create')).toBe(true);
    expect(new Set([...mine.entries, ...rest.entries].map((e) => e.id)).size).toBe(mine.entries.length + rest.entries.length);

    const badUser = await owner.call('GET', '/api/audit?actorId=nobody');
    expect(badUser.status).toBe(400);
    expect(badUser.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'actorId' }] });
    const badAction = await owner.call('GET', '/api/audit?action=stream.explode');
    expect(badAction.status).toBe(400);
    expect(badAction.body).toMatchObject({ errors: [{ path: 'action' }] });
    expect((await member.call('GET', `/api/audit?actorId=${member.user.id}`)).status).toBe(403);
  });

  it('never puts a destination key in an answer, an event or a log line', () => {
    const text = [...seen, ...api.logs].join('\n');
    expect(text).not.toContain(GOOD_KEY);
    expect(text).not.toContain(BAD_KEY);
  });
});

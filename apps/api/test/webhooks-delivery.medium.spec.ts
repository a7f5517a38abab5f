import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdWebhookEndpointSchema, streamDetailSchema, streamStatusSchema, WEBHOOK_EVENT_TYPES, webhookDeliveryPageSchema, webhookEndpointListSchema, webhookEventSchema } from '@fanout/contracts';
import { RtmpServer } from '@fanout/rtmp';
import { type Actor, setUpTeam, signIn } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { recordingClient } from './support/http';
import { waitUntil } from './support/media';
import { freePort } from './support/ports';
import { startPublisher } from './support/publisher';
import { type Received, type Receiver, startReceiver, verifyStandardWebhook } from './support/webhook-receiver';

const DESTINATION_KEY = 'dest_key_5e1c9a7b3d';

/** A destination that accepts any publish (Fanout's own RTMP server), optionally on a given port. */
async function startSink(port = 0) {
  const server = new RtmpServer();
  let video = 0;
  server.on('session', (session) => {
    session.on('publish', (request) => request.accept());
    session.on('video', () => video++);
  });
  const address = await server.listen(port, '127.0.0.1');
  return { server, port: address.port, video: () => video };
}

const typesOf = (requests: Received[], streamId: string) => requests.filter((r) => r.json.data.stream?.id === streamId).map((r) => r.json.type);

/** Each event once, in the order the receiver first got it. */
const firstOfEach = (requests: Received[]) => requests.filter((r, i) => requests.findIndex((o) => o.id === r.id) === i);

async function createStream(actor: Actor, name: string): Promise<{ id: string; key: string }> {
  const stream = streamDetailSchema.parse((await actor.call('POST', '/api/streams', { name })).body);
  return { id: stream.id, key: stream.streamKey! };
}

async function createWebhook(actor: Actor, url: string, events: readonly string[] = WEBHOOK_EVENT_TYPES) {
  const res = await actor.call('POST', '/api/webhooks', { url, events });
  expect(res.status, res.text).toBe(201);
  return createdWebhookEndpointSchema.parse(res.body);
}

describe('webhook delivery from the engine to real receivers', () => {
  let api: TestApi;
  let owner: Actor;
  let sink: Awaited<ReturnType<typeof startSink>>;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    // A long attempt timeout, so the hanging receiver below still hangs however slow this machine is.
    api = await startTestApi({ INGEST_GRACE_S: '1', WEBHOOK_RETRY_FIRST_S: '0.1', WEBHOOK_TIMEOUT_S: '30' });
    ({ owner } = await setUpTeam(recordingClient(api.url), {}));
    sink = await startSink();
  });

  afterAll(async () => {
    await api?.dispose();
    for (const receiver of receivers) await receiver.close();
    await sink?.server.close();
  });

  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  /** Publishes until `until` holds, then stops and waits for the stream to end. */
  async function broadcast(stream: { id: string; key: string }, until: () => boolean, what: string) {
    const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`);
    try {
      await waitUntil(what, until, 20_000);
    } finally {
      await publisher.stop();
    }
  }

  const disable = async (id: string) => expect((await owner.call('PATCH', `/api/webhooks/${id}`, { enabled: false })).status).toBe(200);

  it('signs every event per Standard Webhooks (checked by an independent verifier) and names resources, never keys', async () => {
    const r = await receiver();
    const hook = await createWebhook(owner, r.url('/all'));
    const stream = await createStream(owner, 'Main show');
    const destination = await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Relay', platform: 'custom', url: `rtmp://127.0.0.1:${sink.port}/live`, streamKey: DESTINATION_KEY });
    const destinationId = (destination.body as { id: string }).id;
    await broadcast(stream, () => typesOf(r.received, stream.id).includes('destination.live'), 'destination.live');
    await waitUntil('stream.ended', () => typesOf(r.delivered(), stream.id).includes('stream.ended'), 20_000);

    expect(typesOf(r.delivered(), stream.id)).toEqual(['stream.live', 'destination.live', 'stream.publisher_lost', 'stream.ended']);
    for (const request of r.received) {
      expect(verifyStandardWebhook(hook.secret, request), request.json.type).toBe(true);
      expect(request.id).toBe(request.json.id);
      expect(request.contentType).toBe('application/json');
      webhookEventSchema.parse(request.json);
    }
    const [live, dest, lost, ended] = r.delivered().map((x) => x.json);
    expect(live!.data).toEqual({ stream: { id: stream.id, name: 'Main show' }, startedAt: live!.timestamp });
    expect(dest!.data).toEqual({ stream: { id: stream.id, name: 'Main show' }, destination: { id: destinationId, name: 'Relay', platform: 'custom' } });
    expect(lost!.data).toMatchObject({ reason: expect.stringMatching(/^publisher (stopped|lost)$/), graceS: 1 });
    expect(ended!.data).toMatchObject({ reason: lost!.data.reason, startedAt: live!.timestamp, endedAt: expect.any(String) });
    expect(ended!.data.durationS).toBeGreaterThan(0);
    // The grace window is not counted.
    expect(ended!.data.durationS as number).toBeLessThanOrEqual((Date.parse(ended!.timestamp) - Date.parse(live!.timestamp)) / 1000);
    const text = r.received.map((x) => x.body).join('\n');
    expect(text).not.toContain(stream.key);
    expect(text).not.toContain(DESTINATION_KEY);
    expect(text).not.toContain(`127.0.0.1:${sink.port}`);
    await disable(hook.id);
  });

  it('retries after the receiver answers 500 three times, with the same webhook-id, and holds that stream\'s later events until it succeeds', async () => {
    let failures = 0;
    const r = await receiver(() => (failures++ < 3 ? { status: 500, body: 'try later' } : { status: 204 }));
    const hook = await createWebhook(owner, r.url('/flaky'));
    const stream = await createStream(owner, 'Flaky');
    await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Relay', platform: 'custom', url: `rtmp://127.0.0.1:${sink.port}/live`, streamKey: DESTINATION_KEY });
    await broadcast(stream, () => typesOf(r.delivered(), stream.id).includes('destination.live'), 'destination.live delivered');
    await waitUntil('stream.ended', () => typesOf(r.delivered(), stream.id).includes('stream.ended'), 20_000);

    const first = r.received.filter((x) => x.json.type === 'stream.live');
    expect(first.map((x) => x.answered)).toEqual([500, 500, 500, 204]);
    expect(new Set(first.map((x) => x.id)).size).toBe(1);
    expect(new Set(first.map((x) => x.body)).size).toBe(1);
    for (const attempt of first) expect(verifyStandardWebhook(hook.secret, attempt)).toBe(true);
    // Nothing of this stream arrived before stream.live succeeded, and each later event once.
    const succeededAt = first[3]!.n;
    expect(r.received.filter((x) => x.n < succeededAt).every((x) => x.json.type === 'stream.live')).toBe(true);
    expect(r.received.map((x) => x.json.type)).toEqual(['stream.live', 'stream.live', 'stream.live', 'stream.live', 'destination.live', 'stream.publisher_lost', 'stream.ended']);
    // The log: 4 attempts, the last a success; health back to 0 with the last failure kept.
    const log = webhookDeliveryPageSchema.parse((await owner.call('GET', `/api/webhooks/${hook.id}/deliveries`)).body);
    const entry = log.deliveries.find((d) => d.eventType === 'stream.live')!;
    expect(entry).toMatchObject({ status: 'succeeded', attempts: 4, statusCode: 204, error: null, nextAttemptAt: null, streamId: stream.id });
    const health = webhookEndpointListSchema.parse((await owner.call('GET', '/api/webhooks')).body).find((w) => w.id === hook.id)!.health;
    expect(health).toMatchObject({ consecutiveFailures: 0, lastError: 'HTTP 500', lastFailureAt: expect.any(String), lastSuccessAt: expect.any(String) });
    await disable(hook.id);
  });

  it('keeps each stream in order for an endpoint, one delivery of a stream at a time, with destination failure and recovery', async () => {
    // Answers take 20 to 170 ms, varying, so a worker that did not wait would reorder.
    const r = await receiver((request) => ({ status: 200, delayMs: 20 + ((request.n * 37) % 150) }));
    const hook = await createWebhook(owner, r.url('/order'));
    const a = await createStream(owner, 'Stream A');
    const b = await createStream(owner, 'Stream B');
    await owner.call('POST', `/api/streams/${a.id}/destinations`, { name: 'Relay', platform: 'custom', url: `rtmp://127.0.0.1:${sink.port}/live`, streamKey: DESTINATION_KEY });
    // B's destination is down at first (nothing listens), then comes up.
    const laterPort = await freePort();
    await owner.call('POST', `/api/streams/${b.id}/destinations`, { name: 'Late relay', platform: 'custom', url: `rtmp://127.0.0.1:${laterPort}/live`, streamKey: DESTINATION_KEY });
    const pa = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${a.key}`);
    const pb = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${b.key}`);
    let late: Awaited<ReturnType<typeof startSink>> | undefined;
    try {
      await waitUntil('B destination.failed', () => typesOf(r.received, b.id).includes('destination.failed'), 20_000);
      late = await startSink(laterPort);
      await waitUntil('B destination.recovered and A destination.live', () => typesOf(r.received, b.id).includes('destination.recovered') && typesOf(r.received, a.id).includes('destination.live'), 30_000);
    } finally {
      await pa.stop();
      await pb.stop();
    }
    await waitUntil('both streams ended', () => typesOf(r.delivered(), a.id).includes('stream.ended') && typesOf(r.delivered(), b.id).includes('stream.ended'), 20_000);
    await late?.server.close();

    expect(typesOf(firstOfEach(r.received), a.id)).toEqual(['stream.live', 'destination.live', 'stream.publisher_lost', 'stream.ended']);
    expect(typesOf(firstOfEach(r.received), b.id)).toEqual(['stream.live', 'destination.failed', 'destination.recovered', 'stream.publisher_lost', 'stream.ended']);
    // One at a time per stream: each request of a stream arrived after the one before it was answered.
    for (const id of [a.id, b.id]) {
      const mine = r.received.filter((x) => x.json.data.stream?.id === id);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.arrivedAt).toBeGreaterThanOrEqual(mine[i - 1]!.answeredAt!);
    }
    const failed = r.received.find((x) => x.json.type === 'destination.failed')!.json.data;
    expect(failed).toMatchObject({ destination: { name: 'Late relay', platform: 'custom' }, reason: 'refused', retrying: true, nextRetryAt: expect.any(String) });
    expect(r.received.find((x) => x.json.type === 'destination.recovered')!.json.data.downS).toBeGreaterThan(0);
    // Timestamps of one stream's events never go backwards.
    for (const id of [a.id, b.id]) {
      const times = firstOfEach(r.received).filter((x) => x.json.data.stream?.id === id).map((x) => Date.parse(x.json.timestamp));
      expect([...times].sort((x, y) => x - y)).toEqual(times);
    }
    await disable(hook.id);
  });

  it('a receiver that hangs delays neither the engine nor another endpoint', async () => {
    const hanging = await receiver(() => 'hang');
    const fast = await receiver();
    const stuck = await createWebhook(owner, hanging.url('/stuck'));
    const fine = await createWebhook(owner, fast.url('/fine'));
    const stream = await createStream(owner, 'Hang test');
    await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Relay', platform: 'custom', url: `rtmp://127.0.0.1:${sink.port}/live`, streamKey: DESTINATION_KEY });
    const videoBefore = sink.video();
    await broadcast(stream, () => typesOf(fast.delivered(), stream.id).includes('destination.live') && sink.video() > videoBefore + 10, 'the other endpoint and the destination get going');
    await waitUntil('the other endpoint to get stream.ended', () => typesOf(fast.delivered(), stream.id).includes('stream.ended'), 20_000);
    // All of that while the hanging receiver still holds its first request (stream.live), unanswered.
    expect(hanging.received.map((x) => x.json.type)).toEqual(['stream.live']);
    expect(hanging.open()).toBe(1);
    expect(typesOf(fast.delivered(), stream.id)).toEqual(['stream.live', 'destination.live', 'stream.publisher_lost', 'stream.ended']);
    expect(sink.video()).toBeGreaterThan(videoBefore + 10);
    const status = streamStatusSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/status`)).body);
    expect(status.ingest.state).toBe('idle');
    const pending = webhookEndpointListSchema.parse((await owner.call('GET', '/api/webhooks')).body).find((w) => w.id === stuck.id)!.pendingDeliveries;
    expect(pending).toBe(4);
    await disable(stuck.id);
    await disable(fine.id);
  });
});

describe('webhook delivery across a restart of the API', () => {
  it('delivers what was pending (events raised during the shutdown too) once it is back, each webhook-id acknowledged once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanout-hooks-restart-'));
    const env = { INGEST_GRACE_S: '1', WEBHOOK_RETRY_FIRST_S: '0.1', WEBHOOK_TIMEOUT_S: '5' };
    const r = await startReceiver(() => ({ status: 503 }));
    let api: TestApi | undefined = await startTestApi(env, dataDir);
    try {
      const { owner } = await setUpTeam(recordingClient(api.url), {});
      const hook = await createWebhook(owner, r.url('/restart'));
      const stream = await createStream(owner, 'Across a restart');
      const publisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${stream.key}`);
      try {
        await waitUntil('a first attempt of stream.live', () => r.received.some((x) => x.json.type === 'stream.live'), 20_000);
        // Stopping the API ends the broadcast ('server shutting down'): that event is written during the shutdown.
        await api.close();
      } finally {
        await publisher.stop().catch(() => undefined);
      }
      api = undefined;
      const seenBefore = new Set(r.received.map((x) => x.id));
      expect(r.delivered()).toEqual([]);
      r.answer(() => ({ status: 200 }));

      api = await startTestApi(env, dataDir);
      const again = await signIn(recordingClient(api.url), 'owner@example.com', owner.password);
      await waitUntil('stream.ended delivered after the restart', () => r.delivered().some((x) => x.json.type === 'stream.ended'), 30_000);
      const log = webhookDeliveryPageSchema.parse((await again.call('GET', `/api/webhooks/${hook.id}/deliveries?limit=100`)).body);
      await waitUntil('every delivery done', async () => webhookDeliveryPageSchema.parse((await again.call('GET', `/api/webhooks/${hook.id}/deliveries?limit=100`)).body).deliveries.every((d) => d.status === 'succeeded'), 20_000);

      expect(log.deliveries.map((d) => d.eventType).reverse()).toEqual(['stream.live', 'stream.ended']);
      const ended = r.delivered().find((x) => x.json.type === 'stream.ended')!;
      expect(ended.json.data.reason).toBe('server shutting down');
      expect(seenBefore.has(ended.id)).toBe(false); // it had never been attempted before the restart
      // Exactly one acknowledged receipt per webhook-id, every one of them an event of the outbox, in order.
      const acknowledged = r.delivered().map((x) => x.id);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
      expect(acknowledged).toEqual(log.deliveries.map((d) => d.eventId).reverse());
      for (const request of r.received) expect(verifyStandardWebhook(hook.secret, request)).toBe(true);
    } finally {
      await api?.close();
      await r.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

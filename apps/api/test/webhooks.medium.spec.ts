import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPageSchema,
  createdWebhookEndpointSchema,
  MAX_WEBHOOK_ENDPOINTS,
  rotatedWebhookSecretSchema,
  WEBHOOK_EVENT_TYPES,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookEventSchema,
} from '@fanout/contracts';
import { HostResolver } from '../src/net/destination-lookup';
import { PrismaService } from '../src/database/prisma.service';
import { WebhooksRepository } from '../src/webhooks/webhooks.repository';
import { type Actor, setUpTeam } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { recordingClient } from './support/http';
import { freePort } from './support/ports';
import { type Receiver, startReceiver, verifyStandardWebhook } from './support/webhook-receiver';

/** A TCP listener that only counts connections (a stand-in for an internal service). */
async function countingListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => connections };
}

describe('webhook endpoints through the API', () => {
  let api: TestApi;
  let client: ReturnType<typeof recordingClient>;
  let owner: Actor;
  let admin: Actor;
  let receiver: Receiver;

  beforeAll(async () => {
    api = await startTestApi({ WEBHOOK_RETRY_FIRST_S: '0.1', WEBHOOK_TIMEOUT_S: '3' });
    client = recordingClient(api.url);
    ({ owner, admin } = await setUpTeam(client, { admin: 'admin', member: 'member' }));
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await api?.dispose();
    await receiver?.close();
  });

  const create = async (actor: Actor, body: Record<string, unknown>) => {
    const res = await actor.call('POST', '/api/webhooks', body);
    expect(res.status, res.text).toBe(201);
    return createdWebhookEndpointSchema.parse(res.body);
  };

  it('shows a whsec_ secret once, at creation, and never in a list, a change or a log line', async () => {
    const created = await create(owner, { url: receiver.url('/once'), events: ['stream.ended', 'stream.live', 'stream.live'], description: 'CI bot' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(created).toMatchObject({ url: receiver.url('/once'), description: 'CI bot', events: ['stream.live', 'stream.ended'], enabled: true, pendingDeliveries: 0 });
    expect(created.health).toEqual({ lastSuccessAt: null, lastFailureAt: null, consecutiveFailures: 0, lastError: null });
    expect(created.warnings).toEqual([expect.stringContaining('127.0.0.1 is a loopback address'), expect.stringContaining('plain http')]);
    const list = await owner.call('GET', '/api/webhooks');
    expect(webhookEndpointListSchema.parse(list.body).map((w) => w.id)).toContain(created.id);
    expect(list.text).not.toContain(created.secret.slice(6));
    const changed = await owner.call('PATCH', `/api/webhooks/${created.id}`, { description: 'Renamed', enabled: false });
    expect(webhookEndpointSchema.parse(changed.body)).toMatchObject({ description: 'Renamed', enabled: false });
    expect(changed.text).not.toContain('whsec_');
    // Stored encrypted, like destination keys.
    const row = await api.app.get(PrismaService).client.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id }, select: { secretCiphertext: true } });
    expect(row.secretCiphertext).toMatch(/^v1\./);
    expect(row.secretCiphertext).not.toContain(created.secret.slice(6, 20));
    expect(api.logs.join('\n')).not.toContain('whsec_');
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it('answers a bad field with 400 naming it', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ url: 'ftp://hooks.example/x', events: ['stream.live'] }, 'url', /https:\/\//],
      [{ url: 'https://user:pw@hooks.example/x', events: ['stream.live'] }, 'url', /user name and password/],
      [{ url: 'https://hooks.example/x', events: [] }, 'events', /at least one event/],
      [{ url: 'https://hooks.example/x', events: ['stream.exploded'] }, 'events.0', /from the list/],
      [{ url: 'https://hooks.example/x', events: ['stream.live'], description: 'a\u202eb' }, 'description', /control characters/],
      [{ url: 'https://hooks.example/x', events: ['stream.live'], secret: 'whsec_mine' }, '(body)', /secret/],
      [{ url: 'http://93.184.216.34/x', events: ['stream.live'] }, 'url', /use https:\/\/ for one on the internet/],
    ];
    for (const [body, path, message] of cases) {
      const res = await owner.call('POST', '/api/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path, message: expect.stringMatching(message) }] });
    }
    const created = await create(owner, { url: 'https://hooks.example/x', events: ['stream.live'] });
    const bad = await owner.call('PATCH', `/api/webhooks/${created.id}`, { events: 'stream.live' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ path: 'events' }] });
    for (const path of ['/api/webhooks/not-a-uuid', `/api/webhooks/${crypto.randomUUID()}`]) {
      const res = await owner.call('PATCH', path, { enabled: true });
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ code: 'NOT_FOUND', message: 'No such webhook.' });
    }
    expect((await owner.call('POST', `/api/webhook-deliveries/${crypto.randomUUID()}/redeliver`)).body).toEqual({ code: 'NOT_FOUND', message: 'No such delivery.' });
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it('tests an endpoint with a signed ping and logs the delivery: status, latency, attempt', async () => {
    const created = await create(admin, { url: receiver.url('/ping'), events: ['stream.live'], enabled: false });
    const before = receiver.received.length;
    const res = await admin.call('POST', `/api/webhooks/${created.id}/test`);
    expect(res.status).toBe(200);
    const delivery = webhookDeliverySchema.parse(res.body);
    expect(delivery).toMatchObject({ webhookId: created.id, eventType: 'ping', trigger: 'test', status: 'succeeded', attempts: 1, statusCode: 200, error: null, response: 'ok', nextAttemptAt: null });
    expect(delivery.latencyMs).toBeGreaterThanOrEqual(0);
    const ping = receiver.received[before]!;
    expect(verifyStandardWebhook(created.secret, ping)).toBe(true);
    expect(ping.id).toBe(delivery.eventId);
    expect(webhookEventSchema.parse(ping.json)).toMatchObject({ id: delivery.eventId, type: 'ping', data: { webhook: { id: created.id } } });
    expect(ping.contentType).toBe('application/json');
    expect(ping.userAgent).toMatch(/^Fanout-Webhooks\//);
    const log = webhookDeliveryPageSchema.parse((await admin.call('GET', `/api/webhooks/${created.id}/deliveries`)).body);
    expect(log.deliveries).toEqual([delivery]);
    expect(log.nextCursor).toBeNull();
    const health = webhookEndpointListSchema.parse((await admin.call('GET', '/api/webhooks')).body).find((w) => w.id === created.id)!.health;
    expect(health).toMatchObject({ consecutiveFailures: 0, lastError: null, lastSuccessAt: expect.any(String) });
    await admin.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it('rotates the secret: shown once, and for a day both secrets sign each delivery', async () => {
    const created = await create(owner, { url: receiver.url('/rotate'), events: ['stream.live'] });
    const rotated = rotatedWebhookSecretSchema.parse((await owner.call('POST', `/api/webhooks/${created.id}/rotate`)).body);
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    await owner.call('POST', `/api/webhooks/${created.id}/test`);
    const ping = receiver.received.at(-1)!;
    expect(ping.signature.split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(rotated.secret, ping)).toBe(true);
    expect(verifyStandardWebhook(created.secret, ping)).toBe(true);
    expect(verifyStandardWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, ping)).toBe(false);
    // After the day, only the new one.
    await api.app.get(PrismaService).client.webhookEndpoint.update({ where: { id: created.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    await owner.call('POST', `/api/webhooks/${created.id}/test`);
    const later = receiver.received.at(-1)!;
    expect(later.signature.split(' ')).toHaveLength(1);
    expect(verifyStandardWebhook(rotated.secret, later)).toBe(true);
    expect(verifyStandardWebhook(created.secret, later)).toBe(false);
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it('redelivers with the same webhook-id, as a new log entry', async () => {
    const created = await create(owner, { url: receiver.url('/again'), events: ['stream.live'] });
    const first = webhookDeliverySchema.parse((await owner.call('POST', `/api/webhooks/${created.id}/test`)).body);
    const res = await owner.call('POST', `/api/webhook-deliveries/${first.id}/redeliver`);
    expect(res.status).toBe(201);
    const again = webhookDeliverySchema.parse(res.body);
    expect(again).toMatchObject({ eventId: first.eventId, trigger: 'redeliver', status: 'pending', attempts: 0 });
    expect(again.id).not.toBe(first.id);
    const deadline = Date.now() + 10_000;
    while (receiver.received.filter((r) => r.id === first.eventId).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const both = receiver.received.filter((r) => r.id === first.eventId);
    expect(both).toHaveLength(2);
    expect(both[1]!.body).toBe(both[0]!.body);
    expect(verifyStandardWebhook(created.secret, both[1]!)).toBe(true);
    // Newest first, paged.
    let log = webhookDeliveryPageSchema.parse((await owner.call('GET', `/api/webhooks/${created.id}/deliveries?limit=1`)).body);
    expect(log.deliveries.map((d) => d.id)).toEqual([again.id]);
    log = webhookDeliveryPageSchema.parse((await owner.call('GET', `/api/webhooks/${created.id}/deliveries?limit=1&cursor=${log.nextCursor}`)).body);
    expect(log).toEqual({ deliveries: [expect.objectContaining({ id: first.id })], nextCursor: null });
    expect((await owner.call('GET', `/api/webhooks/${created.id}/deliveries?limit=500`)).body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'limit' }] });
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it('logs a failed attempt in words, with the next retry, and marks the endpoint unhealthy', async () => {
    const closed = await freePort();
    const created = await create(owner, { url: `http://127.0.0.1:${closed}/gone`, events: ['stream.live'] });
    const delivery = webhookDeliverySchema.parse((await owner.call('POST', `/api/webhooks/${created.id}/test`)).body);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, statusCode: null, error: 'connection refused', maxAttempts: 8 });
    expect(Date.parse(delivery.nextAttemptAt!)).toBeGreaterThan(Date.parse(delivery.lastAttemptAt!));
    const endpoint = webhookEndpointListSchema.parse((await owner.call('GET', '/api/webhooks')).body).find((w) => w.id === created.id)!;
    expect(endpoint.health.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(endpoint.health.lastError).toBe('connection refused');
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it("refuses private addresses at delivery once the URL's setter is no longer an owner or admin, by the pinned lookup for names", async () => {
    const listener = await countingListener();
    // A name that resolves to loopback (a rebinding DNS name would); the admin may use it.
    const resolver = api.app.get(HostResolver);
    const resolveAll = resolver.resolveAll.bind(resolver);
    resolver.resolveAll = (hostname, options, callback) => (hostname === 'hooks.rebind.test' ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : resolveAll(hostname, options, callback));
    try {
      const byName = await create(admin, { url: `https://hooks.rebind.test:${listener.port}/in`, events: ['stream.live'] });
      const literal = await create(admin, { url: `http://127.0.0.1:${listener.port}/in`, events: ['stream.live'] });
      expect((await owner.call('PATCH', `/api/users/${admin.user.id}`, { role: 'member' })).status).toBe(200);
      for (const [endpoint, words] of [
        [byName, 'destination address not allowed: 127.0.0.1 is a loopback address (this machine)'],
        [literal, 'address not allowed: 127.0.0.1 is a loopback address (this machine); only owners and admins may send to private addresses'],
      ] as const) {
        const delivery = webhookDeliverySchema.parse((await owner.call('POST', `/api/webhooks/${endpoint.id}/test`)).body);
        expect(delivery.error).toBe(words);
      }
      expect(listener.connections()).toBe(0);
      // Set again by the owner: allowed, it connects (and the listener hangs up: a failure of another kind).
      await owner.call('PATCH', `/api/webhooks/${literal.id}`, { url: `http://127.0.0.1:${listener.port}/again` });
      const retried = webhookDeliverySchema.parse((await owner.call('POST', `/api/webhooks/${literal.id}/test`)).body);
      expect(retried.error).toBe('the receiver closed the connection');
      expect(listener.connections()).toBeGreaterThanOrEqual(1);
      for (const id of [byName.id, literal.id]) await owner.call('DELETE', `/api/webhooks/${id}`);
    } finally {
      resolver.resolveAll = resolveAll;
      await owner.call('PATCH', `/api/users/${admin.user.id}`, { role: 'admin' });
      await new Promise((r) => listener.server.close(r));
    }
  });

  it('audits create, change, rotation and delete with hosts, never paths or secrets', async () => {
    const created = await create(owner, { url: 'https://hooks.example/path?token=sekrit', events: ['stream.live'] });
    await owner.call('PATCH', `/api/webhooks/${created.id}`, { url: 'https://other.example/in', events: ['stream.live', 'destination.failed'] });
    await owner.call('POST', `/api/webhooks/${created.id}/rotate`);
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
    const audit = auditPageSchema.parse((await owner.call('GET', '/api/audit?limit=10')).body).entries.filter((e) => e.targetId === created.id);
    expect(audit.map((e) => e.action)).toEqual(['webhook.delete', 'webhook.rotate-secret', 'webhook.update', 'webhook.create']);
    expect(audit[3]!.metadata).toEqual({ host: 'hooks.example:443', description: '', events: ['stream.live'], enabled: true });
    expect(audit[2]!.metadata).toEqual({ previousHost: 'hooks.example:443', host: 'other.example:443', changed: ['url', 'events'], events: ['stream.live', 'destination.failed'] });
    expect(JSON.stringify(audit)).not.toMatch(/sekrit|whsec_/);
    expect(audit.every((e) => e.actor?.id === owner.user.id && e.targetType === 'webhook')).toBe(true);
  });

  it('keeps the delivery log bounded: deliveries older than the retention go, with events nothing refers to any more', async () => {
    const created = await create(owner, { url: receiver.url('/old'), events: ['stream.live'] });
    const old = webhookDeliverySchema.parse((await owner.call('POST', `/api/webhooks/${created.id}/test`)).body);
    const fresh = webhookDeliverySchema.parse((await owner.call('POST', `/api/webhooks/${created.id}/test`)).body);
    const prisma = api.app.get(PrismaService).client;
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    await prisma.webhookDelivery.update({ where: { id: old.id }, data: { createdAt: longAgo } });
    await prisma.webhookEvent.update({ where: { id: old.eventId }, data: { createdAt: longAgo } });
    const removed = await api.app.get(WebhooksRepository).expire(new Date(Date.now() - 30 * 86_400_000));
    expect(removed).toEqual({ deliveries: 1, events: 1 });
    const log = webhookDeliveryPageSchema.parse((await owner.call('GET', `/api/webhooks/${created.id}/deliveries`)).body);
    expect(log.deliveries.map((d) => d.id)).toEqual([fresh.id]);
    expect(await prisma.webhookEvent.findUnique({ where: { id: old.eventId } })).toBeNull();
    await owner.call('DELETE', `/api/webhooks/${created.id}`);
  });

  it(`caps endpoints at ${MAX_WEBHOOK_ENDPOINTS} with 409 LIMIT_REACHED`, async () => {
    const ids: string[] = [];
    const existing = webhookEndpointListSchema.parse((await owner.call('GET', '/api/webhooks')).body).length;
    for (let i = existing; i < MAX_WEBHOOK_ENDPOINTS; i++) ids.push((await create(owner, { url: `https://h${i}.example/in`, events: [...WEBHOOK_EVENT_TYPES] })).id);
    const over = await owner.call('POST', '/api/webhooks', { url: 'https://one-more.example/in', events: ['stream.live'] });
    expect(over.status).toBe(409);
    expect(over.body).toEqual({ code: 'LIMIT_REACHED', message: `Fanout can have at most ${MAX_WEBHOOK_ENDPOINTS} webhooks.` });
    for (const id of ids) await owner.call('DELETE', `/api/webhooks/${id}`);
  });
});

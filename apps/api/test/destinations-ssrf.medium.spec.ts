import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, destinationSchema, destinationStateEventSchema, ingestSessionListSchema, streamDetailSchema, streamStatusSchema } from '@fanout/contracts';
import { RtmpServer } from '@fanout/rtmp';
import { Secrets } from '../src/crypto/secrets';
import { PrismaService } from '../src/database/prisma.service';
import { type Actor, setUpTeam } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { recordingClient } from './support/http';
import { startPublisher } from './support/publisher';
import { waitUntil } from './support/media';
import { openEventStream } from './support/sse';

/** Every literal form from the issue, and a few more spellings of the same places. */
const FORBIDDEN_URLS = [
  'rtmp://169.254.169.254/live',
  'rtmp://10.0.0.1/live',
  'rtmp://[::1]:5432/live',
  'rtmp://2130706433:22/live',
  'rtmp://0x7f000001/live',
  'rtmp://127.1/live',
  'rtmp://localhost:6379/live',
  'rtmp://0177.0.0.1/live',
  'rtmp://[::ffff:127.0.0.1]/live',
  'rtmp://[fe80::1]/live',
  'rtmp://100.64.0.1/live',
  'rtmp://224.0.0.1/live',
  'rtmp://0.0.0.0/live',
  'rtmps://192.168.1.1/live',
];

/** A TCP listener on loopback that only counts connections (a stand-in for an internal service). */
async function countingListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => connections };
}

describe('destinations cannot reach private networks (SSRF), keys cannot be retargeted', () => {
  let api: TestApi;
  let owner: Actor;
  let admin: Actor;
  let member: Actor;
  let memberStream: { id: string; streamKey: string };
  let ownerStream: { id: string; streamKey: string };

  beforeAll(async () => {
    api = await startTestApi({ MAX_DESTINATIONS_PER_STREAM: '3', INGEST_GRACE_S: '1' });
    const client = recordingClient(api.url);
    ({ owner, admin, member } = await setUpTeam(client, { admin: 'admin', member: 'member' }));
    const mine = streamDetailSchema.parse((await member.call('POST', '/api/streams', { name: 'Member stream' })).body);
    memberStream = { id: mine.id, streamKey: mine.streamKey! };
    const theirs = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Owner stream' })).body);
    ownerStream = { id: theirs.id, streamKey: theirs.streamKey! };
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('refuses every private, loopback, link-local, CGNAT, multicast, unspecified and metadata literal for a member, on create and edit', async () => {
    const saved = destinationSchema.parse((await member.call('POST', `/api/streams/${memberStream.id}/destinations`, { name: 'YouTube', platform: 'youtube', streamKey: 'member-yt-key-0001' })).body);
    for (const url of FORBIDDEN_URLS) {
      const res = await member.call('POST', `/api/streams/${memberStream.id}/destinations`, { name: 'Probe', platform: 'custom', url, streamKey: 'probe-key-0001' });
      expect(res.status, url).toBe(400);
      expect(res.body, url).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'url', message: expect.stringContaining('only streams of owners and admins may send to private addresses') }] });
      const edit = await member.call('PATCH', `/api/destinations/${saved.id}`, { url, streamKey: 'probe-key-0001' });
      expect(edit.status, url).toBe(400);
    }
    const list = destinationSchema.array().parse((await member.call('GET', `/api/streams/${memberStream.id}/destinations`)).body);
    expect(list.map((d) => d.url)).toEqual(['rtmps://a.rtmps.youtube.com/live2']);
    await member.call('DELETE', `/api/destinations/${saved.id}`);
  });

  it('allows them for an owner, with a warning on the destination', async () => {
    for (const url of FORBIDDEN_URLS) {
      const res = await owner.call('POST', `/api/streams/${ownerStream.id}/destinations`, { name: 'LAN', platform: 'custom', url, streamKey: 'lan-key-0001', enabled: false });
      expect(res.status, url).toBe(201);
      expect(destinationSchema.parse(res.body).warnings, url).toEqual([expect.stringContaining('Fanout connects to it from inside its own network.')]);
      await owner.call('DELETE', `/api/destinations/${(res.body as { id: string }).id}`);
    }
  });

  it("refuses at connect time a member's destination whose name resolves to loopback: it never connects, and the member sees a coarse reason", async () => {
    const listener = await countingListener();
    const sink = new RtmpServer();
    sink.on('session', (session) => session.on('publish', (request) => request.accept()));
    const { port: sinkPort } = await sink.listen(0, '127.0.0.1');
    const prisma = api.app.get(PrismaService);
    const secrets = api.app.get(Secrets);
    // Straight into the database: a name (not a literal) passes the save-time check, as a
    // rebinding DNS name would. `localhost` resolves to 127.0.0.1 here.
    const probe = await prisma.client.destination.create({
      data: { streamId: memberStream.id, name: 'Internal', platform: 'custom', url: `rtmp://localhost:${listener.port}/live`, keyCiphertext: secrets.encrypt('probe-key-0002') },
    });
    // The owner's stream may use the same name: it connects.
    const lan = await owner.call('POST', `/api/streams/${ownerStream.id}/destinations`, { name: 'LAN relay', platform: 'custom', url: `rtmp://localhost:${sinkPort}/live`, streamKey: 'lan-key-0002' });
    expect(lan.status).toBe(201);

    const sse = await openEventStream(`${api.url}/api/streams/${memberStream.id}/events`, { cookie: member.cookie });
    const memberPublisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${memberStream.streamKey}`);
    const ownerPublisher = await startPublisher(`rtmp://127.0.0.1:${api.rtmpPort}/live/${ownerStream.streamKey}`);
    try {
      const failed = await sse.next((m) => m.event === 'state' && ['reconnecting', 'failed'].includes(JSON.parse(m.data!).to), 10_000);
      expect(destinationStateEventSchema.parse(JSON.parse(failed.data!))).toMatchObject({ destinationId: probe.id, reason: 'unreachable', message: 'Could not connect to the destination server.' });
      const mine = streamStatusSchema.parse((await member.call('GET', `/api/streams/${memberStream.id}/status`)).body);
      expect(mine.destinations[0]!.lastError).toMatchObject({ reason: 'unreachable', message: 'Could not connect to the destination server.' });
      // The owner, looking at the same stream, sees why.
      const full = streamStatusSchema.parse((await owner.call('GET', `/api/streams/${memberStream.id}/status`)).body);
      expect(full.destinations[0]!.lastError!.message).toContain('destination address not allowed: 127.0.0.1 is a loopback address');
      await waitUntil('the owner stream LAN relay live', async () => {
        const status = streamStatusSchema.parse((await owner.call('GET', `/api/streams/${ownerStream.id}/status`)).body);
        return status.destinations.some((d) => d.name === 'LAN relay' && d.state === 'live');
      }, 10_000);
      expect(listener.connections()).toBe(0);
    } finally {
      await memberPublisher.stop();
      await ownerPublisher.stop();
      await sse.close();
      await new Promise((r) => listener.server.close(r));
      await sink.close();
    }
    await waitUntil('the history to have the failure', async () => {
      const sessions = ingestSessionListSchema.parse((await member.call('GET', `/api/streams/${memberStream.id}/sessions`)).body);
      return sessions[0]?.timeline.some((e) => e.reason !== null) ?? false;
    }, 10_000);
    const history = ingestSessionListSchema.parse((await member.call('GET', `/api/streams/${memberStream.id}/sessions`)).body);
    for (const entry of history[0]!.timeline.filter((e) => e.reason !== null)) expect(entry).toMatchObject({ reason: 'unreachable', message: 'Could not connect to the destination server.' });
    expect(listener.connections()).toBe(0);
    await prisma.client.destination.delete({ where: { id: probe.id } });
  });

  it('caps destinations per stream (MAX_DESTINATIONS_PER_STREAM) with 409 LIMIT_REACHED', async () => {
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await member.call('POST', `/api/streams/${memberStream.id}/destinations`, { name: `T${i}`, platform: 'twitch', streamKey: `cap-key-000${i}`, enabled: false });
      expect(res.status).toBe(201);
      created.push((res.body as { id: string }).id);
    }
    const over = await member.call('POST', `/api/streams/${memberStream.id}/destinations`, { name: 'T4', platform: 'twitch', streamKey: 'cap-key-0004' });
    expect(over.status).toBe(409);
    expect(over.body).toEqual({ code: 'LIMIT_REACHED', message: 'A stream can have at most 3 destinations.' });
    for (const id of created) await member.call('DELETE', `/api/destinations/${id}`);
  });

  it("refuses to move a saved key to another server without the key, even for an admin, and audits the old and new host", async () => {
    const res = await member.call('POST', `/api/streams/${memberStream.id}/destinations`, { name: 'YouTube', platform: 'youtube', streamKey: 'member-yt-key-0002', enabled: false });
    const id = (res.body as { id: string }).id;
    for (const url of ['rtmps://attacker.example/live2', 'rtmp://a.rtmps.youtube.com/live2', 'rtmps://a.rtmps.youtube.com:8443/live2']) {
      const retarget = await admin.call('PATCH', `/api/destinations/${id}`, { url });
      expect(retarget.status, url).toBe(400);
      expect(retarget.body, url).toEqual({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'streamKey', message: 'Enter the stream key again: the server changed' }] });
    }
    expect((await admin.call('PATCH', `/api/destinations/${id}`, { platform: 'twitch' })).status).toBe(400);
    const row = await api.app.get(PrismaService).client.destination.findUniqueOrThrow({ where: { id } });
    expect(row.url).toBe('rtmps://a.rtmps.youtube.com/live2');
    // Same server, another path: fine without the key. A new server with a new key: fine.
    expect((await admin.call('PATCH', `/api/destinations/${id}`, { url: 'rtmps://a.rtmps.youtube.com/live2?backup=1' })).status).toBe(200);
    expect((await admin.call('PATCH', `/api/destinations/${id}`, { url: 'rtmps://relay.example/in', streamKey: 'relay-key-0003' })).status).toBe(200);
    const audit = auditPageSchema.parse((await owner.call('GET', '/api/audit?limit=5')).body);
    const moved = audit.entries.find((e) => e.action === 'destination.update' && e.targetId === id && 'host' in e.metadata);
    expect(moved?.metadata).toEqual({ streamId: memberStream.id, name: 'YouTube', changed: ['streamKey', 'url'], previousHost: 'a.rtmps.youtube.com:443', host: 'relay.example:443' });
    expect(moved?.actor?.id).toBe(admin.user.id);
    await member.call('DELETE', `/api/destinations/${id}`);
  });
});

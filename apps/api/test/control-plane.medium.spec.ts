import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  auditPageSchema,
  destinationSchema,
  PLATFORM_PRESETS,
  streamDetailSchema,
  streamSchema,
  userSchema,
  type AuditEntry,
  type Destination,
  type StreamDetail,
} from '@fanout/contracts';
import { Secrets } from '../src/crypto/secrets';
import { PrismaService } from '../src/database/prisma.service';
import { DestinationsRepository } from '../src/destinations/destinations.repository';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { type Actor, fromNewAddress, setUpTeam, signIn } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { type Exchange, recordingClient } from './support/http';

const STREAM_KEY = /^live_[A-Za-z0-9_-]{32}$/;
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const invalid = (...errors: { path: string; message: string }[]) => ({ code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors });
const NO_STREAM = { code: 'NOT_FOUND', message: 'No such stream.' };
const NO_DESTINATION = { code: 'NOT_FOUND', message: 'No such destination.' };
const FORBIDDEN = { code: 'FORBIDDEN', message: 'You do not have permission to do that.' };

describe('control plane API: streams, destinations, users, platforms, audit', () => {
  let api: TestApi;
  let client: ReturnType<typeof recordingClient>;
  let owner: Actor;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  let secrets: Secrets;
  let prisma: PrismaService;
  let ingestUrl: string;
  const refreshDestinations = vi.fn<(streamId: string) => Promise<void>>();
  const endStream = vi.fn<(streamId: string, reason: string) => Promise<void>>();
  /** Every stream key the API handed out, and every destination key sent to it. */
  const streamKeys: string[] = [];
  const destinationKeys: string[] = [];
  const destinationKey = (label: string) => {
    const key = `dest-key-${label}-${Math.random().toString(36).slice(2, 12)}`;
    destinationKeys.push(key);
    return key;
  };
  const keep = (res: Exchange) => {
    const key = (res.body as { streamKey?: unknown } | undefined)?.streamKey;
    if (typeof key === 'string') streamKeys.push(key);
    return res;
  };

  beforeAll(async () => {
    // studio.example: the name the ingest URL test opens the dashboard with (the Host allowlist).
    api = await startTestApi({ PUBLIC_HOSTS: 'studio.example' });
    client = recordingClient(api.url);
    ({ owner, admin, alice, bob } = await setUpTeam(client, { admin: 'admin', alice: 'member', bob: 'member' }));
    secrets = api.app.get(Secrets);
    prisma = api.app.get(PrismaService);
    ingestUrl = `rtmp://127.0.0.1:${api.rtmpPort}/live`;
    const ingest = api.app.get(EngineRegistry);
    const real = ingest.refreshDestinations.bind(ingest);
    vi.spyOn(ingest, 'refreshDestinations').mockImplementation(async (streamId) => {
      await refreshDestinations(streamId);
      return real(streamId);
    });
    const realEnd = ingest.endStream.bind(ingest);
    vi.spyOn(ingest, 'endStream').mockImplementation(async (streamId, reason) => {
      await endStream(streamId, reason);
      return realEnd(streamId, reason);
    });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  describe('streams', () => {
    let stream: StreamDetail;

    it('creates a stream with a generated live_ key, shown in the 201 answer', async () => {
      const res = keep(await alice.call('POST', '/api/streams', { name: '  Main show  ' }));
      expect(res.status).toBe(201);
      stream = streamDetailSchema.parse(res.body);
      expect(res.body).toEqual({
        id: expect.any(String),
        ownerId: alice.user.id,
        name: 'Main show',
        ingestUrl,
        settings: {},
        record: false,
        graceSeconds: null,
        effectiveGraceSeconds: 10,
        slate: true,
        slateImage: false,
        slateUnavailable: null,
        streamKey: expect.stringMatching(STREAM_KEY),
        backupStreamKey: expect.stringMatching(STREAM_KEY),
        createdAt: ISO,
        updatedAt: ISO,
        oldKeyInUse: null,
      });
      expect(stream.backupStreamKey).not.toBe(stream.streamKey);
    });

    it('stores the key only as its lookup hash and ciphertext', async () => {
      const row = await prisma.client.stream.findUniqueOrThrow({ where: { id: stream.id }, omit: { keyHash: false, keyCiphertext: false } });
      expect(row.keyHash).toBe(secrets.lookupHash(stream.streamKey!));
      expect(secrets.decrypt(row.keyCiphertext)).toBe(stream.streamKey);
      expect(JSON.stringify(row)).not.toContain(stream.streamKey!);
    });

    it('writes the ingest URL for the host the dashboard was opened with', async () => {
      const res = await alice.call('GET', '/api/streams', undefined, { 'x-forwarded-host': 'studio.example:3000' });
      expect(streamSchema.array().parse(res.body).map((s) => s.ingestUrl)).toEqual([`rtmp://studio.example:${api.rtmpPort}/live`]);
    });

    it("reveals the key to the stream's owner on GET /api/streams/:id, and nowhere in the list", async () => {
      const res = keep(await alice.call('GET', `/api/streams/${stream.id}`));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(stream);
      const { streamKey: _, backupStreamKey: _backup, ...listed } = stream;
      expect((await alice.call('GET', '/api/streams')).body).toEqual([listed]);
    });

    it('shows owners and admins every stream, without the key of a stream that is not theirs', async () => {
      await bob.call('POST', '/api/streams', { name: 'Bob live' }).then(keep);
      for (const boss of [owner, admin]) {
        const list = streamSchema.array().parse((await boss.call('GET', '/api/streams')).body);
        expect(list.map((s) => s.name)).toEqual(['Main show', 'Bob live']);
        const one = await boss.call('GET', `/api/streams/${stream.id}`);
        expect(one.status).toBe(200);
        expect(one.body).toEqual({ ...stream, streamKey: null, backupStreamKey: null });
      }
      expect(streamSchema.array().parse((await bob.call('GET', '/api/streams')).body).map((s) => s.name)).toEqual(['Bob live']);
    });

    it("answers 404 for another member's stream, exactly as for one that does not exist", async () => {
      for (const id of [stream.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        for (const [method, path, json] of [
          ['GET', `/api/streams/${id}`],
          ['PATCH', `/api/streams/${id}`, { name: 'mine now' }],
          ['DELETE', `/api/streams/${id}`],
          ['POST', `/api/streams/${id}/rotate-key`],
        ] as const) {
          const res = await bob.call(method, path, json);
          expect(res.status, `${method} ${path}`).toBe(404);
          expect(res.body).toEqual(NO_STREAM);
        }
      }
    });

    it('validates bodies: required and bounded name, no client-chosen key, no unknown fields', async () => {
      expect((await alice.call('POST', '/api/streams', {})).body).toEqual(invalid({ path: 'name', message: 'Invalid input: expected string, received undefined' }));
      expect((await alice.call('POST', '/api/streams', { name: '   ' })).body).toEqual(invalid({ path: 'name', message: 'Give the stream a name' }));
      expect((await alice.call('POST', '/api/streams', { name: 'x'.repeat(101) })).body).toEqual(invalid({ path: 'name', message: 'Use at most 100 characters' }));
      const chosen = await alice.call('POST', '/api/streams', { name: 'x', streamKey: 'live_mine' });
      expect(chosen.status).toBe(400);
      expect(chosen.body).toEqual(invalid({ path: '(body)', message: 'Unrecognized key: "streamKey"' }));
      const settings = await alice.call('PATCH', `/api/streams/${stream.id}`, { settings: { nested: { no: true } } });
      expect(settings.status).toBe(400);
      expect(settings.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'settings.nested', message: expect.any(String) }] });
      const many = await alice.call('PATCH', `/api/streams/${stream.id}`, { settings: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) });
      expect(many.body).toEqual(invalid({ path: 'settings', message: 'Use at most 32 settings' }));
    });

    it('renames and stores settings with PATCH, answering without the key', async () => {
      const res = await alice.call('PATCH', `/api/streams/${stream.id}`, { name: 'Main', settings: { lowLatency: true, note: 'hi' } });
      expect(res.status).toBe(200);
      const { streamKey: _, backupStreamKey: _backup, ...withoutKey } = stream;
      expect(res.body).toEqual({ ...withoutKey, name: 'Main', settings: { lowLatency: true, note: 'hi' }, updatedAt: ISO });
      stream = { ...stream, name: 'Main' };
    });

    it('rotates the key: the old one stops matching at once; an admin rotating gets no key', async () => {
      const old = stream.streamKey!;
      const res = keep(await alice.call('POST', `/api/streams/${stream.id}/rotate-key`));
      expect(res.status).toBe(200);
      const rotated = streamDetailSchema.parse(res.body);
      expect(rotated.streamKey).toMatch(STREAM_KEY);
      expect(rotated.streamKey).not.toBe(old);
      expect(await prisma.client.stream.findUnique({ where: { keyHash: secrets.lookupHash(old) } })).toBeNull();
      expect((await prisma.client.stream.findUniqueOrThrow({ where: { keyHash: secrets.lookupHash(rotated.streamKey!) } })).id).toBe(stream.id);
      const byAdmin = await admin.call('POST', `/api/streams/${stream.id}/rotate-key`);
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body).toMatchObject({ id: stream.id, streamKey: null });
      stream = streamDetailSchema.parse(keep(await alice.call('GET', `/api/streams/${stream.id}`)).body);
      expect(stream.streamKey).not.toBe(rotated.streamKey);
    });

    it('deletes a stream with its destinations (204), after which it is 404', async () => {
      const doomed = streamDetailSchema.parse(keep(await alice.call('POST', '/api/streams', { name: 'Doomed' })).body);
      await alice.call('POST', `/api/streams/${doomed.id}/destinations`, { name: 'YT', platform: 'youtube', streamKey: destinationKey('doomed') });
      endStream.mockClear();
      const res = await alice.call('DELETE', `/api/streams/${doomed.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(endStream).toHaveBeenCalledExactlyOnceWith(doomed.id, 'stream deleted');
      expect((await alice.call('GET', `/api/streams/${doomed.id}`)).status).toBe(404);
      expect(await prisma.client.destination.count({ where: { streamId: doomed.id } })).toBe(0);
    });
  });

  describe('destinations', () => {
    let streamId: string;
    let youtube: Destination;
    let youtubeKey: string;

    beforeAll(async () => {
      streamId = streamSchema.array().parse((await alice.call('GET', '/api/streams')).body)[0]!.id;
    });

    it("creates a destination on the platform's server, answering the key masked, and applies it live", async () => {
      youtubeKey = destinationKey('yt');
      refreshDestinations.mockClear();
      const res = await alice.call('POST', `/api/streams/${streamId}/destinations`, { name: 'YouTube', platform: 'youtube', streamKey: youtubeKey, enabled: true });
      expect(res.status).toBe(201);
      youtube = destinationSchema.parse(res.body);
      expect(res.body).toEqual({
        id: expect.any(String),
        streamId,
        name: 'YouTube',
        platform: 'youtube',
        url: 'rtmps://a.rtmps.youtube.com/live2',
        streamKeyMasked: `••••••••${youtubeKey.slice(-4)}`,
        enabled: true,
        warnings: [],
        createdAt: ISO,
        updatedAt: ISO,
      });
      expect(refreshDestinations).toHaveBeenCalledExactlyOnceWith(streamId);
      const row = await prisma.client.destination.findUniqueOrThrow({ where: { id: youtube.id }, omit: { keyCiphertext: false } });
      expect(secrets.decrypt(row.keyCiphertext)).toBe(youtubeKey);
    });

    it('takes a custom server URL, fully masks a short key, and defaults enabled to true', async () => {
      const short = destinationKey('s').slice(0, 11);
      destinationKeys.push(short);
      const res = await alice.call('POST', `/api/streams/${streamId}/destinations`, { name: 'Relay', platform: 'custom', url: 'rtmp://relay.example:1935/live', streamKey: short });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ platform: 'custom', url: 'rtmp://relay.example:1935/live', streamKeyMasked: '••••••••', enabled: true });
    });

    it('lists destinations in order, keys masked', async () => {
      const res = await alice.call('GET', `/api/streams/${streamId}/destinations`);
      expect(res.status).toBe(200);
      expect(destinationSchema.array().parse(res.body).map((d) => [d.name, d.streamKeyMasked])).toEqual([
        ['YouTube', `••••••••${youtubeKey.slice(-4)}`],
        ['Relay', '••••••••'],
      ]);
    });

    it('validates the platform, URL and key, naming each field', async () => {
      const post = (json: unknown) => alice.call('POST', `/api/streams/${streamId}/destinations`, json);
      expect((await post({ name: 'C', platform: 'custom', streamKey: destinationKey('c') })).body).toEqual(invalid({ path: 'url', message: 'Enter the server URL for this platform' }));
      expect((await post({ name: 'L', platform: 'linkedin', streamKey: destinationKey('l') })).body).toEqual(invalid({ path: 'url', message: 'Enter the server URL for this platform' }));
      for (const url of ['https://example.com/live', 'rtmp://', 'rtmp:///app', 'file:///etc/passwd', `rtmp://h/${'a'.repeat(2048)}`]) {
        const res = await post({ name: 'C', platform: 'custom', url, streamKey: destinationKey('u') });
        expect(res.status, url).toBe(400);
        expect((res.body as { errors: { path: string }[] }).errors.map((e) => e.path), url).toEqual(['url']);
      }
      const spaced = `has spaces ${destinationKey('sp')}`;
      destinationKeys.push(spaced);
      expect((await post({ name: 'K', platform: 'twitch', streamKey: spaced })).body).toEqual(invalid({ path: 'streamKey', message: 'Paste the key exactly as the platform shows it' }));
      expect((await post({ name: 'K', platform: 'twitch', streamKey: 'k'.repeat(513) })).body).toEqual(invalid({ path: 'streamKey', message: 'Use at most 512 characters' }));
      expect((await post({ name: 'K', platform: 'twitch', streamKey: '••••••••1a2b' })).body).toEqual(invalid({ path: 'streamKey', message: 'Paste the key exactly as the platform shows it' }));
      const platform = await post({ name: 'M', platform: 'myspace', streamKey: destinationKey('m') });
      expect(platform.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'platform', message: expect.stringContaining('youtube') }] });
      const extra = await post({ name: 'M', platform: 'twitch', streamKey: destinationKey('x'), options: {} });
      expect(extra.body).toEqual(invalid({ path: '(body)', message: 'Unrecognized key: "options"' }));
      expect((await alice.call('PATCH', `/api/destinations/${youtube.id}`, { url: 'http://nope.example/x' })).status).toBe(400);
    });

    it('updates any field, keeps the key when it is left out, and applies it live', async () => {
      refreshDestinations.mockClear();
      const res = await alice.call('PATCH', `/api/destinations/${youtube.id}`, { name: 'YouTube main', enabled: false });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...youtube, name: 'YouTube main', enabled: false, updatedAt: ISO });
      expect(refreshDestinations).toHaveBeenCalledExactlyOnceWith(streamId);
      const row = await prisma.client.destination.findUniqueOrThrow({ where: { id: youtube.id }, omit: { keyCiphertext: false } });
      expect(secrets.decrypt(row.keyCiphertext)).toBe(youtubeKey);
      const newKey = destinationKey('yt2');
      const rekeyed = await alice.call('PATCH', `/api/destinations/${youtube.id}`, { streamKey: newKey, url: 'rtmps://b.rtmps.youtube.com/live2?backup=1' });
      expect(rekeyed.body).toMatchObject({ streamKeyMasked: `••••••••${newKey.slice(-4)}`, url: 'rtmps://b.rtmps.youtube.com/live2?backup=1' });
    });

    it("answers 404 for another member's stream and destinations, and lets admins manage them", async () => {
      const create = { name: 'X', platform: 'twitch', streamKey: destinationKey('bob') };
      for (const [method, path, json, body] of [
        ['GET', `/api/streams/${streamId}/destinations`, undefined, NO_STREAM],
        ['POST', `/api/streams/${streamId}/destinations`, create, NO_STREAM],
        ['PATCH', `/api/destinations/${youtube.id}`, { enabled: true }, NO_DESTINATION],
        ['DELETE', `/api/destinations/${youtube.id}`, undefined, NO_DESTINATION],
        ['PATCH', '/api/destinations/00000000-0000-4000-8000-000000000000', { enabled: true }, NO_DESTINATION],
      ] as const) {
        const res = await bob.call(method, path, json);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body).toEqual(body);
      }
      expect((await admin.call('GET', `/api/streams/${streamId}/destinations`)).status).toBe(200);
      expect((await owner.call('PATCH', `/api/destinations/${youtube.id}`, { enabled: true })).body).toMatchObject({ enabled: true });
    });

    it('reads a destination added to a stream deleted meanwhile as "no such stream" (foreign key)', async () => {
      const repository = api.app.get(DestinationsRepository);
      const data = { streamId: '00000000-0000-4000-8000-000000000000', name: 'Late', platform: 'twitch', url: 'rtmp://live.twitch.tv/app', keyCiphertext: 'v1.a.b.c', enabled: true };
      expect(await repository.create(data, 20)).toBeNull();
    });

    it('deletes a destination (204) and applies it live', async () => {
      refreshDestinations.mockClear();
      const res = await alice.call('DELETE', `/api/destinations/${youtube.id}`);
      expect(res.status).toBe(204);
      expect(refreshDestinations).toHaveBeenCalledExactlyOnceWith(streamId);
      expect((await alice.call('DELETE', `/api/destinations/${youtube.id}`)).body).toEqual(NO_DESTINATION);
    });
  });

  describe('users', () => {
    it('lists every account for owners and admins, and refuses members with 403', async () => {
      for (const boss of [owner, admin]) {
        const res = await boss.call('GET', '/api/users');
        expect(res.status).toBe(200);
        expect(userSchema.array().parse(res.body).map((u) => [u.email, u.role])).toEqual([
          ['owner@example.com', 'owner'],
          ['admin@example.com', 'admin'],
          ['alice@example.com', 'member'],
          ['bob@example.com', 'member'],
        ]);
      }
      const res = await alice.call('GET', '/api/users');
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it('creates a member by default, lower-cases the email, and refuses a taken one with 409 EMAIL_TAKEN', async () => {
      const res = await admin.call('POST', '/api/users', { email: 'Carol@Example.com', password: 'carol password 1' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), email: 'carol@example.com', role: 'member', createdAt: ISO });
      const again = await owner.call('POST', '/api/users', { email: 'carol@example.com', password: 'carol password 2', role: 'admin' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ code: 'EMAIL_TAKEN', message: 'An account with that email already exists.' });
    });

    it('validates the body', async () => {
      expect((await owner.call('POST', '/api/users', { email: 'x', password: 'short', role: 'root' })).body).toEqual(
        invalid(
          { path: 'email', message: 'Enter a valid email address' },
          { path: 'password', message: 'Use at least 10 characters' },
          { path: 'role', message: 'Invalid option: expected one of "owner"|"admin"|"member"' },
        ),
      );
      expect((await owner.call('PATCH', `/api/users/${alice.user.id}`, { email: 'new@example.com' })).body).toEqual(invalid({ path: '(body)', message: 'Unrecognized key: "email"' }));
    });

    it('keeps owners to owners: an admin cannot create, promote to, change or delete an owner (403)', async () => {
      const cases = [
        [admin.call('POST', '/api/users', { email: 'boss@example.com', password: 'boss password 1', role: 'owner' }), 'Only an owner can create an owner.'],
        [admin.call('PATCH', `/api/users/${alice.user.id}`, { role: 'owner' }), 'Only an owner can make someone an owner.'],
        [admin.call('PATCH', `/api/users/${owner.user.id}`, { password: 'hijack password 1' }), 'Only an owner can change an owner.'],
        [admin.call('DELETE', `/api/users/${owner.user.id}`), 'Only an owner can delete an owner.'],
      ] as const;
      for (const [pending, message] of cases) {
        const res = await pending;
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ code: 'FORBIDDEN', message });
      }
    });

    it('refuses to demote the last owner or to delete yourself (409 with a code)', async () => {
      const demote = await owner.call('PATCH', `/api/users/${owner.user.id}`, { role: 'admin' });
      expect(demote.status).toBe(409);
      expect(demote.body).toEqual({ code: 'LAST_OWNER', message: 'Fanout needs at least one owner. Make someone else an owner first.' });
      for (const self of [owner, admin]) {
        const res = await self.call('DELETE', `/api/users/${self.user.id}`);
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ code: 'CANNOT_DELETE_SELF', message: 'You cannot delete your own account.' });
      }
      expect((await owner.call('PATCH', `/api/users/${owner.user.id}`, { role: 'owner' })).status).toBe(200);
    });

    it("signs a user out everywhere when their password changes; a role change takes effect at once", async () => {
      const second = await signIn(client, 'bob@example.com', bob.password);
      const res = await admin.call('PATCH', `/api/users/${bob.user.id}`, { password: 'bob new password 9' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(bob.user);
      for (const session of [bob, second]) expect((await session.call('GET', '/api/auth/me')).status).toBe(401);
      const old = await client.request('POST', '/api/auth/login', { json: { email: 'bob@example.com', password: bob.password }, headers: fromNewAddress() });
      expect(old.status).toBe(401);
      bob = await signIn(client, 'bob@example.com', 'bob new password 9');
      expect((await admin.call('PATCH', `/api/users/${bob.user.id}`, { role: 'admin' })).body).toMatchObject({ role: 'admin' });
      expect((await bob.call('GET', '/api/users')).status).toBe(200);
      expect((await admin.call('PATCH', `/api/users/${bob.user.id}`, { role: 'member' })).body).toMatchObject({ role: 'member' });
      expect((await bob.call('GET', '/api/users')).status).toBe(403);
    });

    it('deletes a user with their streams (204); unknown ids are 404', async () => {
      const dave = await owner.call('POST', '/api/users', { email: 'dave@example.com', password: 'dave password 1', role: 'member' });
      const daveId = userSchema.parse(dave.body).id;
      const signedIn = await signIn(client, 'dave@example.com', 'dave password 1');
      const daveStream = streamDetailSchema.parse(keep(await signedIn.call('POST', '/api/streams', { name: 'Dave' })).body);
      endStream.mockClear();
      const res = await admin.call('DELETE', `/api/users/${daveId}`);
      expect(res.status).toBe(204);
      expect(endStream).toHaveBeenCalledExactlyOnceWith(daveStream.id, 'owner deleted');
      expect((await owner.call('GET', `/api/streams/${daveStream.id}`)).status).toBe(404);
      expect((await signedIn.call('GET', '/api/auth/me')).status).toBe(401);
      const again = await admin.call('DELETE', `/api/users/${daveId}`);
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ code: 'NOT_FOUND', message: 'No such user.' });
    });
  });

  describe('platforms', () => {
    it('lists the presets to any signed-in user, and to nobody else', async () => {
      const res = await bob.call('GET', '/api/platforms');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PLATFORM_PRESETS);
      expect((await client.request('GET', '/api/platforms')).status).toBe(401);
    });
  });

  describe('audit log', () => {
    let entries: AuditEntry[];

    it('pages through every mutation, newest first, for owners and admins', async () => {
      entries = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Exchange = await admin.call('GET', `/api/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        const page = auditPageSchema.parse(res.body);
        expect(page.entries.length).toBeLessThanOrEqual(7);
        entries.push(...page.entries);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBeGreaterThan(2);
      const times = entries.map((e) => e.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
      const all = auditPageSchema.parse((await owner.call('GET', '/api/audit?limit=100')).body);
      expect(all.entries).toEqual(entries);
      expect(all.nextCursor).toBeNull();
    });

    it('records who did what to which resource', () => {
      const actions = new Set(entries.map((e) => e.action));
      for (const action of ['stream.create', 'stream.update', 'stream.delete', 'stream.rotate-key', 'destination.create', 'destination.update', 'destination.delete', 'user.create', 'user.update', 'user.delete']) {
        expect(actions, action).toContain(action);
      }
      const rotation = entries.find((e) => e.action === 'stream.rotate-key' && e.actor?.id === admin.user.id);
      expect(rotation).toEqual({ id: expect.any(String), actor: { id: admin.user.id, email: 'admin@example.com' }, action: 'stream.rotate-key', targetType: 'stream', targetId: expect.any(String), metadata: { name: 'Main' }, createdAt: ISO });
      const passwordChange = entries.find((e) => e.action === 'user.update' && e.targetId === bob.user.id && (e.metadata.changed as string[]).includes('password'));
      expect(passwordChange?.metadata).toEqual({ email: 'bob@example.com', role: 'member', changed: ['password'] });
    });

    it('keeps entries of deleted users with the actor cleared', async () => {
      const dave = entries.find((e) => e.action === 'stream.create' && e.metadata.name === 'Dave');
      expect(dave?.actor).toBeNull();
    });

    it('validates the query and refuses members', async () => {
      expect((await owner.call('GET', '/api/audit?limit=0')).body).toEqual(invalid({ path: 'limit', message: 'Use at least 1' }));
      expect((await owner.call('GET', '/api/audit?limit=101')).body).toEqual(invalid({ path: 'limit', message: 'Use at most 100' }));
      expect((await owner.call('GET', '/api/audit?cursor=abc')).body).toEqual(invalid({ path: 'cursor', message: 'Use the nextCursor of the previous page' }));
      expect((await owner.call('GET', '/api/audit?page=2')).body).toEqual(invalid({ path: '(body)', message: 'Unrecognized key: "page"' }));
      expect((await alice.call('GET', '/api/audit')).body).toEqual(FORBIDDEN);
    });
  });

  describe('secrets', () => {
    const allowed = (e: Exchange) =>
      (e.method === 'POST' && e.path === '/api/streams' && e.status === 201) ||
      (e.method === 'GET' && /^\/api\/streams\/[^/]+$/.test(e.path) && e.status === 200) ||
      (e.method === 'POST' && /^\/api\/streams\/[^/]+\/rotate-key$/.test(e.path) && e.status === 200);

    it('shows stream keys only in the create, get and rotate answers to their owner', () => {
      expect(streamKeys.length).toBeGreaterThanOrEqual(6);
      for (const key of streamKeys) {
        const showing = client.exchanges.filter((e) => e.text.includes(key));
        expect(showing.length).toBeGreaterThan(0);
        for (const e of showing) expect(allowed(e), `${e.method} ${e.path}`).toBe(true);
      }
    });

    it('never puts a stream key or a destination key in a log line, nor a destination key in any answer', () => {
      expect(destinationKeys.length).toBeGreaterThan(10);
      const logs = api.logs.join('\n');
      const bodies = client.exchanges.map((e) => e.text).join('\n');
      for (const key of streamKeys) expect(logs).not.toContain(key);
      for (const key of destinationKeys) {
        expect(logs).not.toContain(key);
        expect(bodies).not.toContain(key);
      }
      expect(logs).not.toMatch(/live_[A-Za-z0-9_-]{32}/);
    });
  });
});

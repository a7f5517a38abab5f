import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { Secrets } from '../crypto/secrets';
import type { LiveControl } from '../ingest/live-control';
import type { DestinationRow, DestinationsRepository } from './destinations.repository';
import { DestinationsService } from './destinations.service';
import { maskKey } from './mask';

const user = (id: string, role: User['role']): User => ({ id, email: `${id}@example.com`, role, createdAt: '2026-01-01T00:00:00.000Z' });
const ALICE = user('alice', 'member');
const BOB = user('bob', 'member');
const ADMIN = user('admin', 'admin');
const T0 = new Date('2026-11-21T12:00:00.000Z');
const STREAM = { id: randomUUID(), ownerId: 'alice' };
const OWNED = { id: randomUUID(), ownerId: 'owner' };
const KEY = 'abcd-efgh-ijkl-1a2b';

function setup(options: { ingestFails?: boolean; max?: number; allowPrivate?: boolean } = {}) {
  const secrets = new Secrets(randomBytes(32));
  const rows = new Map<string, DestinationRow>();
  const refreshed: string[] = [];
  const audits: unknown[][] = [];
  const ownerOf = (streamId: string) =>
    streamId === STREAM.id ? { ownerId: STREAM.ownerId, ownerRole: 'member' as const } : streamId === OWNED.id ? { ownerId: OWNED.ownerId, ownerRole: 'owner' as const } : null;
  const repository = strictFake<DestinationsRepository>('DestinationsRepository', {
    async streamOwner(streamId) {
      return ownerOf(streamId);
    },
    async listForStream(streamId) {
      return [...rows.values()].filter((r) => r.streamId === streamId);
    },
    async find(id) {
      const row = rows.get(id);
      return row ? { ...row, stream: ownerOf(row.streamId)! } : null;
    },
    async create(data, max) {
      if ([...rows.values()].filter((r) => r.streamId === data.streamId).length >= max) return 'limit';
      const row = { id: randomUUID(), ...data, createdAt: T0, updatedAt: T0 };
      rows.set(row.id, row);
      return row;
    },
    async update(id, data) {
      const row = rows.get(id);
      if (!row) return null;
      Object.assign(row, data);
      return { ...row };
    },
    async delete(id) {
      return rows.delete(id);
    },
  });
  const ingest = strictFake<LiveControl>('LiveControl', {
    async refreshDestinations(streamId) {
      refreshed.push(streamId);
      if (options.ingestFails) throw new Error('engine busy');
    },
  });
  const audit = strictFake<AuditService>('AuditService', {
    async record(...args) {
      audits.push(args);
    },
  });
  const { logger, text } = capturedLogger();
  const config = { ALLOW_PRIVATE_DESTINATIONS: options.allowPrivate ?? false, MAX_DESTINATIONS_PER_STREAM: options.max ?? 20 };
  const service = new DestinationsService(repository, secrets, ingest, audit, config, logger);
  const youtube = () => service.create(ALICE, STREAM.id, { name: 'YouTube', platform: 'youtube', streamKey: KEY, enabled: true });
  return { service, rows, refreshed, audits, secrets, logs: text, youtube };
}

describe('maskKey', () => {
  it('shows 8 bullets and the last 4 characters, or only bullets below 12 characters', () => {
    expect(maskKey('abcd-efgh-ijkl-1a2b')).toBe('••••••••1a2b');
    expect(maskKey('123456789012')).toBe('••••••••9012');
    expect(maskKey('12345678901')).toBe('••••••••');
    expect(maskKey('x')).toBe('••••••••');
  });
});

describe('DestinationsService', () => {
  it("creates a destination with the platform's server URL, the key encrypted, and answers it masked", async () => {
    const { rows, secrets, refreshed, audits, youtube } = setup();
    const created = await youtube();
    expect(created).toEqual({
      id: expect.any(String),
      streamId: STREAM.id,
      name: 'YouTube',
      platform: 'youtube',
      url: 'rtmps://a.rtmps.youtube.com/live2',
      streamKeyMasked: '••••••••1a2b',
      enabled: true,
      warnings: [],
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    const row = rows.get(created.id)!;
    expect(secrets.decrypt(row.keyCiphertext)).toBe(KEY);
    expect(JSON.stringify(row)).not.toContain(KEY);
    expect(refreshed).toEqual([STREAM.id]);
    expect(audits).toEqual([[ALICE, 'destination.create', { type: 'destination', id: created.id }, { streamId: STREAM.id, name: 'YouTube', platform: 'youtube', enabled: true }]]);
  });

  it('keeps a URL the user gives, and requires one for platforms without a server (custom, LinkedIn)', async () => {
    const { service, refreshed } = setup();
    const twitch = await service.create(ALICE, STREAM.id, { name: 'T', platform: 'twitch', url: 'rtmp://fra05.contribute.live-video.net/app', streamKey: KEY, enabled: false });
    expect(twitch).toMatchObject({ url: 'rtmp://fra05.contribute.live-video.net/app', enabled: false });
    for (const platform of ['custom', 'linkedin'] as const) {
      await expect(service.create(ALICE, STREAM.id, { name: 'C', platform, streamKey: KEY, enabled: true })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'url', message: 'Use an rtmp:// or rtmps:// URL with a server name' }],
      });
    }
    for (const url of ['http://example.com/live', 'rtmp://', 'rtmps:///app', 'rtmp://host/app key', 'not a url']) {
      await expect(service.create(ALICE, STREAM.id, { name: 'C', platform: 'custom', url, streamKey: KEY, enabled: true }), url).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(refreshed).toEqual([STREAM.id]);
  });

  it('lists destinations masked, without any key material', async () => {
    const { service, youtube } = setup();
    await youtube();
    await service.create(ALICE, STREAM.id, { name: 'Short', platform: 'custom', url: 'rtmp://relay.local/live', streamKey: 'short', enabled: true });
    const list = await service.list(ALICE, STREAM.id);
    expect(list.map((d) => d.streamKeyMasked)).toEqual(['••••••••1a2b', '••••••••']);
    expect(JSON.stringify(list)).not.toContain('efgh');
    expect(JSON.stringify(list)).not.toContain('short');
  });

  it('updates any field, keeps the key when none is sent, and tells the live stream', async () => {
    const { service, rows, secrets, refreshed, audits, youtube } = setup();
    const created = await youtube();
    refreshed.length = 0;
    const renamed = await service.update(ALICE, created.id, { name: 'YT', enabled: false });
    expect(renamed).toMatchObject({ name: 'YT', enabled: false, streamKeyMasked: '••••••••1a2b', url: 'rtmps://a.rtmps.youtube.com/live2' });
    expect(secrets.decrypt(rows.get(created.id)!.keyCiphertext)).toBe(KEY);
    const rekeyed = await service.update(ALICE, created.id, { streamKey: 'new-key-0000-9z9z' });
    expect(rekeyed.streamKeyMasked).toBe('••••••••9z9z');
    expect(secrets.decrypt(rows.get(created.id)!.keyCiphertext)).toBe('new-key-0000-9z9z');
    expect(refreshed).toEqual([STREAM.id, STREAM.id]);
    expect(audits.slice(1).map((a) => a[3])).toEqual([
      { streamId: STREAM.id, name: 'YT', changed: ['name', 'enabled'] },
      { streamId: STREAM.id, name: 'YT', changed: ['streamKey'] },
    ]);
  });

  it("moves to the new platform's server when the platform changes without a URL, else keeps the URL", async () => {
    const { service, youtube } = setup();
    const created = await youtube();
    expect((await service.update(ALICE, created.id, { platform: 'twitch', streamKey: KEY })).url).toBe('rtmp://live.twitch.tv/app');
    expect((await service.update(ALICE, created.id, { platform: 'custom' })).url).toBe('rtmp://live.twitch.tv/app');
    expect((await service.update(ALICE, created.id, { url: 'rtmps://relay.example:4443/in', streamKey: KEY })).url).toBe('rtmps://relay.example:4443/in');
    await expect(service.update(ALICE, created.id, { url: 'https://relay.example/in' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('treats an empty change as a read: no write, no refresh, no audit', async () => {
    const { service, refreshed, audits, youtube } = setup();
    const created = await youtube();
    expect(await service.update(ALICE, created.id, {})).toEqual(created);
    expect(refreshed).toHaveLength(1);
    expect(audits).toHaveLength(1);
  });

  it('deletes a destination and tells the live stream', async () => {
    const { service, rows, refreshed, audits, youtube } = setup();
    const created = await youtube();
    await service.remove(ADMIN, created.id);
    expect(rows.size).toBe(0);
    expect(refreshed).toEqual([STREAM.id, STREAM.id]);
    expect(audits.at(-1)).toEqual([ADMIN, 'destination.delete', { type: 'destination', id: created.id }, { streamId: STREAM.id, name: 'YouTube', platform: 'youtube' }]);
  });

  it("answers NOT_FOUND to another member for the stream and its destinations; admins manage them", async () => {
    const { service, refreshed, youtube } = setup();
    const created = await youtube();
    const input = { name: 'X', platform: 'twitch' as const, streamKey: KEY, enabled: true };
    await expect(service.list(BOB, STREAM.id)).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such stream.' });
    await expect(service.create(BOB, STREAM.id, input)).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such stream.' });
    await expect(service.list(ALICE, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.update(BOB, created.id, { enabled: false })).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such destination.' });
    await expect(service.remove(BOB, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such destination.' });
    await expect(service.remove(ALICE, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(refreshed).toHaveLength(1);
    expect(await service.list(ADMIN, STREAM.id)).toHaveLength(1);
    expect((await service.update(ADMIN, created.id, { enabled: false })).enabled).toBe(false);
  });

  it('still saves when the live stream cannot take the change, and logs that without the key', async () => {
    const { rows, refreshed, audits, logs, youtube } = setup({ ingestFails: true });
    const created = await youtube();
    expect(rows.has(created.id)).toBe(true);
    expect(refreshed).toEqual([STREAM.id]);
    expect(audits).toHaveLength(1);
    expect(logs()).toContain('could not apply the change to the live stream');
    expect(logs()).not.toContain(KEY);
  });

  /** Literal forms of non-public hosts, as a member might type them. */
  const PRIVATE_URLS = ['rtmp://169.254.169.254/live', 'rtmp://10.0.0.1/live', 'rtmp://[::1]:5432/live', 'rtmp://2130706433:22/live', 'rtmp://0x7f000001/live', 'rtmp://127.1/live', 'rtmp://localhost:6379/live', 'rtmp://[::ffff:127.0.0.1]/live', 'rtmp://0/live'];

  it("refuses every literal private, loopback, link-local or metadata host on a member's stream, on create and on edit", async () => {
    const { service, rows, youtube } = setup();
    const created = await youtube();
    for (const url of PRIVATE_URLS) {
      await expect(service.create(ALICE, STREAM.id, { name: 'Probe', platform: 'custom', url, streamKey: KEY, enabled: true }), url).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'url', message: expect.stringMatching(/^This server is not allowed: .* is an? .*; only streams of owners and admins may send to private addresses$/) }],
      });
      await expect(service.update(ALICE, created.id, { url, streamKey: KEY }), url).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      // Not even an admin may point a member's stream there: the stream owner's role decides.
      await expect(service.update(ADMIN, created.id, { url, streamKey: KEY }), url).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(rows.size).toBe(1);
  });

  it("allows them on an owner's stream, and with ALLOW_PRIVATE_DESTINATIONS on a member's, with a warning", async () => {
    const { service } = setup();
    const owner = user('owner', 'owner');
    for (const url of PRIVATE_URLS) {
      const created = await service.create(owner, OWNED.id, { name: 'LAN', platform: 'custom', url, streamKey: KEY, enabled: true });
      expect(created.warnings, url).toEqual([expect.stringMatching(/ is an? .*: Fanout connects to it from inside its own network\.$/)]);
    }
    const open = setup({ allowPrivate: true });
    expect((await open.service.create(ALICE, STREAM.id, { name: 'LAN', platform: 'custom', url: 'rtmp://192.168.1.20/live', streamKey: KEY, enabled: true })).warnings).toEqual([
      '192.168.1.20 is a private network address: Fanout connects to it from inside its own network.',
    ]);
  });

  it('caps destinations per stream at MAX_DESTINATIONS_PER_STREAM with 409 LIMIT_REACHED', async () => {
    const { service, rows } = setup({ max: 2 });
    for (let i = 0; i < 2; i++) await service.create(ALICE, STREAM.id, { name: `D${i}`, platform: 'twitch', streamKey: KEY, enabled: true });
    await expect(service.create(ALICE, STREAM.id, { name: 'D3', platform: 'twitch', streamKey: KEY, enabled: true })).rejects.toMatchObject({
      code: 'LIMIT_REACHED',
      userMessage: 'A stream can have at most 2 destinations.',
    });
    expect(rows.size).toBe(2);
  });

  it('needs the key again to change the server (scheme, host or port), and audits the old and new host', async () => {
    const { service, rows, secrets, audits, youtube } = setup();
    const created = await youtube();
    for (const url of ['rtmps://attacker.example/live2', 'rtmps://a.rtmps.youtube.com:8443/live2', 'rtmp://a.rtmps.youtube.com/live2']) {
      await expect(service.update(ADMIN, created.id, { url }), url).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'streamKey', message: 'Enter the stream key again: the server changed' }],
      });
    }
    await expect(service.update(ALICE, created.id, { platform: 'twitch' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(rows.get(created.id)!.url).toBe('rtmps://a.rtmps.youtube.com/live2');
    // Same server, another app path: the key stays.
    expect((await service.update(ALICE, created.id, { url: 'rtmps://A.RTMPS.YOUTUBE.COM:443/live2?backup=1' })).streamKeyMasked).toBe('••••••••1a2b');
    await service.update(ALICE, created.id, { url: 'rtmps://relay.example/in', streamKey: 'fresh-key-0000-7x7x' });
    expect(secrets.decrypt(rows.get(created.id)!.keyCiphertext)).toBe('fresh-key-0000-7x7x');
    expect(audits.at(-1)![3]).toEqual({ streamId: STREAM.id, name: 'YouTube', changed: ['streamKey', 'url'], previousHost: 'a.rtmps.youtube.com:443', host: 'relay.example:443' });
  });
});

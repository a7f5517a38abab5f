import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { Secrets } from '../crypto/secrets';
import type { IngestService } from '../ingest/ingest.service';
import type { StreamRow, StreamsRepository } from '../streams/streams.repository';
import type { DestinationRow, DestinationsRepository } from './destinations.repository';
import { DestinationsService } from './destinations.service';
import { maskKey } from './mask';

const user = (id: string, role: User['role']): User => ({ id, email: `${id}@example.com`, role, createdAt: '2026-01-01T00:00:00.000Z' });
const ALICE = user('alice', 'member');
const BOB = user('bob', 'member');
const ADMIN = user('admin', 'admin');
const T0 = new Date('2026-11-21T12:00:00.000Z');
const STREAM: StreamRow = { id: randomUUID(), ownerId: 'alice', name: 'Main', settings: {}, createdAt: T0, updatedAt: T0 };
const KEY = 'abcd-efgh-ijkl-1a2b';

function setup(options: { ingestFails?: boolean } = {}) {
  const secrets = new Secrets(randomBytes(32));
  const rows = new Map<string, DestinationRow>();
  const refreshed: string[] = [];
  const audits: unknown[][] = [];
  const streams = strictFake<StreamsRepository>('StreamsRepository', {
    async find(id) {
      return id === STREAM.id ? STREAM : null;
    },
  });
  const repository = strictFake<DestinationsRepository>('DestinationsRepository', {
    async listForStream(streamId) {
      return [...rows.values()].filter((r) => r.streamId === streamId);
    },
    async find(id) {
      const row = rows.get(id);
      return row ? { ...row, stream: { ownerId: STREAM.ownerId } } : null;
    },
    async create(data) {
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
  const ingest = strictFake<IngestService>('IngestService', {
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
  const service = new DestinationsService(repository, streams, secrets, ingest, audit, logger);
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
    expect((await service.update(ALICE, created.id, { platform: 'twitch' })).url).toBe('rtmp://live.twitch.tv/app');
    expect((await service.update(ALICE, created.id, { platform: 'custom' })).url).toBe('rtmp://live.twitch.tv/app');
    expect((await service.update(ALICE, created.id, { url: 'rtmps://relay.example:4443/in' })).url).toBe('rtmps://relay.example:4443/in');
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
});

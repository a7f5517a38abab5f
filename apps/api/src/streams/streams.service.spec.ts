import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { Clock } from '../common/clock';
import { capturedLogger } from '../../test/support/logs';
import type { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import type { Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import type { LiveControl } from '../ingest/live-control';
import type { RecordingHost } from '../recordings/recording-host';
import type { InstanceSettingsService } from '../settings/instance-settings';
import { STREAM_KEY, StreamKeys } from './stream-keys';
import type { StreamRow, StreamsRepository } from './streams.repository';
import { StreamsService } from './streams.service';
import { StreamAccess } from './stream-access';
import type { EngineSettingsReader } from '../ingest/engine-settings';

const user = (id: string, role: User['role']): User => ({ id, email: `${id}@example.com`, role, createdAt: '2026-01-01T00:00:00.000Z' });
const ALICE = user('alice', 'member');
const BOB = user('bob', 'member');
const ADMIN = user('admin', 'admin');
const OWNER = user('owner', 'owner');
const T0 = new Date('2026-11-21T12:00:00.000Z');

type Stored = StreamRow & { keyHash: string; keyCiphertext: string; backupKeyHash: string | null; backupKeyCiphertext: string | null };

/** A stored row as the repository answers it: no key material. */
function view(row: Stored): StreamRow {
  const { keyHash: _h, keyCiphertext: _c, backupKeyHash: _bh, backupKeyCiphertext: _bc, ...rest } = row;
  return { ...rest };
}

function setup(config: Pick<Config, 'PUBLIC_HOST' | 'RTMP_PORT' | 'INGEST_GRACE_S'> = { PUBLIC_HOST: undefined, RTMP_PORT: 1935, INGEST_GRACE_S: 10 }) {
  const secrets = new Secrets(randomBytes(32));
  const rows = new Map<string, Stored>();
  const live: Array<['end' | 'drop' | 'record' | 'recordings deleted' | 'settings', string, string]> = [];
  const instanceSettings = { recordNewStreams: false };
  const audits: unknown[][] = [];
  const keys: string[] = [];
  const repository = strictFake<StreamsRepository>('StreamsRepository', {
    async list(ownerId) {
      return [...rows.values()].filter((r) => ownerId === undefined || r.ownerId === ownerId).map(view);
    },
    async find(id) {
      const row = rows.get(id);
      return row ? view(row) : null;
    },
    async findWithKey(id) {
      const row = rows.get(id);
      return row ? { ...view(row), keyCiphertext: row.keyCiphertext, backupKeyCiphertext: row.backupKeyCiphertext } : null;
    },
    async create(data) {
      const row: Stored = {
        id: randomUUID(),
        ...data,
        backupKeyHash: data.backupKeyHash ?? null,
        backupKeyCiphertext: data.backupKeyCiphertext ?? null,
        record: data.record ?? false,
        graceSeconds: null,
        slate: true,
        slateImage: null,
        settings: {},
        createdAt: T0,
        updatedAt: T0,
        keyRotatedAt: null,
        oldKeyAddress: null,
        oldKeySeenAt: null,
      };
      rows.set(row.id, row);
      return view(row);
    },
    async update(id, data) {
      const row = rows.get(id);
      if (!row) return null;
      for (const [field, value] of Object.entries(data)) if (value !== undefined) Object.assign(row, { [field]: value });
      return view(row);
    },
    async setKey(id, keyHash, keyCiphertext, at) {
      const row = rows.get(id);
      if (!row) return null;
      Object.assign(row, { keyHash, keyCiphertext, keyRotatedAt: at });
      return view(row);
    },
    async setBackupKey(id, backupKeyHash, backupKeyCiphertext) {
      const row = rows.get(id);
      if (!row) return null;
      Object.assign(row, { backupKeyHash, backupKeyCiphertext });
      return view(row);
    },
    async delete(id) {
      return rows.delete(id);
    },
  });
  const ingest = strictFake<LiveControl>('LiveControl', {
    async endStream(streamId, reason) {
      live.push(['end', streamId, reason]);
    },
    dropPublisher(streamId, reason, role = 'primary') {
      live.push(['drop', streamId, `${role}: ${reason}`]);
    },
    async refreshStreamSettings(streamId) {
      live.push(['settings', streamId, '']);
    },
  });
  const audit = strictFake<AuditService>('AuditService', {
    async record(...args) {
      audits.push(args);
    },
  });
  const streamKeys = new StreamKeys();
  const recordingKeys = strictFake<StreamKeys>('StreamKeys', {
    generate() {
      const key = streamKeys.generate();
      keys.push(key);
      return key;
    },
  });
  const recorder = strictFake<RecordingHost>('RecordingHost', {
    async setRecording(streamId, on) {
      live.push(['record', streamId, String(on)]);
    },
    async streamDeleted(streamId) {
      live.push(['recordings deleted', streamId, '']);
    },
  });
  const instance = strictFake<InstanceSettingsService>('InstanceSettingsService', {
    async get() {
      return { recordNewStreams: instanceSettings.recordNewStreams };
    },
  });
  const { logger, text } = capturedLogger();
  const engineSettings = { slateUnavailable: () => null } as unknown as EngineSettingsReader;
  const service = new StreamsService(repository, new StreamAccess(repository), secrets, recordingKeys, ingest, audit, recorder, instance, engineSettings, new FakeClock() as unknown as Clock, config, logger);
  return { service, rows, live, audits, keys, secrets, logs: text, instanceSettings };
}

describe('StreamsService', () => {
  it('creates a stream with a live_ key, stored only as lookup hash and ciphertext, and shows it once to its owner', async () => {
    const { service, rows, secrets, audits, keys } = setup();
    const created = await service.create(ALICE, { name: 'Main' }, 'fanout.example:3000');
    expect(created).toEqual({
      id: expect.any(String),
      ownerId: 'alice',
      name: 'Main',
      ingestUrl: 'rtmp://fanout.example:1935/live',
      settings: {},
      record: false,
      graceSeconds: null,
      effectiveGraceSeconds: 10,
      slate: true,
      slateImage: false,
      slateUnavailable: null,
      streamKey: keys[0],
      backupStreamKey: keys[1],
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      oldKeyInUse: null,
    });
    expect(created.streamKey).toMatch(STREAM_KEY);
    const row = rows.get(created.id)!;
    expect(row.keyHash).toBe(secrets.lookupHash(created.streamKey!));
    expect(secrets.decrypt(row.keyCiphertext)).toBe(created.streamKey);
    expect(JSON.stringify(row)).not.toContain(created.streamKey);
    expect(audits).toEqual([[ALICE, 'stream.create', { type: 'stream', id: created.id }, { name: 'Main' }]]);
  });

  it('generates a different 32-character random key every time', () => {
    const generated = new Set(Array.from({ length: 200 }, () => new StreamKeys().generate()));
    expect(generated.size).toBe(200);
    for (const key of generated) expect(key).toMatch(STREAM_KEY);
  });

  it('writes the ingest URL from PUBLIC_HOST, else the request host without its port', () => {
    expect(setup().service.ingestUrl('[::1]:3000')).toBe('rtmp://[::1]:1935/live');
    expect(setup().service.ingestUrl(undefined)).toBe('rtmp://localhost:1935/live');
    expect(setup({ PUBLIC_HOST: 'live.example.com', RTMP_PORT: 1940, INGEST_GRACE_S: 10 }).service.ingestUrl('10.0.0.5:3000')).toBe('rtmp://live.example.com:1940/live');
  });

  it('lists a member only their own streams, and every stream to owners and admins', async () => {
    const { service } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    const b = await service.create(BOB, { name: 'B' }, 'h');
    expect((await service.list(ALICE, 'h')).map((s) => s.id)).toEqual([a.id]);
    expect((await service.list(BOB, 'h')).map((s) => s.id)).toEqual([b.id]);
    for (const boss of [ADMIN, OWNER]) expect((await service.list(boss, 'h')).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(JSON.stringify(await service.list(OWNER, 'h'))).not.toContain('live_');
  });

  it("reveals the key to the stream's owner only; an admin or owner sees the stream with streamKey null", async () => {
    const { service } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    expect((await service.get(ALICE, a.id, 'h')).streamKey).toBe(a.streamKey);
    expect((await service.get(ADMIN, a.id, 'h')).streamKey).toBeNull();
    expect((await service.get(OWNER, a.id, 'h')).streamKey).toBeNull();
  });

  it("answers NOT_FOUND for another member's stream, an unknown id and a malformed id, on every operation", async () => {
    const { service, live, audits } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    audits.length = 0;
    for (const id of [a.id, randomUUID(), 'not-a-uuid']) {
      for (const call of [
        () => service.get(BOB, id, 'h'),
        () => service.update(BOB, id, { name: 'x' }, 'h'),
        () => service.remove(BOB, id),
        () => service.rotateKey(BOB, id, 'h'),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND', userMessage: 'No such stream.' });
      }
    }
    expect(live).toEqual([]);
    expect(audits).toEqual([]);
    expect((await service.get(ALICE, a.id, 'h')).name).toBe('A');
  });

  it('updates name and settings, audits the changed fields, and treats an empty change as a read', async () => {
    const { service, audits } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    audits.length = 0;
    const updated = await service.update(ALICE, a.id, { name: 'Renamed', settings: { lowLatency: true } }, 'h');
    expect(updated).toMatchObject({ name: 'Renamed', settings: { lowLatency: true } });
    expect(updated).not.toHaveProperty('streamKey');
    expect(await service.update(ALICE, a.id, {}, 'h')).toEqual(updated);
    expect(audits).toEqual([[ALICE, 'stream.update', { type: 'stream', id: a.id }, { name: 'Renamed', changed: ['name', 'settings'] }]]);
  });

  it('rotates the key: the old lookup hash no longer matches, a live encoder is disconnected, the new key is shown to the owner only', async () => {
    const { service, rows, secrets, audits, live } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    const rotated = await service.rotateKey(ALICE, a.id, 'h');
    expect(rotated.streamKey).toMatch(STREAM_KEY);
    expect(rotated.streamKey).not.toBe(a.streamKey);
    expect(rows.get(a.id)!.keyHash).toBe(secrets.lookupHash(rotated.streamKey!));
    expect(rows.get(a.id)!.keyHash).not.toBe(secrets.lookupHash(a.streamKey!));
    const byAdmin = await service.rotateKey(ADMIN, a.id, 'h');
    expect(byAdmin.streamKey).toBeNull();
    expect(secrets.decrypt(rows.get(a.id)!.keyCiphertext)).not.toBe(rotated.streamKey);
    expect(audits.slice(1).map((a) => a[1])).toEqual(['stream.rotate-key', 'stream.rotate-key']);
    expect(live).toEqual([
      ['drop', a.id, 'primary: stream key rotated'],
      ['drop', a.id, 'primary: stream key rotated'],
    ]);
  });

  it('deletes a stream and tells the ingest, so a live stream ends at once, then deletes its recordings', async () => {
    const { service, rows, live, audits } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    await service.remove(ADMIN, a.id);
    expect(rows.size).toBe(0);
    expect(live).toEqual([
      ['end', a.id, 'stream deleted'],
      ['recordings deleted', a.id, ''],
    ]);
    expect(audits.at(-1)).toEqual([ADMIN, 'stream.delete', { type: 'stream', id: a.id }, { name: 'A' }]);
  });

  it('starts new streams recording when the owners said so, and applies "Record broadcasts" to a live stream', async () => {
    const { service, live, instanceSettings } = setup();
    const off = await service.create(ALICE, { name: 'Off' }, 'h');
    instanceSettings.recordNewStreams = true;
    const on = await service.create(ALICE, { name: 'On' }, 'h');
    expect([off.record, on.record]).toEqual([false, true]);
    expect((await service.update(ALICE, off.id, { record: true }, 'h')).record).toBe(true);
    await service.update(ALICE, off.id, { record: true }, 'h'); // unchanged: nothing to apply
    await service.update(ALICE, on.id, { record: false }, 'h');
    expect(live).toEqual([
      ['record', off.id, 'true'],
      ['record', on.id, 'false'],
    ]);
  });

  it('gives every stream a backup key, shown to its owner only, rotated alone, and applies slate changes to a live stream', async () => {
    const { service, live, rows, secrets } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    expect(a.backupStreamKey).toMatch(STREAM_KEY);
    expect(a.backupStreamKey).not.toBe(a.streamKey);
    expect(rows.get(a.id)!.backupKeyHash).toBe(secrets.lookupHash(a.backupStreamKey!));
    expect((await service.get(ADMIN, a.id, 'h')).backupStreamKey).toBeNull();
    const rotated = await service.rotateBackupKey(ALICE, a.id, 'h');
    expect(rotated.backupStreamKey).not.toBe(a.backupStreamKey);
    expect(rotated.streamKey).toBe(a.streamKey);
    expect(live).toContainEqual(['drop', a.id, 'backup: backup stream key rotated']);
    const changed = await service.update(ALICE, a.id, { graceSeconds: 600, slate: false }, 'h');
    expect(changed).toMatchObject({ graceSeconds: 600, effectiveGraceSeconds: 600, slate: false });
    expect(live).toContainEqual(['settings', a.id, '']);
  });

  it('gives a stream made before backup keys its first one when its owner opens it', async () => {
    const { service, rows } = setup();
    const a = await service.create(ALICE, { name: 'Old' }, 'h');
    Object.assign(rows.get(a.id)!, { backupKeyHash: null, backupKeyCiphertext: null });
    const seen = await service.get(ALICE, a.id, 'h');
    expect(seen.backupStreamKey).toMatch(STREAM_KEY);
    expect((await service.get(ALICE, a.id, 'h')).backupStreamKey).toBe(seen.backupStreamKey);
  });

  it('logs only a fingerprint of the key', async () => {
    const { service, logs } = setup();
    const a = await service.create(ALICE, { name: 'A' }, 'h');
    const b = await service.rotateKey(ALICE, a.id, 'h');
    expect(logs()).toContain(Secrets.fingerprint(a.streamKey!));
    for (const key of [a.streamKey!, b.streamKey!]) expect(logs()).not.toContain(key);
  });
});

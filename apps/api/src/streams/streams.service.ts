import { Inject, Injectable } from '@nestjs/common';
import { ingestServerUrl, type Stream, type StreamDetail } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import { LiveControl } from '../ingest/live-control';
import { LOGGER, type Logger } from '../logging/logger';
import { RecordingHost } from '../recordings/recording-host';
import { InstanceSettingsService } from '../settings/instance-settings';
import { StreamAccess, noSuchStream } from './stream-access';
import { StreamKeys } from './stream-keys';
import type { CreateStreamDto, UpdateStreamDto } from './streams.dto';
import { REPLACED_KEY_MEMORY_MS, StreamsRepository, type StreamRow } from './streams.repository';
import { EngineSettingsReader } from '../ingest/engine-settings';

const notFound = noSuchStream;

/**
 * Streams: what OBS publishes to. The key is generated here (`live_` + 24 random bytes) and
 * stored twice: as an HMAC lookup hash (what the ingest matches) and AES-GCM encrypted (so
 * its owner can reveal it again). It appears only in the create, get and rotate answers to
 * the stream's owner; owners and admins managing someone else's stream get `streamKey: null`.
 */
@Injectable()
export class StreamsService {
  private readonly log: Logger;

  constructor(
    private readonly streams: StreamsRepository,
    private readonly access: StreamAccess,
    private readonly secrets: Secrets,
    private readonly keys: StreamKeys,
    private readonly live: LiveControl,
    private readonly audit: AuditService,
    private readonly recordings: RecordingHost,
    private readonly instance: InstanceSettingsService,
    private readonly engineSettings: EngineSettingsReader,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'PUBLIC_HOST' | 'RTMP_PORT' | 'INGEST_GRACE_S'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'streams' });
  }

  /** Owners and admins see every stream; members their own. */
  async list(user: User, host: string | undefined): Promise<Stream[]> {
    const rows = await this.streams.list(user.role === 'member' ? user.id : undefined);
    return rows.map((row) => this.toStream(row, host));
  }

  async get(user: User, id: string, host: string | undefined): Promise<StreamDetail> {
    const row = await this.streams.findWithKey(id);
    StreamAccess.ensure(user, row?.ownerId);
    const mine = row.ownerId === user.id;
    let backup = row.backupKeyCiphertext === null ? null : this.secrets.decrypt(row.backupKeyCiphertext);
    if (backup === null) {
      // A stream made before backup keys: it gets its first one now.
      backup = this.keys.generate();
      await this.streams.setBackupKey(id, this.secrets.lookupHash(backup), this.secrets.encrypt(backup), null);
    }
    return { ...this.toStream(row, host), streamKey: mine ? this.secrets.decrypt(row.keyCiphertext) : null, backupStreamKey: mine ? backup : null };
  }

  async create(user: User, input: CreateStreamDto, host: string | undefined): Promise<StreamDetail> {
    const key = this.keys.generate();
    const backup = this.keys.generate();
    const { recordNewStreams } = await this.instance.get();
    const row = await this.streams.create({
      ownerId: user.id,
      name: input.name,
      keyHash: this.secrets.lookupHash(key),
      keyCiphertext: this.secrets.encrypt(key),
      backupKeyHash: this.secrets.lookupHash(backup),
      backupKeyCiphertext: this.secrets.encrypt(backup),
      record: recordNewStreams,
    });
    this.log.info({ streamId: row.id, userId: user.id, key: Secrets.fingerprint(key), backupKey: Secrets.fingerprint(backup) }, 'stream created');
    await this.audit.record(user, 'stream.create', { type: 'stream', id: row.id }, { name: row.name });
    return { ...this.toStream(row, host), streamKey: key, backupStreamKey: backup };
  }

  /** Name, settings and "Record broadcasts" (applied to a live stream at once); an empty change answers the stream as it is. */
  async update(user: User, id: string, input: UpdateStreamDto, host: string | undefined): Promise<Stream> {
    const current = await this.accessible(user, id);
    const changed = (Object.keys(input) as (keyof UpdateStreamDto)[]).filter((field) => input[field] !== undefined);
    if (changed.length === 0) return this.toStream(current, host);
    const row = await this.streams.update(id, { name: input.name, settings: input.settings, record: input.record, graceSeconds: input.graceSeconds, slate: input.slate });
    if (!row) throw notFound();
    if (input.record !== undefined && input.record !== current.record) await this.recordings.setRecording(id, input.record);
    if (input.slate !== undefined && input.slate !== current.slate) await this.live.refreshStreamSettings(id);
    await this.audit.record(user, 'stream.update', { type: 'stream', id }, { name: row.name, changed });
    return this.toStream(row, host);
  }

  /** Deletes the stream and its destinations; a live stream ends at once (encoder closed, destinations unpublished). */
  async remove(user: User, id: string): Promise<void> {
    const current = await this.accessible(user, id);
    if (!(await this.streams.delete(id))) throw notFound();
    try {
      await this.live.endStream(id, 'stream deleted');
    } catch (error) {
      this.log.error({ err: error, streamId: id }, 'could not end the live stream');
    }
    await this.recordings.streamDeleted(id);
    this.log.info({ streamId: id, userId: user.id }, 'stream deleted');
    await this.audit.record(user, 'stream.delete', { type: 'stream', id }, { name: current.name });
  }

  /**
   * A new key; the old one stops authorising publishes at once, and an encoder live with it is
   * disconnected. Destinations stay up for the grace window, so reconnecting the encoder with
   * the new key in time continues the same broadcast.
   */
  async rotateKey(user: User, id: string, host: string | undefined): Promise<StreamDetail> {
    await this.accessible(user, id);
    const key = this.keys.generate();
    const row = await this.streams.setKey(id, this.secrets.lookupHash(key), this.secrets.encrypt(key), this.clock.now());
    if (!row) throw notFound();
    this.log.info({ streamId: id, userId: user.id, key: Secrets.fingerprint(key) }, 'stream key rotated');
    this.live.dropPublisher(id, 'stream key rotated');
    await this.audit.record(user, 'stream.rotate-key', { type: 'stream', id }, { name: row.name });
    return { ...(await this.get(user, id, host)), streamKey: row.ownerId === user.id ? key : null };
  }

  /** A new backup key, like {@link rotateKey}: a backup encoder live with the old one is disconnected. */
  async rotateBackupKey(user: User, id: string, host: string | undefined): Promise<StreamDetail> {
    await this.accessible(user, id);
    const key = this.keys.generate();
    const row = await this.streams.setBackupKey(id, this.secrets.lookupHash(key), this.secrets.encrypt(key), this.clock.now());
    if (!row) throw notFound();
    this.log.info({ streamId: id, userId: user.id, key: Secrets.fingerprint(key) }, 'backup stream key rotated');
    this.live.dropPublisher(id, 'backup stream key rotated', 'backup');
    await this.audit.record(user, 'stream.rotate-backup-key', { type: 'stream', id }, { name: row.name });
    return await this.get(user, id, host);
  }

  /** `rtmp://<PUBLIC_HOST, else the host the dashboard was opened with>:<RTMP_PORT>/live` */
  ingestUrl(requestHost: string | undefined): string {
    return ingestServerUrl({ publicHost: this.config.PUBLIC_HOST, requestHost, rtmpPort: this.config.RTMP_PORT });
  }

  private accessible(user: User, id: string): Promise<StreamRow> {
    return this.access.visible(user, id);
  }

  private toStream(row: StreamRow, host: string | undefined): Stream {
    return {
      id: row.id,
      ownerId: row.ownerId,
      name: row.name,
      ingestUrl: this.ingestUrl(host),
      settings: (row.settings ?? {}) as Record<string, unknown>,
      record: row.record,
      graceSeconds: row.graceSeconds,
      effectiveGraceSeconds: row.graceSeconds ?? this.config.INGEST_GRACE_S,
      slate: row.slate,
      slateImage: row.slateImage !== null,
      slateUnavailable: this.engineSettings.slateUnavailable(),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      oldKeyInUse: oldKeyInUse(row, this.clock.now()),
    };
  }
}

/** An encoder tried the key replaced at the last rotation, while it is still recognised. */
export function oldKeyInUse(row: Pick<StreamRow, 'keyRotatedAt' | 'oldKeyAddress' | 'oldKeySeenAt'>, now: Date): Stream['oldKeyInUse'] {
  if (row.keyRotatedAt === null || row.oldKeyAddress === null || row.oldKeySeenAt === null) return null;
  if (now.getTime() - row.keyRotatedAt.getTime() > REPLACED_KEY_MEMORY_MS) return null;
  return { address: row.oldKeyAddress, lastSeenAt: row.oldKeySeenAt.toISOString() };
}

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
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Pick<Config, 'PUBLIC_HOST' | 'RTMP_PORT'>,
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
    return { ...this.toStream(row, host), streamKey: row.ownerId === user.id ? this.secrets.decrypt(row.keyCiphertext) : null };
  }

  async create(user: User, input: CreateStreamDto, host: string | undefined): Promise<StreamDetail> {
    const key = this.keys.generate();
    const { recordNewStreams } = await this.instance.get();
    const row = await this.streams.create({ ownerId: user.id, name: input.name, keyHash: this.secrets.lookupHash(key), keyCiphertext: this.secrets.encrypt(key), record: recordNewStreams });
    this.log.info({ streamId: row.id, userId: user.id, key: Secrets.fingerprint(key) }, 'stream created');
    await this.audit.record(user, 'stream.create', { type: 'stream', id: row.id }, { name: row.name });
    return { ...this.toStream(row, host), streamKey: key };
  }

  /** Name, settings and "Record broadcasts" (applied to a live stream at once); an empty change answers the stream as it is. */
  async update(user: User, id: string, input: UpdateStreamDto, host: string | undefined): Promise<Stream> {
    const current = await this.accessible(user, id);
    const changed = (Object.keys(input) as (keyof UpdateStreamDto)[]).filter((field) => input[field] !== undefined);
    if (changed.length === 0) return this.toStream(current, host);
    const row = await this.streams.update(id, { name: input.name, settings: input.settings, record: input.record });
    if (!row) throw notFound();
    if (input.record !== undefined && input.record !== current.record) await this.recordings.setRecording(id, input.record);
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
    return { ...this.toStream(row, host), streamKey: row.ownerId === user.id ? key : null };
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

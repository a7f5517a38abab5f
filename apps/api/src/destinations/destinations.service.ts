import { Inject, Injectable } from '@nestjs/common';
import { type Destination, isRtmpServerUrl, platformPreset } from '@fanout/contracts';
import { type AuditMetadata, AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { CONFIG, type Config } from '../config/config';
import { Secrets } from '../crypto/secrets';
import { LiveControl } from '../ingest/live-control';
import { LOGGER, type Logger } from '../logging/logger';
import { StreamAccess, canManageStream, noSuchStream } from '../streams/stream-access';
import type { CreateDestinationDto, UpdateDestinationDto } from './destinations.dto';
import { type DestinationChanges, DestinationsRepository, type DestinationRow, type StreamOwner } from './destinations.repository';
import { type DestinationServer, judgeServer, privateAddressesAllowed, sameServer, serverLabel, serverOf } from './destination-address';
import { maskKey } from './mask';

const noStream = noSuchStream;
const noDestination = () => new AppError('NOT_FOUND', { message: 'No such destination.' });
const badUrl = () =>
  new AppError('VALIDATION_FAILED', { errors: [{ path: 'url', message: 'Use an rtmp:// or rtmps:// URL with a server name' }], internal: 'destination URL is not an rtmp(s) server URL' });

/**
 * Where a stream is restreamed to. Keys are stored AES-GCM encrypted and never leave the API
 * again: reads show them masked. Every change is applied to a live stream at once, through
 * `LiveControl.refreshDestinations`, which touches only the destinations that changed.
 *
 * The rules that keep a destination from being turned against the server or its users:
 * - a host that is a literal private, loopback, link-local, CGNAT, multicast or metadata
 *   address (in any spelling) is refused unless the stream's owner is an owner or admin
 *   (or ALLOW_PRIVATE_DESTINATIONS); names are checked again at each connection;
 * - at most MAX_DESTINATIONS_PER_STREAM per stream;
 * - a new server (scheme, host or port) needs the key again, so a saved key can never be
 *   sent somewhere else by editing only the URL; the audit log keeps the old and new host.
 */
@Injectable()
export class DestinationsService {
  private readonly log: Logger;

  constructor(
    private readonly destinations: DestinationsRepository,
    private readonly secrets: Secrets,
    private readonly live: LiveControl,
    private readonly audit: AuditService,
    @Inject(CONFIG) private readonly config: Pick<Config, 'ALLOW_PRIVATE_DESTINATIONS' | 'MAX_DESTINATIONS_PER_STREAM'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'destinations' });
  }

  async list(user: User, streamId: string): Promise<Destination[]> {
    await this.accessibleStream(user, streamId);
    return (await this.destinations.listForStream(streamId)).map((row) => this.toDestination(row));
  }

  /** `url` defaults to the platform's server; platforms without one (custom, LinkedIn) must give it. */
  async create(user: User, streamId: string, input: CreateDestinationDto): Promise<Destination> {
    const owner = await this.accessibleStream(user, streamId);
    const url = input.url ?? defaultUrl(input.platform);
    if (url === undefined) throw badUrl();
    this.checkServer(this.server(url), owner);
    const max = this.config.MAX_DESTINATIONS_PER_STREAM;
    const row = await this.destinations.create({ streamId, name: input.name, platform: input.platform, url, keyCiphertext: this.secrets.encrypt(input.streamKey), enabled: input.enabled }, max);
    if (row === 'limit') throw new AppError('LIMIT_REACHED', { message: `A stream can have at most ${max} destinations.`, internal: `stream ${streamId} has ${max} destinations` });
    if (!row) throw noStream();
    await this.applyLive(streamId);
    this.log.info({ streamId, destinationId: row.id, platform: row.platform, userId: user.id }, 'destination created');
    await this.audit.record(user, 'destination.create', { type: 'destination', id: row.id }, { streamId, name: row.name, platform: row.platform, enabled: row.enabled });
    return this.toDestination(row, input.streamKey);
  }

  /**
   * Any subset of fields; a missing `streamKey` keeps the saved key, unless the server changes.
   * A new platform without a `url` takes that platform's server when it has one, else keeps the current URL.
   */
  async update(user: User, id: string, input: UpdateDestinationDto): Promise<Destination> {
    const current = await this.accessibleDestination(user, id);
    const changes: DestinationChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.platform !== undefined) changes.platform = input.platform;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.streamKey !== undefined) changes.keyCiphertext = this.secrets.encrypt(input.streamKey);
    const url = input.url ?? (input.platform !== undefined && input.platform !== current.platform ? defaultUrl(input.platform) : undefined);
    const before = this.server(current.url);
    let moved: { from: DestinationServer; to: DestinationServer } | undefined;
    if (url !== undefined) {
      const after = this.server(url);
      this.checkServer(after, current.stream);
      if (!sameServer(before, after)) {
        if (input.streamKey === undefined) {
          throw new AppError('VALIDATION_FAILED', {
            errors: [{ path: 'streamKey', message: 'Enter the stream key again: the server changed' }],
            internal: `server change ${serverLabel(before)} -> ${serverLabel(after)} without the key`,
          });
        }
        moved = { from: before, to: after };
      }
      changes.url = url;
    }
    const changed = Object.keys(changes).map((field) => (field === 'keyCiphertext' ? 'streamKey' : field));
    if (changed.length === 0) return this.toDestination(current);
    const row = await this.destinations.update(id, changes);
    if (!row) throw noDestination();
    await this.applyLive(row.streamId);
    this.log.info({ streamId: row.streamId, destinationId: id, changed, userId: user.id }, 'destination updated');
    const metadata: AuditMetadata = { streamId: row.streamId, name: row.name, changed };
    if (moved) Object.assign(metadata, { previousHost: serverLabel(moved.from), host: serverLabel(moved.to) });
    await this.audit.record(user, 'destination.update', { type: 'destination', id }, metadata);
    return this.toDestination(row, input.streamKey);
  }

  async remove(user: User, id: string): Promise<void> {
    const current = await this.accessibleDestination(user, id);
    if (!(await this.destinations.delete(id))) throw noDestination();
    await this.applyLive(current.streamId);
    this.log.info({ streamId: current.streamId, destinationId: id, userId: user.id }, 'destination deleted');
    await this.audit.record(user, 'destination.delete', { type: 'destination', id }, { streamId: current.streamId, name: current.name, platform: current.platform });
  }

  /** The destination with its stream's owner, if `user` may manage it; NOT_FOUND otherwise. */
  visible(user: User, id: string): Promise<DestinationRow & { stream: StreamOwner }> {
    return this.accessibleDestination(user, id);
  }

  private async accessibleStream(user: User, streamId: string): Promise<StreamOwner> {
    const owner = await this.destinations.streamOwner(streamId);
    StreamAccess.ensure(user, owner?.ownerId);
    return owner!;
  }

  private async accessibleDestination(user: User, id: string): Promise<DestinationRow & { stream: StreamOwner }> {
    const row = await this.destinations.find(id);
    if (!row || !canManageStream(user, row.stream.ownerId)) throw noDestination(); // the stream rule, a destination's 404
    return row;
  }

  private server(url: string): DestinationServer {
    const server = isRtmpServerUrl(url) ? serverOf(url) : null;
    if (!server) throw badUrl();
    return server;
  }

  private checkServer(server: DestinationServer, owner: StreamOwner): void {
    const { refusal } = judgeServer(server, privateAddressesAllowed(owner.ownerRole, this.config));
    if (refusal) throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'url', message: `This server is not allowed: ${refusal}` }], internal: `destination host refused: ${refusal}` });
  }

  /** The database is the truth; a live stream that cannot take the change is logged, not failed. */
  private async applyLive(streamId: string): Promise<void> {
    try {
      await this.live.refreshDestinations(streamId);
    } catch (error) {
      this.log.error({ err: error, streamId }, 'could not apply the change to the live stream');
    }
  }

  /** `plainKey` when the caller just sent it, saving a decryption. */
  private toDestination(row: DestinationRow, plainKey?: string): Destination {
    const server = serverOf(row.url);
    const warning = server ? judgeServer(server, true).warning : null;
    return {
      id: row.id,
      streamId: row.streamId,
      name: row.name,
      platform: platformPreset(row.platform).id,
      url: row.url,
      streamKeyMasked: maskKey(plainKey ?? this.secrets.decrypt(row.keyCiphertext)),
      enabled: row.enabled,
      warnings: warning === null ? [] : [warning],
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

/** The platform's own server, or undefined for platforms without one (custom, LinkedIn). */
function defaultUrl(platform: string): string | undefined {
  const template = platformPreset(platform).urlTemplate;
  return isRtmpServerUrl(template) ? template : undefined;
}

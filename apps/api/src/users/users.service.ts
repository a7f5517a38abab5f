import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { toUser, type User } from '../auth/auth.types';
import { PasswordHasher } from '../auth/password-hasher';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { LiveControl } from '../ingest/live-control';
import { LOGGER, type Logger } from '../logging/logger';
import { UserAdminRepository } from './user-admin.repository';
import type { CreateUserDto, UpdateUserDto } from './users.dto';

const notFound = () => new AppError('NOT_FOUND', { message: 'No such user.' });
const ownersOnly = (what: string) => new AppError('FORBIDDEN', { message: `Only an owner can ${what}.` });
const lastOwner = () => new AppError('LAST_OWNER');

/**
 * User management (the routes are @Roles('owner', 'admin')). The rules:
 * - only an owner creates owners, promotes to owner, or changes or deletes an owner;
 * - there is always at least one owner (409 LAST_OWNER), checked atomically in the repository;
 * - nobody deletes their own account (409 CANNOT_DELETE_SELF);
 * - a new password signs that user out of every session and revokes every API token of theirs.
 */
@Injectable()
export class UsersService {
  private readonly log: Logger;

  constructor(
    private readonly users: UserAdminRepository,
    private readonly hasher: PasswordHasher,
    private readonly live: LiveControl,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'users' });
  }

  async list(): Promise<User[]> {
    return (await this.users.list()).map(toUser);
  }

  async create(actor: User, input: CreateUserDto): Promise<User> {
    if (input.role === 'owner' && actor.role !== 'owner') throw ownersOnly('create an owner');
    const row = await this.users.create({ email: input.email, passwordHash: await this.hasher.hash(input.password), role: input.role });
    if (!row) throw new AppError('EMAIL_TAKEN');
    this.log.info({ userId: row.id, role: row.role, actorId: actor.id }, 'user created');
    await this.audit.record(actor, 'user.create', { type: 'user', id: row.id }, { email: row.email, role: row.role });
    return toUser(row);
  }

  async update(actor: User, id: string, input: UpdateUserDto): Promise<User> {
    const target = await this.find(id);
    if (target.role === 'owner' && actor.role !== 'owner') throw ownersOnly('change an owner');
    if (input.role === 'owner' && actor.role !== 'owner') throw ownersOnly('make someone an owner');
    const changed = [...(input.role !== undefined ? ['role'] : []), ...(input.password !== undefined ? ['password'] : [])];
    if (changed.length === 0) return toUser(target);
    const data = { role: input.role, passwordHash: input.password === undefined ? undefined : await this.hasher.hash(input.password) };
    const row = await this.users.update(id, data, this.clock.now());
    if (row === null) throw notFound();
    if (row === 'last-owner') throw lastOwner();
    this.log.info({ userId: id, changed, actorId: actor.id }, input.password === undefined ? 'user updated' : 'user updated; their sessions and tokens are revoked');
    await this.audit.record(actor, 'user.update', { type: 'user', id }, { email: row.email, role: row.role, changed });
    return toUser(row);
  }

  /** Their streams go too, and any of them that is live ends at once (encoder closed, destinations unpublished). */
  async remove(actor: User, id: string): Promise<void> {
    if (id === actor.id) throw new AppError('CANNOT_DELETE_SELF');
    const target = await this.find(id);
    if (target.role === 'owner' && actor.role !== 'owner') throw ownersOnly('delete an owner');
    const deleted = await this.users.delete(id);
    if (deleted === null) throw notFound();
    if (deleted === 'last-owner') throw lastOwner();
    for (const streamId of deleted.streamIds) {
      await this.live.endStream(streamId, 'owner deleted').catch((error: unknown) => this.log.error({ err: error, streamId }, 'could not stop the live stream of a deleted user'));
    }
    this.log.info({ userId: id, actorId: actor.id }, 'user deleted');
    await this.audit.record(actor, 'user.delete', { type: 'user', id }, { email: target.email, role: target.role });
  }

  private async find(id: string) {
    const row = await this.users.find(id);
    if (!row) throw notFound();
    return row;
  }
}

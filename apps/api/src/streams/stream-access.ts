import { Injectable } from '@nestjs/common';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { StreamsRepository, type StreamRow } from './streams.repository';

/**
 * Tenant rule for streams and their destinations: owners and admins manage every stream
 * (they run the instance); a member sees and changes only their own.
 */
export function canManageStream(user: Pick<User, 'id' | 'role'>, ownerId: string): boolean {
  return user.role === 'owner' || user.role === 'admin' || ownerId === user.id;
}

export const noSuchStream = (): AppError => new AppError('NOT_FOUND', { message: 'No such stream.' });

/**
 * The one stream-access check, for every service that takes a stream id (streams,
 * destinations, live status and events, history, metrics): a stream the user may not see is
 * NOT_FOUND, never FORBIDDEN, so ids reveal nothing.
 */
@Injectable()
export class StreamAccess {
  constructor(private readonly streams: StreamsRepository) {}

  /** The stream, if `user` may see it; NOT_FOUND otherwise. */
  async visible(user: Pick<User, 'id' | 'role'>, id: string): Promise<StreamRow> {
    const row = await this.streams.find(id);
    StreamAccess.ensure(user, row?.ownerId);
    return row!;
  }

  /** Throws NOT_FOUND unless a stream owned by `ownerId` exists and `user` may see it. */
  static ensure(user: Pick<User, 'id' | 'role'>, ownerId: string | undefined): asserts ownerId is string {
    if (ownerId === undefined || !canManageStream(user, ownerId)) throw noSuchStream();
  }
}

import { Injectable } from '@nestjs/common';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { UUID } from '../common/prisma-errors';
import { canManageStream } from '../streams/stream-access';
import { StreamsRepository, type StreamRow } from '../streams/streams.repository';

/**
 * The streams tenant rule for live data, history and metrics: the same check as the stream
 * routes (owners and admins see every stream, members their own), and the same 404 for a
 * stream the user may not see, so ids reveal nothing.
 */
@Injectable()
export class StreamAccess {
  constructor(private readonly streams: StreamsRepository) {}

  async visible(user: Pick<User, 'id' | 'role'>, id: string): Promise<StreamRow> {
    const row = UUID.test(id) ? await this.streams.find(id) : null;
    if (!row || !canManageStream(user, row.ownerId)) throw new AppError('NOT_FOUND', { message: 'No such stream.' });
    return row;
  }
}

import type { User } from '../auth/auth.types';

/**
 * Tenant rule for streams and their destinations: owners and admins manage every stream
 * (they run the instance); a member sees and changes only their own. Callers answer
 * NOT_FOUND, never FORBIDDEN, for a stream the user may not see, so ids reveal nothing.
 */
export function canManageStream(user: Pick<User, 'id' | 'role'>, ownerId: string): boolean {
  return user.role === 'owner' || user.role === 'admin' || ownerId === user.id;
}

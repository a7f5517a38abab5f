import type { User } from '@fanout/contracts';
import { redirect } from 'next/navigation';
import { getSession } from './session';

/**
 * For pages behind sign-in: the signed-in user, a redirect to /login for anyone else,
 * or `{unreachable}` when the API cannot say (the page shows an error panel, not a login form).
 */
export async function requireUser(): Promise<{ user: User } | { unreachable: string }> {
  const session = await getSession();
  if (session.status === 'signed-out') redirect('/login');
  if (session.status === 'unreachable') return { unreachable: session.message };
  return { user: session.user };
}

import { sessionInfoSchema } from '@fanout/contracts';
import type { Metadata } from 'next';
import { ApiUnavailable } from '@/components/api-unavailable';
import { ApiRequestError } from '@/lib/api';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { arrayOf } from '@/lib/streams';
import { AccountClient } from './account-client';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  try {
    const sessions = await serverApi('/api/auth/sessions', { schema: arrayOf(sessionInfoSchema) });
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold tracking-tight">Your account</h1>
        <AccountClient me={auth.user} initialSessions={sessions} />
      </div>
    );
  } catch (error) {
    if (error instanceof ApiRequestError) return <ApiUnavailable message={error.message} />;
    throw error;
  }
}

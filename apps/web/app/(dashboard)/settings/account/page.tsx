import { sessionInfoListSchema } from '@fanout/contracts';
import type { Metadata } from 'next';
import { ApiUnavailable } from '@/components/api-unavailable';
import { ApiRequestError } from '@/lib/api';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { AccountClient } from './account-client';
import { apiPaths } from '@/lib/api-paths';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  try {
    const sessions = await serverApi(apiPaths.sessions(), { schema: sessionInfoListSchema });
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

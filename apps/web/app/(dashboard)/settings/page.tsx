import { apiTokenListSchema, instanceSettingsSchema, liveOverviewSchema, userListSchema } from '@fanout/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiUnavailable } from '@/components/api-unavailable';
import { ApiRequestError } from '@/lib/api';
import { loadHealth } from '@/lib/health';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { SystemStatusClient } from '../system-status-client';
import { InstanceSettingsClient } from './instance-settings-client';
import { TokensClient } from './tokens-client';
import { UsersClient } from './users-client';
import { apiPaths } from '@/lib/api-paths';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  const manager = auth.user.role === 'owner' || auth.user.role === 'admin';
  const owner = auth.user.role === 'owner';
  try {
    const [tokens, users, health, overview, instance] = await Promise.all([
      serverApi(apiPaths.tokens(), { schema: apiTokenListSchema }),
      manager ? serverApi(apiPaths.users(), { schema: userListSchema }) : Promise.resolve(null),
      loadHealth(serverApi),
      serverApi(apiPaths.live(), { schema: liveOverviewSchema }).catch(() => null),
      // Only owners change instance settings; an API without them leaves the card out.
      owner ? serverApi(apiPaths.settings(), { schema: instanceSettingsSchema }).catch(() => null) : Promise.resolve(null),
    ]);
    return (
      <div className="space-y-6">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
          <div className="flex flex-wrap gap-x-5 gap-y-1">
            {manager ? (
              <Link href="/settings/audit" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
                Audit log
              </Link>
            ) : null}
            {manager ? (
              <Link href="/settings/webhooks" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
                Webhooks
              </Link>
            ) : null}
            <Link href="/settings/account" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
              Your password and signed-in browsers
            </Link>
          </div>
        </div>
        {instance ? <InstanceSettingsClient initial={instance} /> : null}
        {users ? <UsersClient initial={users} me={auth.user} /> : null}
        <TokensClient initial={tokens} />
        <SystemStatusClient initial={health} initialOverview={overview} />
      </div>
    );
  } catch (error) {
    if (error instanceof ApiRequestError) return <ApiUnavailable message={error.message} />;
    throw error;
  }
}

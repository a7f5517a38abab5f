import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ApiUnavailable } from '@/components/api-unavailable';
import { publicHost, rtmpPort } from '@/lib/env';
import { loadHealth } from '@/lib/health';
import { ingestServerUrl } from '@/lib/ingest';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { ObsSetupCard } from './obs-setup-card';
import { SystemStatusClient } from './system-status-client';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;

  const [health, requestHeaders] = await Promise.all([loadHealth(serverApi), headers()]);
  const serverUrl = ingestServerUrl({
    publicHost: publicHost(),
    requestHost: requestHeaders.get('x-forwarded-host') ?? requestHeaders.get('host'),
    rtmpPort: rtmpPort(),
  });

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <div className="grid gap-6 lg:grid-cols-2">
        <SystemStatusClient initial={health} />
        <ObsSetupCard serverUrl={serverUrl} />
      </div>
    </div>
  );
}

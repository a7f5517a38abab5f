import { webhookEndpointListSchema } from '@fanout/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiUnavailable } from '@/components/api-unavailable';
import { card, subtleText } from '@/components/ui';
import { ApiRequestError } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { WebhooksClient } from './webhooks-client';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  const heading = (
    <div className="flex flex-wrap items-baseline justify-between gap-3">
      <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
      <Link href="/settings" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
        Back to settings
      </Link>
    </div>
  );
  if (auth.user.role === 'member') {
    return (
      <div className="space-y-6">
        {heading}
        <p className={`${card} ${subtleText}`}>Only owners and admins manage webhooks. Ask one of them to add the receiver you need.</p>
      </div>
    );
  }
  try {
    const webhooks = await serverApi(apiPaths.webhooks(), { schema: webhookEndpointListSchema });
    return (
      <div className="space-y-6">
        {heading}
        <WebhooksClient initial={webhooks} />
      </div>
    );
  } catch (error) {
    if (error instanceof ApiRequestError) return <ApiUnavailable message={error.message} />;
    throw error;
  }
}

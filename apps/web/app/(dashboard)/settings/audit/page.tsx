import { auditActionSchema, auditPageSchema, userListSchema } from '@fanout/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiUnavailable } from '@/components/api-unavailable';
import { card, subtleText } from '@/components/ui';
import { ApiRequestError } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { AUDIT_PAGE_SIZE } from '@/lib/audit-text';
import { AuditClient, type AuditFilter } from './audit-client';

export const metadata: Metadata = { title: 'Audit log' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  if (auth.user.role === 'member') {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className={`${card} ${subtleText}`}>The audit log is for owners and admins. Ask one of them if you need to know who changed what.</p>
      </div>
    );
  }
  const params = await searchParams;
  const user = typeof params['user'] === 'string' && UUID.test(params['user']) ? params['user'] : undefined;
  const action = auditActionSchema.safeParse(params['action']).data;
  const filter: AuditFilter = { ...(user ? { actorId: user } : {}), ...(action ? { action } : {}) };
  try {
    const [users, page] = await Promise.all([
      serverApi(apiPaths.users(), { schema: userListSchema }),
      serverApi(apiPaths.audit({ limit: String(AUDIT_PAGE_SIZE), ...filter }), { schema: auditPageSchema }),
    ]);
    return (
      <div className="space-y-6">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <Link href="/settings" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
            Back to settings
          </Link>
        </div>
        <AuditClient users={users} initial={page} initialFilter={filter} />
      </div>
    );
  } catch (error) {
    if (error instanceof ApiRequestError) return <ApiUnavailable message={error.message} />;
    throw error;
  }
}

import { ApiUnavailable } from '@/components/api-unavailable';
import { requireUser } from '@/lib/require-session';

/**
 * Everything in (dashboard) needs a signed-in user. Checking here, above `loading.tsx`'s
 * Suspense boundary, makes the redirect a real HTTP 307 before any HTML is streamed.
 * Pages check again (the session lookup is memoised per request), since layouts are not
 * re-rendered on client-side navigation.
 */
export default async function DashboardLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  return children;
}

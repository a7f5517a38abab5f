import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ApiUnavailable } from '@/components/api-unavailable';
import { ApiRequestError } from '@/lib/api';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { loadStreamPage } from '@/lib/streams';
import { StreamPageClient } from './stream-page-client';

export const metadata: Metadata = { title: 'Stream' };

export default async function StreamPage({ params }: { params: Promise<{ id: string }> }) {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  const { id } = await params;
  try {
    const data = await loadStreamPage(serverApi, id);
    return <StreamPageClient initial={data} />;
  } catch (error) {
    if (error instanceof ApiRequestError && (error.status === 404 || error.status === 400)) notFound();
    if (error instanceof ApiRequestError) return <ApiUnavailable message={error.message} />;
    throw error;
  }
}

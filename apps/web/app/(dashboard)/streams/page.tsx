import type { Metadata } from 'next';
import { ApiUnavailable } from '@/components/api-unavailable';
import { ApiRequestError } from '@/lib/api';
import { requireUser } from '@/lib/require-session';
import { serverApi } from '@/lib/server-api';
import { loadStreamList } from '@/lib/streams';
import { StreamsClient } from './streams-client';

export const metadata: Metadata = { title: 'Streams' };

export default async function StreamsPage() {
  const auth = await requireUser();
  if ('unreachable' in auth) return <ApiUnavailable message={auth.unreachable} />;
  try {
    const items = await loadStreamList(serverApi);
    return <StreamsClient items={items} />;
  } catch (error) {
    if (error instanceof ApiRequestError) return <ApiUnavailable message={error.message} />;
    throw error;
  }
}

import { headers } from 'next/headers';
import { ApiRequestError, apiRequest, type ApiRequestOptions } from './api';
import { apiOrigin } from './env';

/** Server components wait this long for the API before showing an error panel. */
const SERVER_TIMEOUT_MS = 5_000;

/**
 * `apiRequest` for server components and route handlers: calls the API directly on loopback
 * (no round trip through our own `/api` proxy) and forwards the visitor's cookies, so the API
 * sees the same session as the browser would. Never cached.
 */
export async function serverApi<T = unknown>(path: string, options: ApiRequestOptions<T> = {}): Promise<T> {
  const incoming = await headers();
  const forwarded = new Headers(options.headers);
  const cookie = incoming.get('cookie');
  if (cookie) forwarded.set('cookie', cookie);
  for (const name of ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'user-agent']) {
    const value = incoming.get(name);
    if (value && !forwarded.has(name)) forwarded.set(name, value);
  }
  try {
    return await apiRequest(path, {
      cache: 'no-store',
      signal: AbortSignal.timeout(SERVER_TIMEOUT_MS),
      ...options,
      headers: forwarded,
      baseUrl: apiOrigin(),
    });
  } catch (error) {
    // From here a network error means the API process, not the server the browser talks to.
    if (error instanceof ApiRequestError && error.code === 'NETWORK_ERROR') {
      throw new ApiRequestError({ status: 0, code: 'API_UNREACHABLE', message: API_UNREACHABLE_MESSAGE });
    }
    throw error;
  }
}

export const API_UNREACHABLE_MESSAGE = 'The dashboard is running, but the Fanout API behind it is not answering.';

import { authStateSchema, userSchema, type User } from '@fanout/contracts';
import { cache } from 'react';
import { ApiRequestError } from './api';
import { serverApi } from './server-api';
import { apiPaths } from './api-paths';

export type Session =
  | { status: 'signed-in'; user: User }
  | { status: 'signed-out' }
  | { status: 'unreachable'; message: string };

/**
 * Who is signed in, asked of `GET /api/auth/me` with the visitor's cookie.
 * Memoised per request, so the root layout and the page share one call.
 */
export const getSession = cache(async (): Promise<Session> => {
  try {
    const user = await serverApi(apiPaths.me(), { schema: userSchema });
    return { status: 'signed-in', user };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    if (error.status === 401 || error.status === 403) return { status: 'signed-out' };
    return { status: 'unreachable', message: error.message };
  }
});

export type AuthStateResult = { status: 'ok'; setupRequired: boolean } | { status: 'unreachable'; message: string };

/** `GET /api/auth/state`: whether the first-run setup form replaces sign-in. */
export async function getAuthState(): Promise<AuthStateResult> {
  try {
    const state = await serverApi(apiPaths.authState(), { schema: authStateSchema });
    return { status: 'ok', setupRequired: state.setupRequired };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    return { status: 'unreachable', message: error.message };
  }
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ApiUnavailable } from '@/components/api-unavailable';
import { getAuthState, getSession } from '@/lib/session';
import { LoginClient } from './login-client';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage() {
  const session = await getSession();
  if (session.status === 'signed-in') redirect('/');

  const state = await getAuthState();
  return (
    <div className="mx-auto w-full max-w-sm pt-4 sm:pt-12">
      {state.status === 'ok' ? <LoginClient setupRequired={state.setupRequired} /> : <ApiUnavailable message={state.message} />}
    </div>
  );
}

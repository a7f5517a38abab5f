'use client';

import { changePasswordSchema, revokedSessionsSchema, type SessionInfo, type User } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { TextField } from '@/components/text-field';
import { alertBox, card, primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { plural } from '@/lib/format';
import { useApiForm } from '@/lib/use-api-form';
import { apiPaths } from '@/lib/api-paths';

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A short name for a browser from its user agent, e.g. "Firefox on Linux". */
export function describeAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : /curl\//.test(userAgent) ? 'curl' : null;
  const system = /Windows/.test(userAgent) ? 'Windows' : /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 40);
}

/** Change your own password, and see and sign out your signed-in browsers. */
export function AccountClient({ me, initialSessions }: { me: User; initialSessions: SessionInfo[] }) {
  const [sessions, setSessions] = useState(initialSessions);
  const { errors, setErrors, formError, pending, submit } = useApiForm('Could not change the password.');
  const [done, setDone] = useState(false);
  const [revoking, setRevoking] = useState<SessionInfo | 'others' | null>(null);
  const [signedOut, setSignedOut] = useState<string | null>(null);
  const others = sessions.filter((s) => !s.current).length;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setDone(false);
    const newPassword = String(data.get('newPassword') ?? '');
    if (newPassword !== String(data.get('confirmPassword') ?? '')) {
      setErrors({ confirmPassword: 'The two new passwords differ' });
      return;
    }
    const parsed = changePasswordSchema.safeParse({ currentPassword: String(data.get('currentPassword') ?? ''), newPassword });
    await submit(parsed, async (body) => {
      await apiRequest(apiPaths.password(), { method: 'POST', json: body });
      form.reset();
      setDone(true);
      setSessions((list) => list.filter((s) => s.current));
    });
  }

  return (
    <>
      <section aria-labelledby="password-title" className={card}>
        <h2 id="password-title" className="text-base font-semibold">
          Change your password
        </h2>
        <p className={`mt-1 ${subtleText}`}>
          Signed in as {me.email}. A new password signs out every other browser and revokes all your API tokens.
        </p>
        <form noValidate onSubmit={onSubmit} className="mt-4 max-w-md space-y-3" aria-label="Change password">
          <TextField name="currentPassword" type="password" label="Current password" autoComplete="current-password" error={errors['currentPassword']} />
          <TextField name="newPassword" type="password" label="New password" autoComplete="new-password" hint="At least 10 characters; not a common password." error={errors['newPassword']} />
          <TextField name="confirmPassword" type="password" label="New password again" autoComplete="new-password" error={errors['confirmPassword']} />
          <button type="submit" className={primaryButton} disabled={pending}>
            {pending ? 'Changing…' : 'Change password'}
          </button>
        </form>
        {done ? (
          <p role="status" className="mt-3 text-sm text-emerald-700 dark:text-emerald-400">
            Password changed. Other browsers are signed out and your API tokens are revoked.
          </p>
        ) : null}
        {formError ? (
          <p role="alert" className={`mt-3 ${alertBox}`}>
            {formError}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="sessions-title" className={card}>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="sessions-title" className="text-base font-semibold">
            Signed-in browsers
          </h2>
          {others > 0 ? (
            <button type="button" className={secondaryButton} onClick={() => setRevoking('others')}>
              Sign out all other browsers
            </button>
          ) : null}
        </div>
        <p className={`mt-1 ${subtleText}`}>A browser you sign out here loses access at its next click, and stops receiving live updates within seconds.</p>
        {signedOut ? (
          <p role="status" className="mt-3 text-sm text-emerald-700 dark:text-emerald-400">
            {signedOut}
          </p>
        ) : null}
        <ul className="mt-4 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Your sessions">
          {sessions.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">
                  {describeAgent(s.userAgent)}
                  {s.current ? <span className="ml-2 rounded bg-sky-100 px-1.5 py-0.5 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-200">This browser</span> : null}
                </p>
                <p className={`text-xs ${subtleText}`}>
                  {s.ip ?? 'unknown address'} · signed in {date.format(new Date(s.createdAt))} · last seen {date.format(new Date(s.lastSeenAt))}
                </p>
              </div>
              {s.current ? null : (
                <button type="button" className={secondaryButton} onClick={() => setRevoking(s)} aria-label={`Sign out ${describeAgent(s.userAgent)} (${s.ip ?? 'unknown address'})`}>
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
        {revoking === 'others' ? (
          <ConfirmDialog
            title="Sign out every other browser?"
            description={`${plural(others, 'other browser', 'other browsers')} will have to sign in again. This one stays signed in.`}
            confirmLabel="Sign out others"
            pendingLabel="Signing out…"
            onClose={() => setRevoking(null)}
            onConfirm={async () => {
              const { revoked } = await apiRequest(apiPaths.sessions(), { method: 'DELETE', schema: revokedSessionsSchema });
              setSessions((list) => list.filter((x) => x.current));
              setSignedOut(`Signed out ${plural(revoked, 'other browser', 'other browsers')}.`);
            }}
          />
        ) : revoking ? (
          <ConfirmDialog
            title="Sign this browser out?"
            description={`${describeAgent(revoking.userAgent)} at ${revoking.ip ?? 'an unknown address'} will have to sign in again.`}
            confirmLabel="Sign out"
            pendingLabel="Signing out…"
            onClose={() => setRevoking(null)}
            onConfirm={async () => {
              await apiRequest(apiPaths.session(revoking.id), { method: 'DELETE' });
              setSessions((list) => list.filter((x) => x.id !== revoking.id));
            }}
          />
        ) : null}
      </section>
    </>
  );
}

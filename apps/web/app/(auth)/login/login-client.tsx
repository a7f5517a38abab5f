'use client';

import { loginSchema, setupSchema, toFieldErrors } from '@fanout/contracts';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { TextField } from '@/components/text-field';
import { card, primaryButton } from '@/components/ui';
import { ApiRequestError, apiRequest, toFieldErrorMap, type FieldErrors } from '@/lib/api';
import { formatWait } from '@/lib/format';
import { apiPaths } from '@/lib/api-paths';

type Mode = 'sign-in' | 'setup';

/** The message under the form for a failed call, or null when the field errors say it all. */
function describeFailure(error: unknown, mode: Mode): string | null {
  if (!(error instanceof ApiRequestError)) return 'Something went wrong. Try again.';
  if (error.status === 401 && mode === 'sign-in') return 'Wrong email or password';
  if (error.status === 400 && Object.keys(error.fieldErrors).length > 0) return null;
  return error.message;
}

/**
 * A rate-limit countdown: `start(seconds)` shows that many seconds at once, then ticks down
 * against a fixed deadline (so a throttled tab does not drift) until it reaches 0.
 */
function useCountdown(): [secondsLeft: number, total: number, start: (seconds: number) => void] {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [total, setTotal] = useState(0);
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => {
      const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1_000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 1_000);
    return () => clearInterval(timer);
  }, [deadline]);
  const start = useCallback((seconds: number) => {
    setTotal(seconds);
    setLeft(seconds);
    setDeadline(seconds > 0 ? Date.now() + seconds * 1_000 : null);
  }, []);
  return [left, total, start];
}

/**
 * Sign-in, or on a fresh install the first-run form that creates the owner account.
 * Both validate with the contracts' zod schema before anything is sent, and show the
 * API's own field errors when it disagrees.
 */
export function LoginClient({ setupRequired }: { setupRequired: boolean }) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>(setupRequired ? 'setup' : 'sign-in');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [retryInS, retryAfterS, startRetryCountdown] = useCountdown();
  const formRef = useRef<HTMLFormElement>(null);

  function showFieldErrors(errors: FieldErrors) {
    setFieldErrors(errors);
    const first = Object.keys(errors)[0];
    const field = first ? formRef.current?.elements.namedItem(first) : null;
    if (field instanceof HTMLInputElement) field.focus();
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') };
    setFormError(null);
    setNotice(null);
    startRetryCountdown(0);

    const parsed = (mode === 'setup' ? setupSchema : loginSchema).safeParse(values);
    const errors = parsed.success ? {} : toFieldErrorMap(toFieldErrors(parsed.error));
    if (mode === 'setup' && !errors['confirmPassword'] && form.get('confirmPassword') !== values.password) {
      errors['confirmPassword'] = 'The passwords do not match';
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      showFieldErrors(errors);
      return;
    }
    setFieldErrors({});

    setPending(true);
    try {
      await apiRequest(mode === 'setup' ? apiPaths.setup() : apiPaths.login(), { method: 'POST', json: parsed.data });
      router.replace('/');
      router.refresh();
      // Stay pending: the page is about to change.
    } catch (error) {
      setPending(false);
      if (mode === 'setup' && error instanceof ApiRequestError && error.status === 409) {
        // Someone else finished setup first: the owner exists, so sign in instead.
        setMode('sign-in');
        setNotice('Fanout is already set up. Sign in with the owner account.');
        return;
      }
      if (error instanceof ApiRequestError && error.status === 429) {
        startRetryCountdown(error.retryAfterS ?? 60);
        return;
      }
      if (error instanceof ApiRequestError) showFieldErrors(error.fieldErrors);
      setFormError(describeFailure(error, mode));
    }
  }

  const rateLimited = retryInS > 0;
  // The alert keeps the first figure (a live region that changed every second would be read out
  // every second); the disabled button shows the countdown.
  const alert = rateLimited ? `Too many attempts, try again in ${formatWait(retryAfterS)}` : formError;
  const setup = mode === 'setup';

  return (
    <section className={card} aria-labelledby="login-title">
      <h1 id="login-title" className="text-xl font-semibold tracking-tight">
        {setup ? 'Set up Fanout' : 'Sign in to Fanout'}
      </h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {setup
          ? 'No account exists yet. Create the owner account: it can manage every stream, destination and user.'
          : 'Use the email and password of your Fanout account.'}
      </p>
      {notice ? (
        <p role="status" className="mt-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-200">
          {notice}
        </p>
      ) : null}
      <form key={mode} ref={formRef} noValidate onSubmit={onSubmit} className="mt-6 space-y-4">
        <TextField
          name="email"
          label="Email"
          type="email"
          autoComplete={setup ? 'email' : 'username'}
          inputMode="email"
          spellCheck={false}
          error={fieldErrors['email']}
          required
        />
        <TextField
          name="password"
          label="Password"
          type="password"
          autoComplete={setup ? 'new-password' : 'current-password'}
          hint={setup ? 'At least 10 characters.' : undefined}
          error={fieldErrors['password']}
          required
        />
        {setup ? (
          <TextField
            name="confirmPassword"
            label="Confirm password"
            type="password"
            autoComplete="new-password"
            error={fieldErrors['confirmPassword']}
            required
          />
        ) : null}
        {alert ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {alert}
          </p>
        ) : null}
        <button type="submit" className={`${primaryButton} w-full`} disabled={pending || rateLimited}>
          {rateLimited
            ? `Try again in ${formatWait(retryInS)}`
            : pending
              ? setup
                ? 'Creating account…'
                : 'Signing in…'
              : setup
                ? 'Create owner account'
                : 'Sign in'}
        </button>
      </form>
    </section>
  );
}

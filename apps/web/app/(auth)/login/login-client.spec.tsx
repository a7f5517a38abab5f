import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoginClient } from './login-client';

const router = { replace: vi.fn(), refresh: vi.fn(), push: vi.fn() };
vi.mock('next/navigation', () => ({ useRouter: () => router }));

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  router.replace.mockReset();
  router.refresh.mockReset();
});

function respond(status: number, body?: unknown, headers: Record<string, string> = {}) {
  fetchMock.mockResolvedValueOnce(
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );
}

async function signIn(email: string, password: string) {
  const user = userEvent.setup();
  if (email) await user.type(screen.getByLabelText('Email'), email);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('LoginClient', () => {
  it('shows field errors from the login schema without calling the API', async () => {
    render(<LoginClient setupRequired={false} />);
    await signIn('not-an-email', '');

    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter a valid email address')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    // The error is tied to its field for screen readers, and focus moves to the first bad field.
    expect(email.getAttribute('aria-describedby')).toContain('field-email-error');
    expect(document.activeElement).toBe(email);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('posts the parsed credentials and goes to the dashboard on success', async () => {
    respond(204);
    render(<LoginClient setupRequired={false} />);
    await signIn('Owner@Example.com', 'correct horse');

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/auth/login');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ email: 'owner@example.com', password: 'correct horse' });
    expect(router.replace).toHaveBeenCalledWith('/');
  });

  it('shows "Wrong email or password" on 401', async () => {
    respond(401, { code: 'INVALID_CREDENTIALS', message: 'Invalid credentials' });
    render(<LoginClient setupRequired={false} />);
    await signIn('owner@example.com', 'wrong password');

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password');
    expect(router.replace).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says how long to wait when rate limited (429 with Retry-After)', async () => {
    respond(429, { code: 'RATE_LIMITED', message: 'Too many requests' }, { 'retry-after': '30' });
    render(<LoginClient setupRequired={false} />);
    await signIn('owner@example.com', 'whatever1');

    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts, try again in 30 s');
    expect((screen.getByRole('button', { name: 'Try again in 30 s' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('counts the wait down and lets the user try again when it is over', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      respond(429, { code: 'RATE_LIMITED', message: 'Too many requests' }, { 'retry-after': '2' });
      render(<LoginClient setupRequired={false} />);
      await signIn('owner@example.com', 'whatever1');
      expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts, try again in 2 s');

      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect((screen.getByRole('button', { name: 'Try again in 1 s' }) as HTMLButtonElement).disabled).toBe(true);
      // The alert is not rewritten every second, so screen readers announce it once.
      expect(screen.getByRole('alert').textContent).toBe('Too many attempts, try again in 2 s');
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect(screen.queryByRole('alert')).toBeNull();
      expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the field errors the API returns on 400', async () => {
    respond(400, {
      code: 'VALIDATION_FAILED',
      message: 'Invalid body',
      errors: [{ path: 'email', message: 'This address is not allowed' }],
    });
    render(<LoginClient setupRequired={false} />);
    await signIn('owner@example.com', 'whatever1');

    expect(await screen.findByText('This address is not allowed')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the API-unreachable message when the request fails outright', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));
    render(<LoginClient setupRequired={false} />);
    await signIn('owner@example.com', 'whatever1');

    expect((await screen.findByRole('alert')).textContent).toMatch(/Cannot reach the Fanout server/);
  });
});

describe('LoginClient first-run setup', () => {
  it('shows the setup form instead of sign-in when setup is required', () => {
    render(<LoginClient setupRequired />);

    expect(screen.getByRole('heading', { name: 'Set up Fanout' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create owner account' })).toBeTruthy();
    expect(screen.getByLabelText('Confirm password')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('validates the owner account with the setup schema and a matching confirmation', async () => {
    render(<LoginClient setupRequired />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'owner@example.com');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.type(screen.getByLabelText('Confirm password'), 'different');
    await user.click(screen.getByRole('button', { name: 'Create owner account' }));

    expect(screen.getByText('Use at least 10 characters')).toBeTruthy();
    expect(screen.getByText('The passwords do not match')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('creates the owner through /api/auth/setup and signs in', async () => {
    respond(201, { id: 'u1', email: 'owner@example.com', role: 'owner', createdAt: '2026-11-21T00:00:00Z' });
    render(<LoginClient setupRequired />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'owner@example.com');
    await user.type(screen.getByLabelText('Password'), 'long enough pw');
    await user.type(screen.getByLabelText('Confirm password'), 'long enough pw');
    await user.click(screen.getByRole('button', { name: 'Create owner account' }));

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/auth/setup');
    expect(JSON.parse(String(init?.body))).toEqual({ email: 'owner@example.com', password: 'long enough pw' });
    expect(router.replace).toHaveBeenCalledWith('/');
  });

  it('falls back to sign-in when someone else finished setup first (409)', async () => {
    respond(409, { code: 'SETUP_ALREADY_DONE', message: 'Already set up' });
    render(<LoginClient setupRequired />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'owner@example.com');
    await user.type(screen.getByLabelText('Password'), 'long enough pw');
    await user.type(screen.getByLabelText('Confirm password'), 'long enough pw');
    await user.click(screen.getByRole('button', { name: 'Create owner account' }));

    expect(await screen.findByRole('heading', { name: 'Sign in to Fanout' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/already set up/);
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '@fanout/contracts';
import { jsonResponse } from '../../../test/fixtures';
import { UsersClient } from './users-client';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const me: User = { id: 'u1', email: 'owner@example.com', role: 'owner', createdAt: '2026-11-21T20:00:00Z' };
const admin: User = { id: 'u2', email: 'admin@example.com', role: 'admin', createdAt: '2026-11-21T20:00:00Z' };

describe('UsersClient', () => {
  it('explains LAST_OWNER in plain words when demoting the only owner', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(409, { code: 'LAST_OWNER', message: 'last owner' }));
    render(<UsersClient initial={[me, admin]} me={me} />);
    await user.selectOptions(screen.getByLabelText('Role of owner@example.com'), 'admin');
    expect((await screen.findByRole('alert')).textContent).toBe('Fanout needs at least one owner. Make someone else an owner first.');
  });

  it('adds a user with a role, validating with the shared schema first', async () => {
    const user = userEvent.setup();
    render(<UsersClient initial={[me]} me={me} />);
    await user.type(screen.getByLabelText('Email'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    expect(screen.getByText('Enter a valid email address')).toBeTruthy();
    expect(screen.getByText('Use at least 10 characters')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();

    fetchMock.mockResolvedValueOnce(jsonResponse(201, { id: 'u3', email: 'new@example.com', role: 'admin', createdAt: '2026-11-21T22:00:00Z' }));
    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'new@example.com');
    await user.type(screen.getByLabelText('Initial password'), 'long enough pw');
    await user.selectOptions(screen.getByLabelText('Role'), 'admin');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ email: 'new@example.com', password: 'long enough pw', role: 'admin' });
    expect(await screen.findByText('new@example.com')).toBeTruthy();
  });

  it('shows EMAIL_TAKEN on the email field', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(409, { code: 'EMAIL_TAKEN', message: 'taken' }));
    render(<UsersClient initial={[me]} me={me} />);
    await user.type(screen.getByLabelText('Email'), 'admin@example.com');
    await user.type(screen.getByLabelText('Initial password'), 'long enough pw');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    expect(await screen.findByText('An account with this email already exists.')).toBeTruthy();
  });

  it('deletes a user after confirmation and keeps the dialog open with the reason when refused', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(409, { code: 'LAST_OWNER', message: 'last owner' }));
    render(<UsersClient initial={[me, admin]} me={me} />);
    await user.click(screen.getByRole('button', { name: 'Delete admin@example.com' }));
    await user.click(screen.getByRole('button', { name: 'Delete user' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/at least one owner/);
    expect(screen.getByRole('dialog')).toBeTruthy();
  });
});

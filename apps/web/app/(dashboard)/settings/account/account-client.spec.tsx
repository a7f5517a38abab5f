import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../../../../test/fixtures';
import { AccountClient, describeAgent } from './account-client';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const ME = { id: 'u1', email: 'me@example.com', role: 'member' as const, createdAt: '2026-11-21T20:00:00Z' };
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
const session = (id: string, current: boolean, userAgent: string) => ({ id, createdAt: '2026-11-21T20:00:00Z', lastSeenAt: '2026-11-21T21:00:00Z', expiresAt: '2026-12-21T20:00:00Z', userAgent, ip: current ? '192.0.2.1' : '198.51.100.2', current });

describe('AccountClient', () => {
  it('names browsers in words', () => {
    expect(describeAgent(FIREFOX)).toBe('Firefox on Linux');
    expect(describeAgent(PHONE)).toBe('Safari on iOS');
    expect(describeAgent(null)).toBe('Unknown browser');
  });

  it('checks the new password with the shared policy before sending anything', async () => {
    const user = userEvent.setup();
    render(<AccountClient me={ME} initialSessions={[session('s1', true, FIREFOX)]} />);
    await user.type(screen.getByLabelText('Current password'), 'my old password');
    await user.type(screen.getByLabelText('New password'), '1234567890');
    await user.type(screen.getByLabelText('New password again'), '1234567890');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByText('This password is too common; choose another')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('changes the password, then shows only this browser as signed in', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    render(<AccountClient me={ME} initialSessions={[session('s1', true, FIREFOX), session('s2', false, PHONE)]} />);
    await user.type(screen.getByLabelText('Current password'), 'my old password');
    await user.type(screen.getByLabelText('New password'), 'a much better password');
    await user.type(screen.getByLabelText('New password again'), 'a much better password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText(/Password changed/)).toBeTruthy();
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/auth/password');
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ currentPassword: 'my old password', newPassword: 'a much better password' });
    expect(screen.queryByText('Safari on iOS')).toBeNull();
  });

  it('shows the API\'s answer for a wrong current password on that field', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(400, { code: 'VALIDATION_FAILED', message: 'Some fields are not valid.', errors: [{ path: 'currentPassword', message: 'That is not your current password' }] }));
    render(<AccountClient me={ME} initialSessions={[]} />);
    await user.type(screen.getByLabelText('Current password'), 'wrong one here');
    await user.type(screen.getByLabelText('New password'), 'a much better password');
    await user.type(screen.getByLabelText('New password again'), 'a much better password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('That is not your current password')).toBeTruthy();
  });

  it('signs another browser out after confirmation', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    render(<AccountClient me={ME} initialSessions={[session('s1', true, FIREFOX), session('s2', false, PHONE)]} />);
    expect(screen.getByText('This browser')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Sign out Safari on iOS (198.51.100.2)' }));
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/auth/sessions/s2');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('DELETE');
    expect(await screen.findByRole('list', { name: 'Your sessions' })).toBeTruthy();
    await vi.waitFor(() => expect(screen.queryByText('Safari on iOS')).toBeNull());
  });

  it('signs every other browser out at once, keeping this one', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { revoked: 2 }));
    render(<AccountClient me={ME} initialSessions={[session('s1', true, FIREFOX), session('s2', false, PHONE), session('s3', false, FIREFOX)]} />);
    await user.click(screen.getByRole('button', { name: 'Sign out all other browsers' }));
    expect(screen.getByRole('dialog', { name: 'Sign out every other browser?' }).textContent).toContain('2 other browsers will have to sign in again');
    await user.click(screen.getByRole('button', { name: 'Sign out others' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/auth/sessions');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('DELETE');
    expect(await screen.findByText('Signed out 2 other browsers.')).toBeTruthy();
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Sign out all other browsers' })).toBeNull();
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../../../test/fixtures';
import { TokensClient } from './tokens-client';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  Reflect.deleteProperty(navigator, 'clipboard');
});

const created = { id: 't1', name: 'Stream deck', token: 'fo_pat_secretsecretsecret', scope: 'read-only', createdAt: '2026-11-21T22:00:00Z', expiresAt: null };

describe('TokensClient', () => {
  it('shows a new token once, with a copy button and a warning, then never again', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(201, created));
    render(<TokensClient initial={[]} />);
    expect(screen.getByText('No tokens yet.')).toBeTruthy();

    await user.type(screen.getByLabelText('Token name'), 'Stream deck');
    await user.selectOptions(screen.getByLabelText('Access'), 'read-only');
    await user.selectOptions(screen.getByLabelText('Expires'), '');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ name: 'Stream deck', scope: 'read-only' });

    expect(await screen.findByText(/It won.t be shown again/)).toBeTruthy();
    expect((screen.getByLabelText('New API token') as HTMLInputElement).value).toBe(created.token);
    await user.click(screen.getByRole('button', { name: 'Copy token' }));
    expect(await navigator.clipboard.readText()).toBe(created.token);
    expect(screen.getByRole('list', { name: 'Your API tokens' }).textContent).toContain('Stream deck');
    expect(screen.getByRole('list', { name: 'Your API tokens' }).textContent).toContain('Read only');

    await user.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByLabelText('New API token')).toBeNull();
    expect(document.body.textContent).not.toContain(created.token);
  });

  it('validates the name with the shared schema', async () => {
    const user = userEvent.setup();
    render(<TokensClient initial={[]} />);
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getByText('Give the token a name')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('revokes a token after confirmation', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    render(<TokensClient initial={[{ id: 't1', name: 'CI', scope: 'read-write', createdAt: '2026-11-21T22:00:00Z', lastUsedAt: null, expiresAt: null }]} />);
    await user.click(screen.getByRole('button', { name: 'Revoke CI' }));
    await user.click(screen.getByRole('button', { name: 'Revoke token' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/tokens/t1');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('DELETE');
    expect(await screen.findByText('No tokens yet.')).toBeTruthy();
  });

  it('sends a 90-day expiry by default', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(201, { ...created, scope: 'read-write', expiresAt: '2027-02-19T22:00:00Z' }));
    render(<TokensClient initial={[]} />);
    await user.type(screen.getByLabelText('Token name'), 'CI');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ name: 'CI', scope: 'read-write', expiresInDays: 90 });
  });
});

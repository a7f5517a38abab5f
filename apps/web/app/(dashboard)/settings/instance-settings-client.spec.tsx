import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../../../test/fixtures';
import { InstanceSettingsClient } from './instance-settings-client';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

describe('InstanceSettingsClient', () => {
  it('turns "Record new streams by default" on with a PATCH to /api/settings', async () => {
    const user = userEvent.setup();
    render(<InstanceSettingsClient initial={{ recordNewStreams: false }} />);
    const toggle = screen.getByRole('switch', { name: 'Record new streams by default' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { recordNewStreams: true }));
    await user.click(toggle);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/settings');
    expect(init?.method).toBe('PATCH');
    expect(JSON.parse(String(init?.body))).toEqual({ recordNewStreams: true });
    expect(screen.getByRole('switch', { name: 'Record new streams by default' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText(/start with “Record broadcasts” on/)).toBeTruthy();
  });

  it('keeps the setting and says why when the API refuses', async () => {
    const user = userEvent.setup();
    render(<InstanceSettingsClient initial={{ recordNewStreams: true }} />);
    fetchMock.mockResolvedValueOnce(jsonResponse(403, { code: 'FORBIDDEN', message: 'Only owners change instance settings.' }));
    await user.click(screen.getByRole('switch', { name: 'Record new streams by default' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only owners change instance settings.');
    expect(screen.getByRole('switch', { name: 'Record new streams by default' }).getAttribute('aria-checked')).toBe('true');
  });
});

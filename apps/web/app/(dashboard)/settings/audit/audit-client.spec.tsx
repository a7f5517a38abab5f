import type { AuditEntry, User } from '@fanout/contracts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../../../../test/fixtures';
import { AuditClient } from './audit-client';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const OWNER: User = { id: '00000000-0000-4000-8000-000000000001', email: 'owner@example.com', role: 'owner', createdAt: '2026-11-21T20:00:00Z' };
const MEMBER: User = { id: '00000000-0000-4000-8000-000000000002', email: 'member@example.com', role: 'member', createdAt: '2026-11-21T20:00:00Z' };

const entry = (id: string, action: string, metadata: Record<string, unknown>, actor: User | null = OWNER): AuditEntry => ({
  id,
  actor: actor ? { id: actor.id, email: actor.email } : null,
  action,
  targetType: action.split('.')[0]!,
  targetId: null,
  metadata,
  createdAt: '2026-11-21T21:00:00Z',
});

describe('AuditClient', () => {
  it('reads each entry in words: who, what, which, and the facts', () => {
    render(
      <AuditClient
        users={[OWNER, MEMBER]}
        initialFilter={{}}
        initial={{
          entries: [
            entry('e1', 'destination.update', { streamId: 's1', name: 'YouTube', changed: ['url', 'streamKey'], previousHost: 'a.example:1935', host: 'b.example:1935' }),
            entry('e2', 'auth.login-failed', { email: 'who@example.com', ip: '198.51.100.7', reason: 'unknown-email' }, null),
            entry('e3', 'destination.test', { streamId: 's1', name: 'Twitch', ok: false, reason: 'rejected-key' }, MEMBER),
            entry('e4', 'transcode.create', { name: 'Hook' }),
          ],
          nextCursor: null,
        }}
      />,
    );
    const rows = screen.getAllByRole('listitem').filter((li) => li.hasAttribute('data-audit-id'));
    expect(rows.map((r) => r.querySelector('p')!.textContent)).toEqual([
      'owner@example.com changed destination YouTube',
      'Someone sign-in failed',
      'member@example.com tested destination Twitch',
      'owner@example.com transcode.create Hook',
    ]);
    expect(within(rows[0]!).getByText('changed url, streamKey · server moved from a.example:1935 to b.example:1935')).toBeTruthy();
    expect(within(rows[1]!).getByText('email: who@example.com · from 198.51.100.7 · unknown email')).toBeTruthy();
    expect(within(rows[2]!).getByText('failed · Rejected stream key')).toBeTruthy();
  });

  it('filters by user and action through the API, and pages within the filter', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { entries: [entry('m1', 'stream.create', { name: 'Mine' }, MEMBER)], nextCursor: 'm1' }));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { entries: [entry('m1', 'stream.create', { name: 'Mine' }, MEMBER)], nextCursor: 'm1' }));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { entries: [entry('m0', 'stream.create', { name: 'Older' }, MEMBER)], nextCursor: null }));
    render(<AuditClient users={[OWNER, MEMBER]} initialFilter={{}} initial={{ entries: [entry('e1', 'auth.login', { ip: '127.0.0.1' })], nextCursor: null }} />);

    await user.selectOptions(screen.getByLabelText('User'), 'member@example.com');
    expect(String(fetchMock.mock.calls[0]![0])).toBe(`/api/audit?limit=50&actorId=${MEMBER.id}`);
    await user.selectOptions(screen.getByLabelText('Action'), 'Created stream');
    expect(String(fetchMock.mock.calls[1]![0])).toBe(`/api/audit?limit=50&actorId=${MEMBER.id}&action=stream.create`);
    expect(window.location.search).toBe(`?user=${MEMBER.id}&action=stream.create`);
    expect(await screen.findByText('Mine')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    expect(String(fetchMock.mock.calls[2]![0])).toBe(`/api/audit?limit=50&actorId=${MEMBER.id}&action=stream.create&cursor=m1`);
    expect(await screen.findByText('Older')).toBeTruthy();
    expect(screen.getByText('Mine')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
  });
});

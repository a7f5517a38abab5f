import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, streamDetail } from '../../../../test/fixtures';
import { StreamActions } from './stream-actions';

const router = { refresh: vi.fn(), push: vi.fn(), replace: vi.fn() };
vi.mock('next/navigation', () => ({ useRouter: () => router }));

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  vi.clearAllMocks();
});

describe('StreamActions', () => {
  it('renames the stream with the shared schema, then hands back what the API saved', async () => {
    const user = userEvent.setup();
    const onRenamed = vi.fn();
    const { streamKey: _key, backupStreamKey: _backup, ...saved } = streamDetail({ name: 'Evening service' });
    fetchMock.mockResolvedValueOnce(jsonResponse(200, saved));
    render(<StreamActions stream={streamDetail()} live={false} onRenamed={onRenamed} />);
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename stream' });
    const field = within(dialog).getByLabelText('Name');
    await user.clear(field);
    await user.click(within(dialog).getByRole('button', { name: 'Save name' }));
    expect(within(dialog).getByText('Give the stream a name')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.type(field, 'Evening service');
    await user.click(within(dialog).getByRole('button', { name: 'Save name' }));
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/streams/s1');
    expect(init?.method).toBe('PATCH');
    expect(JSON.parse(String(init?.body))).toEqual({ name: 'Evening service' });
    expect(onRenamed).toHaveBeenCalledWith(saved);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('deletes only once the name is typed, warns that a live broadcast ends, then goes to the streams list', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    render(<StreamActions stream={streamDetail()} live onRenamed={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Delete…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Sunday service?' });
    expect(dialog.textContent).toContain('This stream is live: deleting it ends the broadcast at once on every destination.');
    const confirm = within(dialog).getByRole('button', { name: 'End broadcast and delete' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('Type “Sunday service” to confirm'), 'Sunday servic');
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('Type “Sunday service” to confirm'), 'e');
    expect(confirm.disabled).toBe(false);
    await user.click(confirm);
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/streams/s1');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('DELETE');
    expect(router.replace).toHaveBeenCalledWith('/streams');
  });

  it('keeps the dialog open with the API’s reason when the delete fails', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(404, { code: 'NOT_FOUND', message: 'No such stream.' }));
    render(<StreamActions stream={streamDetail()} live={false} onRenamed={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Delete…' }));
    await user.type(screen.getByLabelText('Type “Sunday service” to confirm'), 'Sunday service');
    await user.click(screen.getByRole('button', { name: 'Delete stream' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No such stream.');
    expect(router.replace).not.toHaveBeenCalled();
  });
});

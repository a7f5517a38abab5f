import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, streamDetail } from '../../../../test/fixtures';
import { IngestPanel } from './ingest-panel';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('IngestPanel', () => {
  it('copies the server URL with "Copy server"', async () => {
    const user = userEvent.setup();
    render(<IngestPanel stream={streamDetail()} onRotated={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Copy server' }));
    expect(await navigator.clipboard.readText()).toBe('rtmp://fanout.local:1935/live');
  });

  it('copies the real stream key with "Copy stream key" while it stays masked on screen', async () => {
    const user = userEvent.setup();
    render(<IngestPanel stream={streamDetail()} onRotated={() => undefined} />);
    const field = screen.getByLabelText('Stream key (hidden)') as HTMLInputElement;
    expect(field.value).not.toContain('live_');

    await user.click(screen.getByRole('button', { name: 'Copy stream key' }));
    expect(await navigator.clipboard.readText()).toBe('live_abcdefghijklmnop');
    expect(field.value).not.toContain('live_');
  });

  it('says which address is still using the replaced key after a rotation, and nothing otherwise', () => {
    const { unmount } = render(<IngestPanel stream={streamDetail()} onRotated={() => undefined} />);
    expect(screen.queryByRole('alert')).toBeNull();
    unmount();
    render(<IngestPanel stream={streamDetail({ oldKeyInUse: { address: '198.51.100.23', lastSeenAt: '2026-11-21T20:05:00.000Z' } })} onRotated={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toMatch(/An encoder at 198\.51\.100\.23 is still using the old key/);
  });

  it('reveals and hides the key', async () => {
    const user = userEvent.setup();
    render(<IngestPanel stream={streamDetail()} onRotated={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect((screen.getByLabelText('Stream key') as HTMLInputElement).value).toBe('live_abcdefghijklmnop');
    expect(screen.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed')).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Hide' }));
    expect(screen.getByLabelText('Stream key (hidden)')).toBeTruthy();
  });

  it('rotates the key only after confirmation', async () => {
    const user = userEvent.setup();
    const onRotated = vi.fn();
    render(<IngestPanel stream={streamDetail()} onRotated={onRotated} />);
    await user.click(screen.getByRole('button', { name: 'Rotate key…' }));
    expect(screen.getByRole('dialog', { name: 'Rotate the stream key?' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fetchMock).not.toHaveBeenCalled();

    fetchMock.mockResolvedValueOnce(jsonResponse(200, streamDetail({ streamKey: 'live_newkey' })));
    await user.click(screen.getByRole('button', { name: 'Rotate key…' }));
    await user.click(screen.getByRole('button', { name: 'Rotate key' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/streams/s1/rotate-key');
    expect(onRotated).toHaveBeenCalledWith(expect.objectContaining({ streamKey: 'live_newkey' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the backup key beside the primary, masked, with its own reveal and copy, and what it is for', async () => {
    const user = userEvent.setup();
    render(<IngestPanel stream={streamDetail()} onRotated={() => undefined} />);
    expect(screen.getByText(/Point a second encoder here; it takes over by itself if the primary drops/)).toBeTruthy();
    const backup = screen.getByLabelText('Backup key (hidden)') as HTMLInputElement;
    expect(backup.value).not.toContain('live_');

    await user.click(screen.getByRole('button', { name: 'Copy backup key' }));
    expect(await navigator.clipboard.readText()).toBe('live_backupabcdefghij');

    await user.click(screen.getByRole('button', { name: 'Reveal backup key' }));
    expect((screen.getByLabelText('Backup key') as HTMLInputElement).value).toBe('live_backupabcdefghij');
    // The primary stays hidden: each key has its own reveal.
    expect(screen.getByLabelText('Stream key (hidden)')).toBeTruthy();
  });

  it('rotates the backup key only after confirmation, through its own route', async () => {
    const user = userEvent.setup();
    const onRotated = vi.fn();
    render(<IngestPanel stream={streamDetail()} onRotated={onRotated} />);
    await user.click(screen.getByRole('button', { name: 'Rotate backup key…' }));
    expect(screen.getByRole('dialog', { name: 'Rotate the backup key?' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fetchMock).not.toHaveBeenCalled();

    fetchMock.mockResolvedValueOnce(jsonResponse(200, streamDetail({ backupStreamKey: 'live_newbackup' })));
    await user.click(screen.getByRole('button', { name: 'Rotate backup key…' }));
    await user.click(screen.getByRole('button', { name: 'Rotate backup key' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/streams/s1/rotate-backup-key');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('POST');
    expect(onRotated).toHaveBeenCalledWith(expect.objectContaining({ backupStreamKey: 'live_newbackup' }));
    expect(screen.getByText(/New backup key created/)).toBeTruthy();
  });

  it('tells a non-owner that only the owner sees the key', () => {
    render(<IngestPanel stream={streamDetail({ streamKey: null, backupStreamKey: null })} onRotated={() => undefined} />);
    expect(screen.getByText(/Only the stream.s owner can see its key/)).toBeTruthy();
    expect(screen.getByText(/Only the stream.s owner can see its backup key/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Copy stream key' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Rotate/ })).toBeNull();
  });
});

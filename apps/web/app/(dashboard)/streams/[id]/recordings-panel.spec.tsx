import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Stream } from '@fanout/contracts';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, recording, streamDetail } from '../../../../test/fixtures';
import { recordingStateText } from '@/lib/recordings';
import { RecordingsPanel } from './recordings-panel';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

function Harness({ record = false }: { record?: boolean }) {
  const [stream, setStream] = useState<Stream>(streamDetail({ record }));
  return <RecordingsPanel stream={stream} refreshKey="idle" onChange={setStream} />;
}

const row = (id: string) => document.querySelector(`[data-recording-id="${id}"]`) as HTMLElement;

describe('RecordingsPanel', () => {
  it('lists each recording with start, duration, size, codecs and state', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(200, [
        recording({ id: 'r2', state: 'recording', endedAt: null, durationMs: 65_000, bytes: 48_000_000 }),
        recording({ id: 'r1' }),
        recording({ id: 'r0', state: 'failed', bytes: 0, durationMs: 0, failure: { reason: 'disk-full', message: 'ENOSPC' } }),
      ]),
    );
    render(<Harness />);
    await screen.findByRole('list', { name: 'Recordings' });
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/streams/s1/recordings');

    const done = within(row('r1'));
    expect(done.getByText('1 h 5 min')).toBeTruthy();
    expect(done.getByText('2.5 GB')).toBeTruthy();
    expect(done.getByText('H.264 · AAC')).toBeTruthy();
    expect(done.getByTestId('recording-state').textContent).toBe('Complete');
    expect(done.getByRole('link', { name: /^Download recording of/ }).getAttribute('href')).toBe('/api/recordings/r1/file');

    expect(within(row('r2')).getByTestId('recording-state').textContent).toBe('Recording');
    expect(within(row('r2')).getByText('1 min 5 s')).toBeTruthy();

    const failed = within(row('r0'));
    expect(failed.getByTestId('recording-state').textContent).toBe('Failed');
    expect(failed.getByText('the disk is full')).toBeTruthy();
    expect((failed.getByRole('button', { name: /^Play/ }) as HTMLButtonElement).disabled).toBe(true);
    expect(failed.queryByRole('link', { name: /^Download/ })).toBeNull();
  });

  it('plays a recording inline in a dialog from its file URL', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, [recording()]));
    render(<Harness />);
    await user.click(await screen.findByRole('button', { name: /^Play recording of/ }));
    const dialog = screen.getByRole('dialog', { name: /^Recording of/ });
    const video = within(dialog).getByTestId('recording-video') as HTMLVideoElement;
    expect(video.getAttribute('src')).toBe('/api/recordings/r1/file');
    expect(video.controls).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('deletes a recording only after confirmation', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, [recording()]));
    render(<Harness />);
    await user.click(await screen.findByRole('button', { name: /^Delete recording of/ }));
    expect(screen.getByRole('dialog', { name: 'Delete this recording?' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await user.click(screen.getByRole('button', { name: /^Delete recording of/ }));
    await user.click(screen.getByRole('button', { name: 'Delete recording' }));
    expect(fetchMock.mock.calls[1]![0]).toBe('/api/recordings/r1');
    expect(fetchMock.mock.calls[1]![1]?.method).toBe('DELETE');
    expect(await screen.findByText('No recordings yet.')).toBeTruthy();
  });

  it('switches "Record broadcasts" on with a PATCH, and reloads the list', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, []));
    render(<Harness />);
    await screen.findByText('No recordings yet.');
    const toggle = screen.getByRole('switch', { name: 'Record broadcasts' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    fetchMock.mockResolvedValueOnce(jsonResponse(200, streamDetail({ record: true })));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, []));
    await user.click(toggle);
    expect(fetchMock.mock.calls[1]![0]).toBe('/api/streams/s1');
    expect(JSON.parse(String(fetchMock.mock.calls[1]![1]?.body))).toEqual({ record: true });
    expect(screen.getByRole('switch', { name: 'Record broadcasts' }).getAttribute('aria-checked')).toBe('true');
    expect(fetchMock.mock.calls[2]![0]).toBe('/api/streams/s1/recordings');
  });

  it('has an error state with retry', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(500, { code: 'INTERNAL', message: 'Database unavailable' }));
    render(<Harness />);
    expect((await screen.findByRole('alert')).textContent).toContain('Database unavailable');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('says why a recording stopped, in words', () => {
    expect(recordingStateText({ state: 'interrupted', failure: null })).toEqual({ label: 'Interrupted', detail: 'the server stopped mid-broadcast; it plays up to where it stopped' });
    expect(recordingStateText({ state: 'failed', failure: { reason: 'something-new', message: 'Odd error' } })).toEqual({ label: 'Failed', detail: 'Odd error' });
    expect(recordingStateText({ state: 'complete', failure: null })).toEqual({ label: 'Complete', detail: null });
  });
});

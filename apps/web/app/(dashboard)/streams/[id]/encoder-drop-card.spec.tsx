import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StreamDetail } from '@fanout/contracts';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, streamDetail } from '../../../../test/fixtures';
import { EncoderDropCard, parseGraceSeconds, slateImageProblem } from './encoder-drop-card';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

/** The card with the page's state around it, so a saved stream shows. */
function Harness({ initial }: { initial: StreamDetail }) {
  const [stream, setStream] = useState(initial);
  return <EncoderDropCard stream={stream} onChange={(next) => setStream((s) => ({ ...s, ...next }))} />;
}

const png = (bytes = 100) => new File([new Uint8Array(bytes)], 'slate.png', { type: 'image/png' });

describe('EncoderDropCard', () => {
  it('says so when the server cannot show a slate, and not otherwise', () => {
    const { unmount } = render(<Harness initial={streamDetail()} />);
    expect(screen.queryByTestId('slate-unavailable')).toBeNull();
    unmount();
    render(<Harness initial={streamDetail({ slateUnavailable: 'ffmpeg not found at /nonexistent' })} />);
    expect(screen.getByTestId('slate-unavailable').textContent).toContain('This server cannot show a slate (ffmpeg not found at /nonexistent)');
  });

  it('shows the server default while the grace field is empty, and saves a number of seconds', async () => {
    const user = userEvent.setup();
    render(<Harness initial={streamDetail()} />);
    const field = screen.getByLabelText('Wait for the encoder (seconds)') as HTMLInputElement;
    expect(field.value).toBe('');
    expect(field.placeholder).toBe('Default: 10');
    expect(screen.getByText(/Empty: the server’s default, 10 s/)).toBeTruthy();

    fetchMock.mockResolvedValueOnce(jsonResponse(200, streamDetail({ graceSeconds: 300, effectiveGraceSeconds: 300 })));
    await user.type(field, '300');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/streams/s1');
    expect(init?.method).toBe('PATCH');
    expect(JSON.parse(String(init?.body))).toEqual({ graceSeconds: 300 });
    expect((await screen.findByRole('status')).textContent).toBe('Saved: destinations wait 300 s.');
    // Still known after the stream stops using it.
    expect(screen.getByText(/Empty: the server’s default, 10 s/)).toBeTruthy();
  });

  it('sends null for an empty field (back to the default)', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, streamDetail({ graceSeconds: null, effectiveGraceSeconds: 10 })));
    render(<Harness initial={streamDetail({ graceSeconds: 60, effectiveGraceSeconds: 60 })} />);
    const field = screen.getByLabelText('Wait for the encoder (seconds)') as HTMLInputElement;
    expect(field.value).toBe('60');
    await user.clear(field);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ graceSeconds: null });
    expect((await screen.findByRole('status')).textContent).toBe('Saved: destinations wait 10 s (the default).');
  });

  it('shows a value out of range on the field without a request, and the API’s field errors on their field', async () => {
    const user = userEvent.setup();
    render(<Harness initial={streamDetail()} />);
    const field = screen.getByLabelText('Wait for the encoder (seconds)');
    await user.type(field, '4000');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Use at most 3600 seconds (one hour)')).toBeTruthy();

    fetchMock.mockResolvedValueOnce(jsonResponse(400, { code: 'VALIDATION_FAILED', message: 'Check the highlighted fields.', errors: [{ path: 'graceSeconds', message: 'Not while live' }] }));
    await user.clear(field);
    await user.type(field, '20');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Not while live')).toBeTruthy();
  });

  it('turns the slate off and on at once', async () => {
    const user = userEvent.setup();
    render(<Harness initial={streamDetail({ slate: true })} />);
    const toggle = screen.getByRole('switch', { name: 'Slate' });
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    fetchMock.mockResolvedValueOnce(jsonResponse(200, streamDetail({ slate: false })));
    await user.click(toggle);
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ slate: false });
    expect(screen.getByRole('switch', { name: 'Slate' }).getAttribute('aria-checked')).toBe('false');
    expect(screen.getByText(/Off: while no encoder is on air/)).toBeTruthy();
  });

  it('uploads a PNG as the raw body, then shows it from the API with a fresh cache-busting URL', async () => {
    const user = userEvent.setup();
    render(<Harness initial={streamDetail({ slateImage: false })} />);
    expect(screen.getByText('Default card')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Use default card' })).toBeNull();

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    const file = png();
    await user.upload(screen.getByLabelText(/The default card is shown/), file);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/streams/s1/slate-image');
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe(file);
    expect(new Headers(init?.headers).get('content-type')).toBe('image/png');
    const image = (await screen.findByRole('img', { name: 'The stream’s slate image' })) as HTMLImageElement;
    expect(image.getAttribute('src')).toMatch(/^\/api\/streams\/s1\/slate-image\?v=\d+$/);
  });

  it('refuses a file that is too large or not an image before uploading, and shows the API’s image error', async () => {
    const user = userEvent.setup({ applyAccept: false });
    render(<Harness initial={streamDetail()} />);
    const picker = screen.getByLabelText(/The default card is shown/);
    await user.upload(picker, png(5 * 1024 * 1024 + 1));
    expect(screen.getByRole('alert').textContent).toMatch(/at most 5 MB/);
    await user.upload(picker, new File(['GIF89a'], 'slate.gif', { type: 'image/gif' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose a PNG or JPEG image.');
    expect(fetchMock).not.toHaveBeenCalled();

    fetchMock.mockResolvedValueOnce(jsonResponse(400, { code: 'VALIDATION_FAILED', message: 'Check the image.', errors: [{ path: 'image', message: 'Use an image of at most 3840×2160 pixels' }] }));
    await user.upload(picker, png());
    expect((await screen.findByRole('alert')).textContent).toBe('Use an image of at most 3840×2160 pixels');
  });

  it('goes back to the default card', async () => {
    const user = userEvent.setup();
    render(<Harness initial={streamDetail({ slateImage: true })} />);
    expect(screen.getByRole('img', { name: 'The stream’s slate image' })).toBeTruthy();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await user.click(screen.getByRole('button', { name: 'Use default card' }));
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/streams/s1/slate-image');
    expect(fetchMock.mock.calls[0]![1]?.method).toBe('DELETE');
    expect(await screen.findByText('Default card')).toBeTruthy();
  });

  it('reads the field and the file as the API would', () => {
    expect(parseGraceSeconds('  ')).toBeNull();
    expect(parseGraceSeconds('45')).toBe(45);
    expect(slateImageProblem({ type: 'image/jpeg', size: 1000 })).toBeNull();
  });
});

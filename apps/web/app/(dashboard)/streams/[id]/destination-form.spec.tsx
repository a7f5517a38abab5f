import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { destination, jsonResponse } from '../../../../test/fixtures';
import { DestinationForm } from './destination-form';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

function renderForm(props: Partial<React.ComponentProps<typeof DestinationForm>> = {}) {
  const onSaved = vi.fn();
  render(<DestinationForm streamId="s1" onSaved={onSaved} onCancel={() => undefined} {...props} />);
  return { onSaved, user: userEvent.setup() };
}

const urlField = () => screen.getByLabelText('Server URL') as HTMLInputElement;
const nameField = () => screen.getByLabelText('Name') as HTMLInputElement;

describe('DestinationForm', () => {
  it('prefills the server URL and name from the chosen platform preset', async () => {
    const { user } = renderForm();
    expect(urlField().value).toBe('rtmps://a.rtmps.youtube.com/live2');
    expect(nameField().value).toBe('YouTube');

    await user.selectOptions(screen.getByLabelText('Platform'), 'twitch');
    expect(urlField().value).toBe('rtmp://live.twitch.tv/app');
    expect(nameField().value).toBe('Twitch');
  });

  it("offers the preset's other servers, such as YouTube's backup ingest", async () => {
    const { user } = renderForm();
    await user.selectOptions(screen.getByLabelText('Server'), 'Backup (RTMPS)');
    expect(urlField().value).toBe('rtmps://b.rtmps.youtube.com/live2?backup=1');
  });

  it('keeps a name the user typed when the platform changes', async () => {
    const { user } = renderForm();
    await user.clear(nameField());
    await user.type(nameField(), 'Main channel');
    await user.selectOptions(screen.getByLabelText('Platform'), 'kick');
    expect(nameField().value).toBe('Main channel');
  });

  it('shows the shared schema errors without calling the API', async () => {
    const { user } = renderForm();
    await user.selectOptions(screen.getByLabelText('Platform'), 'custom');
    await user.click(screen.getByRole('button', { name: 'Add destination' }));

    expect(screen.getByText('Use an rtmp:// or rtmps:// URL with a server name')).toBeTruthy();
    expect(screen.getByText('Enter the stream key')).toBeTruthy();
    expect(urlField().getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses a key with spaces (e.g. the masked form pasted back)', async () => {
    const { user } = renderForm();
    await user.type(screen.getByLabelText('Stream key'), 'abc def');
    await user.click(screen.getByRole('button', { name: 'Add destination' }));
    expect(screen.getByText('Paste the key exactly as the platform shows it')).toBeTruthy();
  });

  it('posts a valid destination and hands back what the API saved', async () => {
    const saved = destination({ id: 'd9', platform: 'twitch', name: 'Twitch', url: 'rtmp://live.twitch.tv/app' });
    fetchMock.mockResolvedValueOnce(jsonResponse(201, saved));
    const { user, onSaved } = renderForm();
    await user.selectOptions(screen.getByLabelText('Platform'), 'twitch');
    await user.type(screen.getByLabelText('Stream key'), 'live_123_abc');
    await user.click(screen.getByRole('button', { name: 'Add destination' }));

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/streams/s1/destinations');
    expect(JSON.parse(String(init?.body))).toEqual({ name: 'Twitch', platform: 'twitch', url: 'rtmp://live.twitch.tv/app', streamKey: 'live_123_abc', enabled: true });
    expect(onSaved).toHaveBeenCalledWith(saved);
  });

  it("shows the server's 400 field errors on their fields", async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(400, { code: 'VALIDATION_FAILED', message: 'Check the fields', errors: [{ path: 'url', message: 'This server does not answer RTMP' }] }),
    );
    const { user, onSaved } = renderForm();
    await user.type(screen.getByLabelText('Stream key'), 'abcd-efgh');
    await user.click(screen.getByRole('button', { name: 'Add destination' }));

    expect(await screen.findByText('This server does not answer RTMP')).toBeTruthy();
    expect(urlField().getAttribute('aria-invalid')).toBe('true');
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('edits without resending the key when the key field is left empty', async () => {
    const existing = destination();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...existing, name: 'YT main' }));
    const { user } = renderForm({ destination: existing });
    expect((screen.getByLabelText('Stream key') as HTMLInputElement).placeholder).toBe('••••••••1a2b');
    await user.clear(nameField());
    await user.type(nameField(), 'YT main');
    await user.click(screen.getByRole('button', { name: 'Save destination' }));

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/destinations/d1');
    expect(init?.method).toBe('PATCH');
    expect(JSON.parse(String(init?.body))).toEqual({ name: 'YT main', platform: 'youtube', url: 'rtmps://a.rtmps.youtube.com/live2' });
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CopyButton } from './copy-button';

/** A page served over plain http on a LAN address has no `navigator.clipboard`. */
function removeClipboardApi() {
  Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
  Reflect.deleteProperty(document, 'execCommand');
});

describe('CopyButton', () => {
  it('writes the ingest URL to the clipboard and confirms it', async () => {
    const user = userEvent.setup(); // installs a clipboard stub on navigator
    render(<CopyButton value="rtmp://fanout.local:1935/live" label="Copy server URL" />);

    await user.click(screen.getByRole('button', { name: 'Copy server URL' }));

    expect(await navigator.clipboard.readText()).toBe('rtmp://fanout.local:1935/live');
    expect(screen.getByRole('button', { name: 'Copy server URL' }).textContent).toBe('Copied');
    expect(screen.getByRole('status').textContent).toBe('Copied to the clipboard');
  });

  it('falls back to a selection copy where the Clipboard API is missing (plain http on a LAN address)', async () => {
    const user = userEvent.setup();
    removeClipboardApi();
    let copied = '';
    const execCommand = vi.fn((command: string) => {
      copied = command === 'copy' ? (document.activeElement as HTMLTextAreaElement | null)?.value ?? '' : '';
      return true;
    });
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    render(<CopyButton value="rtmp://192.168.1.20:1935/live" label="Copy server URL" />);
    const button = screen.getByRole('button', { name: 'Copy server URL' });
    await user.click(button);

    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(copied).toBe('rtmp://192.168.1.20:1935/live');
    expect(screen.getByRole('status').textContent).toBe('Copied to the clipboard');
    expect(document.activeElement).toBe(button);
  });

  it('tells the user to copy by hand when copying fails', async () => {
    const user = userEvent.setup();
    removeClipboardApi();
    render(<CopyButton value="rtmp://x:1935/live" label="Copy server URL" />);
    await user.click(screen.getByRole('button', { name: 'Copy server URL' }));
    expect(screen.getByRole('status').textContent).toMatch(/Copy failed/);
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inputStatus, inputs, inputSwitch, jsonResponse } from '../../../../test/fixtures';
import { encoderStateText, OnAirPanel, switchBlocker } from './on-air-panel';

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => vi.stubGlobal('fetch', fetchMock));
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

const bothConnected = () => inputs({ backup: inputStatus({ state: 'warm', bitrateKbps: 2400 }) });

describe('OnAirPanel', () => {
  it('says which input is on air and how each encoder is', () => {
    render(<OnAirPanel streamId="s1" inputs={inputs()} lastSwitch={null} />);
    expect(screen.getByTestId('on-air-now').textContent).toBe('Primary');
    expect(screen.getByTestId('encoder-primary').textContent).toBe('On air');
    expect(screen.getByTestId('encoder-backup').textContent).toBe('Not connected');
    expect(screen.getByText('2.6 Mb/s · 30 fps · H.264 1280×720')).toBeTruthy();
  });

  it('disables the switches that cannot happen now, with the reason beside each', () => {
    render(<OnAirPanel streamId="s1" inputs={inputs({ slateReady: false })} lastSwitch={null} />);
    const toBackup = screen.getByRole('button', { name: 'Switch to backup' }) as HTMLButtonElement;
    expect(toBackup.disabled).toBe(true);
    expect(toBackup.getAttribute('aria-describedby') && document.getElementById(toBackup.getAttribute('aria-describedby')!)!.textContent).toBe('No backup encoder is connected.');
    expect((screen.getByRole('button', { name: 'Switch to primary' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Primary is on air.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Show slate' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/The slate is not ready/)).toBeTruthy();
  });

  it('switches to the backup, and shows what the API answered until the next snapshot', async () => {
    const user = userEvent.setup();
    const before = bothConnected();
    const { rerender } = render(<OnAirPanel streamId="s1" inputs={before} lastSwitch={null} />);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...before, onAir: 'backup', primary: { ...before.primary, state: 'warm' }, backup: { ...before.backup, state: 'live' } }));
    await user.click(screen.getByRole('button', { name: 'Switch to backup' }));
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/streams/s1/input');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ switchTo: 'backup' });
    expect(screen.getByTestId('on-air-now').textContent).toBe('Backup');
    expect((screen.getByRole('button', { name: 'Switch to primary' }) as HTMLButtonElement).disabled).toBe(false);

    // The next snapshot is the truth again.
    rerender(<OnAirPanel streamId="s1" inputs={inputs({ onAir: 'slate' })} lastSwitch={inputSwitch({ onAir: 'slate', reason: 'backup-lost' })} />);
    expect(screen.getByTestId('on-air-now').textContent).toBe('Slate');
    expect(screen.getByText(/backup lost/)).toBeTruthy();
  });

  it('shows the API’s 409 message in words', async () => {
    const user = userEvent.setup();
    render(<OnAirPanel streamId="s1" inputs={bothConnected()} lastSwitch={null} />);
    fetchMock.mockResolvedValueOnce(jsonResponse(409, { code: 'CONFLICT', message: 'The backup encoder is not connected or not sending.' }));
    await user.click(screen.getByRole('button', { name: 'Switch to backup' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The backup encoder is not connected or not sending.');
  });

  it('pins the backup with "Stay on backup", and unpins it', async () => {
    const user = userEvent.setup();
    const before = bothConnected();
    render(<OnAirPanel streamId="s1" inputs={before} lastSwitch={null} />);
    const pin = screen.getByRole('switch', { name: 'Stay on backup' });
    expect(pin.getAttribute('aria-checked')).toBe('false');
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...before, pinned: 'backup' }));
    await user.click(pin);
    expect(JSON.parse(String(fetchMock.mock.calls[0]![1]?.body))).toEqual({ pin: 'backup' });
    expect(screen.getByRole('switch', { name: 'Stay on backup' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('on-air-now').textContent).toContain('(staying on backup)');

    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...before, pinned: null }));
    await user.click(screen.getByRole('switch', { name: 'Stay on backup' }));
    expect(JSON.parse(String(fetchMock.mock.calls[1]![1]?.body))).toEqual({ pin: null });
  });

  it('puts encoder states and blockers in words', () => {
    expect(encoderStateText(inputStatus({ state: 'stalled', lastMediaAgoMs: 4200 }))).toBe('Connected, nothing for 4 s');
    expect(encoderStateText(inputStatus({ state: 'warm' }))).toBe('Connected, standing by');
    expect(switchBlocker(inputs({ backup: inputStatus({ state: 'stalled' }) }), 'backup')).toBe('The backup encoder is connected but sending nothing.');
    expect(switchBlocker(bothConnected(), 'slate')).toBeNull();
    // A lost encoder still named on air (the grace window): its absence is the reason.
    expect(switchBlocker(inputs({ primary: inputStatus({ state: 'gone' }) }), 'primary')).toBe('No primary encoder is connected.');
  });

  it('says nothing arrives while the encoder on air is lost', () => {
    render(<OnAirPanel streamId="s1" inputs={inputs({ primary: inputStatus({ state: 'gone', bitrateKbps: 0 }) })} lastSwitch={null} />);
    expect(screen.getByTestId('on-air-now').textContent).toBe('Primary· nothing arriving');
  });
});

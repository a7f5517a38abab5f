import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveBadge, StateBadge } from './state-badge';

afterEach(() => {
  vi.useRealTimers();
});

describe('StateBadge', () => {
  it.each([
    ['live', 'Live'],
    ['connecting', 'Connecting'],
    ['disabled', 'Disabled'],
    ['idle', 'Idle'],
  ] as const)('labels %s as "%s"', (state, label) => {
    render(<StateBadge state={state} />);
    expect(screen.getByTestId('state-label').textContent).toBe(label);
  });

  it.each([
    ['rejected-key', 'Rejected stream key'],
    ['refused', 'Connection refused'],
    ['dns', 'DNS lookup failed'],
    ['tls', 'TLS error'],
    ['timeout', 'Timed out'],
    ['stalled', 'Stalled: the destination stopped reading'],
    ['closed-by-peer', 'Closed by the platform'],
  ] as const)('says why a destination failed in plain words (%s)', (reason, words) => {
    render(<StateBadge state="failed" reason={reason} />);
    expect(screen.getByTestId('state-label').textContent).toBe('Failed');
    expect(screen.getByText(words)).toBeTruthy();
  });

  it('counts down to the next reconnect attempt, then says it is reconnecting now', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:00.000Z'));
    render(<StateBadge state="reconnecting" reason="refused" nextRetryAt="2026-11-21T22:00:03.000Z" />);
    expect(screen.getByTestId('state-label').textContent).toBe('Reconnecting in 3 s');
    expect(screen.getByText('Connection refused')).toBeTruthy();

    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(screen.getByTestId('state-label').textContent).toBe('Reconnecting in 2 s');
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(screen.getByTestId('state-label').textContent).toBe('Reconnecting now');
  });

  it('says reconnecting without a countdown when no retry time is known', () => {
    render(<StateBadge state="reconnecting" />);
    expect(screen.getByTestId('state-label').textContent).toBe('Reconnecting');
  });
});

describe('LiveBadge', () => {
  it('shows live with the uptime, or idle', () => {
    const { rerender } = render(<LiveBadge live uptime="5 min 3 s" />);
    expect(screen.getByText(/Live/).textContent).toContain('5 min 3 s');
    rerender(<LiveBadge live={false} />);
    expect(screen.getByText('Idle')).toBeTruthy();
  });
});

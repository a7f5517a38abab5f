import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCountdown, GraceCountdown, graceText } from './grace-countdown';

afterEach(() => vi.useRealTimers());

describe('GraceCountdown', () => {
  it('counts down to the server’s deadline, so a reload shows the right time left', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:03Z'));
    render(<GraceCountdown graceEndsAt="2026-11-21T22:00:10Z" />);
    expect(screen.getByRole('status').textContent).toContain('Publisher lost · destinations end in 7 s');
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(screen.getByTestId('grace-countdown').textContent).toContain('destinations end in 5 s');
    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(screen.getByTestId('grace-countdown').textContent).toContain('Publisher lost · destinations are ending');
  });

  it('says what it can without a deadline', () => {
    expect(graceText(null, Date.now())).toBe('Publisher lost · destinations are held for its return');
  });

  it('says the slate is on air, counting in minutes and seconds from a minute on', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-11-21T22:00:00Z'));
    render(<GraceCountdown graceEndsAt="2026-11-21T22:04:32Z" slate />);
    expect(screen.getByTestId('grace-countdown').textContent).toContain('Publisher lost · slate on air · destinations end in 4:32');
    expect(screen.getByTestId('grace-countdown').textContent).toContain('Your viewers see the slate.');
    await act(() => vi.advanceTimersByTimeAsync(213_000));
    expect(screen.getByTestId('grace-countdown').textContent).toContain('destinations end in 59 s');
  });

  it('writes a minute or more as m:ss', () => {
    expect(formatCountdown(7)).toBe('7 s');
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(272)).toBe('4:32');
    expect(formatCountdown(3600)).toBe('60:00');
  });
});

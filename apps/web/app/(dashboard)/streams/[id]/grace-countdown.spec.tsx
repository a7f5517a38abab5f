import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GraceCountdown, graceText } from './grace-countdown';

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
});

import { describe, expect, it } from 'vitest';
import { type DestinationState, transition } from './state';

describe('transition: reconfigure', () => {
  const cases: Array<[DestinationState, DestinationState['status'] | 'same']> = [
    [{ status: 'disabled' }, 'same'],
    [{ status: 'idle' }, 'same'],
    [{ status: 'connecting' }, 'connecting'],
    [{ status: 'live' }, 'connecting'],
    [{ status: 'reconnecting', reason: 'refused', nextRetryAt: 1 }, 'connecting'],
    [{ status: 'failed', reason: 'rejected-key' }, 'connecting'],
  ];
  for (const [state, expected] of cases) {
    it(`${state.status} + reconfigure ${expected === 'same' ? 'stays' : `goes to ${expected}`}`, () => {
      const next = transition(state, { type: 'reconfigure' });
      if (expected === 'same') expect(next).toBe(state);
      else expect(next.status).toBe(expected);
    });
  }
});

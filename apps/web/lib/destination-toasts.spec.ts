import { describe, expect, it } from 'vitest';
import type { DestinationState, FailureReason } from '@fanout/contracts';
import { destinationToasts, emptyToastMemory, type ToastMemory } from './destination-toasts';

const d = (state: DestinationState, reason?: FailureReason) => ({ id: 'd1', name: 'YouTube', state, failure: reason ? { reason, message: '', at: '' } : null });

function replay(states: Parameters<typeof d>[]): string[] {
  let memory: ToastMemory = emptyToastMemory;
  const said: string[] = [];
  for (const args of states) {
    const out = destinationToasts(memory, [d(...args)]);
    memory = out.memory;
    said.push(...out.toasts.map((t) => `${t.tone}: ${t.title}${t.detail ? ` — ${t.detail}` : ''}`));
  }
  return said;
}

describe('destination toasts', () => {
  it('says nothing about the states a page opens with', () => {
    expect(replay([['failed', 'rejected-key']])).toEqual([]);
  });

  it('tells a failure once, however many retries follow, and the recovery', () => {
    expect(
      replay([['live'], ['reconnecting', 'refused'], ['connecting'], ['reconnecting', 'refused'], ['connecting'], ['live']]),
    ).toEqual(['failure: YouTube lost its connection — Connection refused. Reconnecting…', 'recovery: YouTube is live again']);
  });

  it('tells a destination that cannot connect at the start, and again when it gives up', () => {
    expect(replay([['connecting'], ['reconnecting', 'rejected-key'], ['connecting'], ['failed', 'rejected-key']])).toEqual([
      'failure: YouTube cannot connect — Rejected stream key. Reconnecting…',
      'failure: YouTube failed — Rejected stream key. Fanout stopped trying: fix it, then use Retry now.',
    ]);
  });

  it('forgets the trouble when the broadcast ends or the destination is switched off', () => {
    expect(replay([['live'], ['reconnecting', 'timeout'], ['idle'], ['connecting'], ['live']])).toEqual(['failure: YouTube lost its connection — Timed out. Reconnecting…']);
  });
});

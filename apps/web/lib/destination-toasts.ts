import type { DestinationState } from '@fanout/contracts';
import { describeFailure } from './destination-state';
import type { DestinationView } from './stream-view';

export interface DestinationToast {
  /** Unique per toast. */
  key: string;
  destinationId: string;
  tone: 'failure' | 'recovery';
  title: string;
  detail: string | null;
}

/** What the toasts remember between updates: each destination's last state, and which are in trouble. */
export interface ToastMemory {
  states: ReadonlyMap<string, DestinationState>;
  troubled: ReadonlySet<string>;
  count: number;
}

export const emptyToastMemory: ToastMemory = { states: new Map(), troubled: new Set(), count: 0 };

const TROUBLE = new Set<DestinationState>(['reconnecting', 'failed']);

/**
 * Toasts for what changed while the page is open: a destination that lost its connection or
 * cannot connect (once, not on every retry), one that gave up, and one that is live again after
 * trouble. A destination seen for the first time (the page just opened) raises nothing: only
 * what happens while you watch. Pure, so the rules are tested without a browser.
 */
export function destinationToasts(memory: ToastMemory, destinations: readonly Pick<DestinationView, 'id' | 'name' | 'state' | 'failure'>[]): { memory: ToastMemory; toasts: DestinationToast[] } {
  const states = new Map(memory.states);
  const troubled = new Set(memory.troubled);
  const toasts: DestinationToast[] = [];
  let count = memory.count;
  const toast = (d: Pick<DestinationView, 'id'>, tone: DestinationToast['tone'], title: string, detail: string | null) =>
    toasts.push({ key: `${d.id}:${++count}`, destinationId: d.id, tone, title, detail });

  for (const d of destinations) {
    const before = states.get(d.id);
    states.set(d.id, d.state);
    if (before === undefined || before === d.state) continue;
    const why = describeFailure(d.failure?.reason);
    if (TROUBLE.has(d.state)) {
      if (!troubled.has(d.id)) {
        troubled.add(d.id);
        if (d.state === 'failed') toast(d, 'failure', `${d.name} failed`, why ? `${why}. Fanout stopped trying: fix it, then use Retry now.` : 'Fanout stopped trying: use Retry now.');
        else toast(d, 'failure', before === 'live' ? `${d.name} lost its connection` : `${d.name} cannot connect`, why ? `${why}. Reconnecting…` : 'Reconnecting…');
      } else if (d.state === 'failed' && before !== 'failed') {
        toast(d, 'failure', `${d.name} failed`, why ? `${why}. Fanout stopped trying: fix it, then use Retry now.` : 'Fanout stopped trying: use Retry now.');
      }
    } else if (d.state === 'live' && troubled.has(d.id)) {
      troubled.delete(d.id);
      toast(d, 'recovery', `${d.name} is live again`, null);
    } else if (d.state === 'idle' || d.state === 'disabled') {
      troubled.delete(d.id);
    }
  }
  for (const id of [...states.keys()]) {
    if (destinations.some((d) => d.id === id)) continue;
    states.delete(id);
    troubled.delete(id);
  }
  return { memory: { states, troubled, count }, toasts };
}

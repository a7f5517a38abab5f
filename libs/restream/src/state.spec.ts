import { describe, expect, it } from 'vitest';
import {
  DESTINATION_STATUSES,
  type DestinationEvent,
  type DestinationState,
  type DestinationStatus,
  transition,
} from './state';

/** One representative of each state. */
const states: Record<DestinationStatus, DestinationState> = {
  disabled: { status: 'disabled' },
  idle: { status: 'idle' },
  connecting: { status: 'connecting' },
  live: { status: 'live' },
  reconnecting: { status: 'reconnecting', reason: 'timeout', nextRetryAt: 1_000 },
  failed: { status: 'failed', reason: 'rejected-key' },
};

/** Every event, including both variants of those that carry a choice. */
const events = {
  'enable (ingest live)': { type: 'enable', ingestLive: true },
  'enable (no ingest)': { type: 'enable', ingestLive: false },
  disable: { type: 'disable' },
  ingestStarted: { type: 'ingestStarted' },
  ingestEnded: { type: 'ingestEnded' },
  connected: { type: 'connected' },
  'failed (retry)': { type: 'failed', reason: 'refused', retryAt: 5_000 },
  'failed (give up)': { type: 'failed', reason: 'rejected-key' },
  retry: { type: 'retry' },
} as const satisfies Record<string, DestinationEvent>;

type EventName = keyof typeof events;
/** `same` means the event does not apply: the very same state object comes back. */
type Expected = DestinationState | 'same';

const reconnecting: DestinationState = { status: 'reconnecting', reason: 'refused', nextRetryAt: 5_000 };
const failed: DestinationState = { status: 'failed', reason: 'rejected-key' };
const disabled: DestinationState = { status: 'disabled' };
const idle: DestinationState = { status: 'idle' };
const connecting: DestinationState = { status: 'connecting' };
const live: DestinationState = { status: 'live' };

// prettier-ignore
const table: Record<DestinationStatus, Record<EventName, Expected>> = {
  disabled: {
    'enable (ingest live)': connecting, 'enable (no ingest)': idle, disable: 'same',
    ingestStarted: 'same', ingestEnded: 'same', connected: 'same',
    'failed (retry)': 'same', 'failed (give up)': 'same', retry: 'same',
  },
  idle: {
    'enable (ingest live)': 'same', 'enable (no ingest)': 'same', disable: disabled,
    ingestStarted: connecting, ingestEnded: 'same', connected: 'same',
    'failed (retry)': 'same', 'failed (give up)': 'same', retry: 'same',
  },
  connecting: {
    'enable (ingest live)': 'same', 'enable (no ingest)': 'same', disable: disabled,
    ingestStarted: 'same', ingestEnded: idle, connected: live,
    'failed (retry)': reconnecting, 'failed (give up)': failed, retry: 'same',
  },
  live: {
    'enable (ingest live)': 'same', 'enable (no ingest)': 'same', disable: disabled,
    ingestStarted: 'same', ingestEnded: idle, connected: 'same',
    'failed (retry)': reconnecting, 'failed (give up)': failed, retry: 'same',
  },
  reconnecting: {
    'enable (ingest live)': 'same', 'enable (no ingest)': 'same', disable: disabled,
    ingestStarted: 'same', ingestEnded: idle, connected: 'same',
    'failed (retry)': 'same', 'failed (give up)': 'same', retry: connecting,
  },
  failed: {
    'enable (ingest live)': 'same', 'enable (no ingest)': 'same', disable: disabled,
    ingestStarted: 'same', ingestEnded: idle, connected: 'same',
    'failed (retry)': 'same', 'failed (give up)': 'same', retry: connecting,
  },
};

describe('transition', () => {
  it('has a table row for every state and a column for every event type', () => {
    expect(Object.keys(table).sort()).toEqual([...DESTINATION_STATUSES].sort());
    const eventTypes = new Set(Object.values(events).map((e) => e.type));
    expect(eventTypes).toEqual(new Set(['enable', 'disable', 'ingestStarted', 'ingestEnded', 'connected', 'failed', 'retry']));
  });

  for (const status of DESTINATION_STATUSES) {
    for (const [name, event] of Object.entries(events) as [EventName, DestinationEvent][]) {
      const expected = table[status][name];
      const label = expected === 'same' ? 'stays (same object)' : `goes to ${expected.status}`;
      it(`${status} + ${name} ${label}`, () => {
        const state = states[status];
        const next = transition(state, event);
        if (expected === 'same') expect(next).toBe(state);
        else {
          expect(next).toEqual(expected);
          expect(next).not.toBe(state);
        }
      });
    }
  }

  it('carries the failure reason and retry time into reconnecting', () => {
    expect(transition({ status: 'live' }, { type: 'failed', reason: 'stalled', retryAt: 42 })).toEqual({
      status: 'reconnecting',
      reason: 'stalled',
      nextRetryAt: 42,
    });
  });

  it('walks a whole session: enable, ingest, flap, give up, retry, ingest ends', () => {
    const steps: DestinationEvent[] = [
      { type: 'enable', ingestLive: false },
      { type: 'ingestStarted' },
      { type: 'connected' },
      { type: 'failed', reason: 'closed-by-peer', retryAt: 1_000 },
      { type: 'retry' },
      { type: 'failed', reason: 'rejected-key' },
      { type: 'retry' },
      { type: 'connected' },
      { type: 'ingestEnded' },
      { type: 'disable' },
    ];
    const seen: string[] = [];
    let state: DestinationState = { status: 'disabled' };
    for (const event of steps) {
      state = transition(state, event);
      seen.push(state.status);
    }
    expect(seen).toEqual(['idle', 'connecting', 'live', 'reconnecting', 'connecting', 'failed', 'connecting', 'live', 'idle', 'disabled']);
  });
});

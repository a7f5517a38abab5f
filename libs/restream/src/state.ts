/**
 * The state of one destination, as plain data, and a pure transition function. The engine owns
 * the side effects (sockets, timers, backoff); this decides only what state an event leads to,
 * so every (state, event) pair is testable in a table.
 */

export const FAILURE_REASONS = [
  'dns',
  'refused',
  'tls',
  'rejected-key',
  'timeout',
  'stalled',
  'closed-by-peer',
  'protocol',
] as const;

/**
 * Why a connection failed:
 * - `dns`: host did not resolve; `refused`: TCP connection refused; `tls`: handshake or certificate;
 * - `rejected-key`: the platform refused connect/publish (wrong or revoked stream key);
 * - `timeout`: no answer in time (connect, handshake, command); `stalled`: connected, but the
 *   destination stopped draining its queue; `closed-by-peer`: the server closed a working
 *   connection; `protocol`: the server violated RTMP.
 */
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const DESTINATION_STATUSES = ['disabled', 'idle', 'connecting', 'live', 'reconnecting', 'failed'] as const;
export type DestinationStatus = (typeof DESTINATION_STATUSES)[number];

export type DestinationState =
  /** Switched off by the user. */
  | { readonly status: 'disabled' }
  /** Enabled, no ingest to forward. */
  | { readonly status: 'idle' }
  | { readonly status: 'connecting' }
  | { readonly status: 'live' }
  /** Waiting for the backoff delay; `nextRetryAt` is on the engine's clock. */
  | { readonly status: 'reconnecting'; readonly reason: FailureReason; readonly nextRetryAt: number }
  /** Gave up until the user retries or the ingest restarts. */
  | { readonly status: 'failed'; readonly reason: FailureReason };

export type DestinationEvent =
  /** The user switched the destination on. `ingestLive` says whether there is something to forward. */
  | { readonly type: 'enable'; readonly ingestLive: boolean }
  | { readonly type: 'disable' }
  | { readonly type: 'ingestStarted' }
  | { readonly type: 'ingestEnded' }
  | { readonly type: 'connected' }
  /** A connection attempt or a live connection failed. With `retryAt`, retry then; without, give up. */
  | { readonly type: 'failed'; readonly reason: FailureReason; readonly retryAt?: number }
  /** The backoff delay elapsed, or the user asked to retry a failed destination now. */
  | { readonly type: 'retry' }
  /** The URL, key or TLS settings changed while active: drop the connection and connect again now. */
  | { readonly type: 'reconfigure' };

export type DestinationEventType = DestinationEvent['type'];

export const DISABLED: DestinationState = Object.freeze({ status: 'disabled' });
export const IDLE: DestinationState = Object.freeze({ status: 'idle' });
export const CONNECTING: DestinationState = Object.freeze({ status: 'connecting' });
export const LIVE: DestinationState = Object.freeze({ status: 'live' });

/**
 * The next state. **An event that does not apply to the state returns the very same object**
 * (`next === state`): the engine uses that to skip logging and broadcasting no-ops. Such events are
 * normal, not errors: a `connected` racing a `disable`, a late `retry` timer, `enable` twice.
 *
 * Invariant: `connecting`, `live`, `reconnecting` and `failed` only exist while the ingest is live
 * (`ingestEnded` takes each of them to `idle`), so `retry` from `failed` can go straight to
 * `connecting`.
 */
export function transition(state: DestinationState, event: DestinationEvent): DestinationState {
  if (event.type === 'disable') return state.status === 'disabled' ? state : DISABLED;
  if (event.type === 'reconfigure') return state.status === 'disabled' || state.status === 'idle' ? state : CONNECTING;
  switch (state.status) {
    case 'disabled':
      return event.type === 'enable' ? (event.ingestLive ? CONNECTING : IDLE) : state;
    case 'idle':
      return event.type === 'ingestStarted' ? CONNECTING : state;
    case 'connecting':
    case 'live':
      if (event.type === 'ingestEnded') return IDLE;
      if (event.type === 'connected') return state.status === 'connecting' ? LIVE : state;
      if (event.type === 'failed') return afterFailure(event.reason, event.retryAt);
      return state;
    case 'reconnecting':
    case 'failed':
      if (event.type === 'ingestEnded') return IDLE;
      if (event.type === 'retry') return CONNECTING;
      return state;
    default:
      return assertUnreachable(state);
  }
}

function afterFailure(reason: FailureReason, retryAt: number | undefined): DestinationState {
  if (retryAt === undefined) return { status: 'failed', reason };
  return { status: 'reconnecting', reason, nextRetryAt: retryAt };
}

function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

import type { DestinationState, FailureReason } from '@fanout/contracts';

/** A failure reason from the engine, in the words a streamer understands under stress. */
export const FAILURE_REASON_TEXT: Record<FailureReason, string> = {
  'rejected-key': 'Rejected stream key',
  refused: 'Connection refused',
  dns: 'DNS lookup failed',
  tls: 'TLS error',
  timeout: 'Timed out',
  stalled: 'Stalled: the destination stopped reading',
  'closed-by-peer': 'Closed by the platform',
  protocol: 'Protocol error',
  unreachable: 'Could not connect',
};

export function describeFailure(reason: FailureReason | null | undefined): string | null {
  return reason ? FAILURE_REASON_TEXT[reason] : null;
}

export const STATE_LABEL: Record<DestinationState, string> = {
  live: 'Live',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
  disabled: 'Disabled',
  idle: 'Idle',
};

/** Whole seconds from `now` until `iso`, never negative; null without a time. */
export function secondsUntil(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

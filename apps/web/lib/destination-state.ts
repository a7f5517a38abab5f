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

/**
 * What a destination row shows: the engine's state, or `holding` for a destination that is
 * connected while the publisher is gone (the grace window): it is waiting, not sending.
 */
export type DisplayState = DestinationState | 'holding';

export const STATE_LABEL: Record<DisplayState, string> = {
  live: 'Live',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
  disabled: 'Disabled',
  idle: 'Idle',
  holding: 'Holding',
};

/** Whole seconds from `now` until `iso`, never negative; null without a time. */
export function secondsUntil(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** What to do about a failure, in a sentence: shown with a connection test's result. */
export const FAILURE_HINT: Record<FailureReason, string> = {
  'rejected-key': 'The platform refused the stream key. Copy the key again from the platform and paste it into this destination.',
  refused: 'Nothing answers at that address and port. Check the server URL.',
  dns: 'The server name does not resolve. Check the server URL for typos.',
  tls: 'The secure connection failed. Check that the URL’s scheme (rtmps://) and port are right.',
  timeout: 'The server did not answer in time. Check the server URL, or try again in a moment.',
  stalled: 'The server stopped reading. Try again in a moment.',
  'closed-by-peer': 'The server closed the connection. Check the server URL and the stream key.',
  protocol: 'That server does not answer RTMP as expected. Check the server URL.',
  unreachable: 'Check the server URL and the stream key, then try again.',
};

/** A stored reason (a failure reason, or another code such as `wrong-password`) in words. */
export function reasonWords(reason: string): string {
  if (reason in FAILURE_REASON_TEXT) return FAILURE_REASON_TEXT[reason as FailureReason];
  return reason.replace(/-/g, ' ');
}

import { IDLE_INGEST, type DestinationState, type DestinationStateEvent, type FailureReason, type IngestEvent, type InputSwitchEvent, type StreamStatus } from '@fanout/contracts';
import type { DisplayState } from './destination-state';

type StatusDestination = StreamStatus['destinations'][number];

export interface DestinationView {
  id: string;
  name: string;
  state: DestinationState;
  bitrateKbps: number;
  droppedFrames: number;
  reconnects: number;
  /** The last failure, from the status snapshot or a newer state event. */
  failure: { reason: FailureReason; message: string; at: string } | null;
  nextRetryAt: string | null;
  liveSince: string | null;
  warnings: string[];
  /** When `state` was last set (ms since the epoch), so an older snapshot cannot undo a newer event. */
  stateAt: number;
}

export interface StreamView {
  /** The last status snapshot received, or null before the first one. */
  ingest: StreamStatus['ingest'] | null;
  /** `at` of the last applied snapshot (ms since the epoch). */
  at: number | null;
  destinations: DestinationView[];
  /** The encoders and the slate, as the last snapshot (or a newer `input` event) says; null while nothing publishes. */
  inputs: StreamStatus['inputs'];
  /** The last `input` event of this broadcast: what went on air, when and why. */
  lastSwitch: InputSwitchEvent | null;
}

export type StreamViewEvent =
  | { type: 'status'; status: StreamStatus }
  | { type: 'state'; event: DestinationStateEvent }
  | { type: 'ingest'; event: IngestEvent }
  | { type: 'input'; event: InputSwitchEvent };

export const emptyStreamView: StreamView = { ingest: null, at: null, destinations: [], inputs: null, lastSwitch: null };

function fromStatus(d: StatusDestination, at: number): DestinationView {
  return {
    id: d.id,
    name: d.name,
    state: d.state,
    bitrateKbps: d.bitrateKbps,
    droppedFrames: d.droppedFrames,
    reconnects: d.reconnects,
    failure: d.lastError,
    nextRetryAt: d.nextRetryAt,
    liveSince: d.liveSince,
    warnings: d.warnings,
    stateAt: at,
  };
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The stream page's live model: `status` snapshots (every second) replace it, and `state`
 * events (sent the moment a destination changes) update one destination in between.
 * Pure, so the page and its tests agree on what any sequence of events shows.
 *
 * - A snapshot older than the last one applied is ignored (events can arrive out of order
 *   across a reconnect and backfill).
 * - A state event newer than the last snapshot wins over that snapshot's state for its
 *   destination, until a newer snapshot arrives.
 * - A state event for a destination the view does not know yet is ignored: the next
 *   snapshot brings it with its name.
 */
export function reduceStreamView(view: StreamView, event: StreamViewEvent): StreamView {
  if (event.type === 'status') {
    const at = time(event.status.at);
    if (view.at !== null && at < view.at) return view;
    const previous = new Map(view.destinations.map((d) => [d.id, d]));
    const destinations = event.status.destinations.map((d) => {
      const next = fromStatus(d, at);
      const known = previous.get(d.id);
      if (known && known.stateAt > at) {
        // A state event newer than this snapshot: keep what it said.
        return { ...next, state: known.state, failure: known.failure, nextRetryAt: known.nextRetryAt, stateAt: known.stateAt };
      }
      return next;
    });
    let inputs = event.status.inputs;
    // A switch newer than this snapshot: keep what it put on air until a newer snapshot says otherwise.
    if (inputs && view.lastSwitch && time(view.lastSwitch.at) > at) inputs = { ...inputs, onAir: view.lastSwitch.onAir };
    return { ingest: event.status.ingest, at, destinations, inputs, lastSwitch: event.status.ingest.state === 'idle' ? null : view.lastSwitch };
  }

  if (event.type === 'ingest') return applyIngest(view, event.event);
  if (event.type === 'input') return applyInput(view, event.event);

  const e = event.event;
  const at = time(e.at);
  let changed = false;
  const destinations = view.destinations.map((d) => {
    if (d.id !== e.destinationId || at < d.stateAt) return d;
    changed = true;
    const failure = e.reason ? { reason: e.reason, message: e.message ?? '', at: e.at } : e.to === 'live' ? null : d.failure;
    return {
      ...d,
      state: e.to,
      failure,
      nextRetryAt: e.to === 'reconnecting' ? (e.nextRetryAt ?? null) : null,
      liveSince: e.to === 'live' ? e.at : e.to === 'connecting' ? d.liveSince : null,
      bitrateKbps: e.to === 'live' ? d.bitrateKbps : 0,
      stateAt: at,
    };
  });
  return changed ? { ...view, destinations } : view;
}

/**
 * The publisher arrived, left (destinations held open for its return) or the stream ended.
 * Shown at once; the next snapshot brings the figures (bitrate, fps, keyframe interval).
 */
function applyIngest(view: StreamView, e: IngestEvent): StreamView {
  const at = time(e.at);
  if (view.at !== null && at < view.at) return view;
  const base: StreamStatus['ingest'] = view.ingest ?? IDLE_INGEST;
  if (e.state === 'ended') {
    return {
      ...view,
      inputs: null,
      lastSwitch: null,
      ingest: { ...base, state: 'idle', reconnectGrace: false, graceEndsAt: null, startedAt: null, uptimeS: 0, bitrateKbps: 0, fps: 0, keyframeIntervalS: null },
    };
  }
  if (e.state === 'grace') return { ...view, ingest: { ...base, state: 'live', reconnectGrace: true, graceEndsAt: e.graceEndsAt, bitrateKbps: 0, fps: 0 } };
  return {
    ...view,
    ingest: {
      ...base,
      state: 'live',
      reconnectGrace: false,
      graceEndsAt: null,
      startedAt: base.state === 'live' && base.startedAt ? base.startedAt : e.at,
      video: e.video,
      audio: e.audio,
      audioPresent: e.audioPresent,
    },
  };
}

/** What is on air changed (failover, slate, failback, a switch by hand): shown at once, the next snapshot brings the rest. */
function applyInput(view: StreamView, e: InputSwitchEvent): StreamView {
  const at = time(e.at);
  if (view.lastSwitch && time(view.lastSwitch.at) > at) return view;
  if (view.at !== null && at < view.at) return { ...view, lastSwitch: e };
  return { ...view, lastSwitch: e, inputs: view.inputs ? { ...view.inputs, onAir: e.onAir } : view.inputs };
}

export interface HealthSummary {
  live: number;
  /** Destinations that are switched on (disabled ones are not expected to be live). */
  enabled: number;
  total: number;
  /** Enabled destinations in trouble: reconnecting or failed. */
  failing: number;
}

export function healthSummary(destinations: readonly { state: DestinationState }[]): HealthSummary {
  let live = 0;
  let enabled = 0;
  let failing = 0;
  for (const d of destinations) {
    if (d.state !== 'disabled') enabled += 1;
    if (d.state === 'live') live += 1;
    if (d.state === 'reconnecting' || d.state === 'failed') failing += 1;
  }
  return { live, enabled, total: destinations.length, failing };
}

/**
 * The state a destination row shows: switched off when it is not enabled; otherwise what the
 * engine last said of it, and before the engine has said anything, "connecting" while the
 * ingest is live (it is about to) or "idle". A live destination while the publisher is gone
 * (`grace`) is "holding": connected and waiting, sending nothing.
 */
export function displayedState(enabled: boolean, live: Pick<DestinationView, 'state'> | undefined, ingestLive: boolean, grace = false): DisplayState {
  if (!enabled) return 'disabled';
  if (live && live.state !== 'disabled') return live.state === 'live' && grace ? 'holding' : live.state;
  return ingestLive ? 'connecting' : 'idle';
}

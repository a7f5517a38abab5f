/**
 * The small IPC protocol between the bench and its node children (sinks, fan-out under test).
 */
import type { Managed } from './children';
import { wallMs, within } from './clock';

/** One received media message at a sink: arrival wall time, RTMP timestamp, payload length, type. */
export interface SinkLog {
  /** Stream name the sink was published to (sinkK). */
  name: string;
  /** Publish connections accepted for this name (more than 1 means the destination reconnected). */
  connections: number;
  /** Wire bytes received on its connections (handshake and chunk headers included). */
  wireBytes: number;
  closeErrors: string[];
  /** Arrival wall time of the first video message that carries a picture (not a sequence header). */
  firstFrameAt: number | null;
  at: number[];
  ts: number[];
  len: number[];
  type: number[];
}

export type ChildMessage =
  | { type: 'ready'; port: number; info?: Record<string, unknown> }
  | { type: 'error'; message: string }
  | { type: 'pong'; id: number; t: number }
  | { type: 'results'; sinks: SinkLog[] }
  | { type: 'count'; messages: number }
  | { type: 'stopped'; stats: unknown }
  | { type: 'viewed'; viewers: SinkLog[] };

export type ParentMessage =
  | { type: 'ping'; id: number }
  | { type: 'count' }
  | { type: 'collect' }
  | { type: 'stop' }
  /** To viewer-process.ts: open `count` HTTP-FLV previews of `url`. */
  | { type: 'view'; url: string; count: number };

export function send(managed: Managed, message: ParentMessage): void {
  if (managed.child.connected) managed.child.send(message);
}

/** The next message of `type` from the child; rejects on an 'error' message, exit or timeout. */
export function expect<T extends ChildMessage['type']>(
  managed: Managed,
  type: T,
  ms: number,
  filter: (m: Extract<ChildMessage, { type: T }>) => boolean = () => true,
): Promise<Extract<ChildMessage, { type: T }>> {
  let cleanup = (): void => undefined;
  const answer = new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const message = raw as ChildMessage;
      if (message.type === 'error') reject(new Error(`${managed.name}: ${message.message}`));
      else if (message.type === type && filter(message as Extract<ChildMessage, { type: T }>)) {
        resolve(message as Extract<ChildMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null, signal: string | null): void =>
      reject(new Error(`${managed.name} exited (${code ?? signal}) while waiting for '${type}'`));
    managed.child.on('message', onMessage);
    managed.child.once('exit', onExit);
    cleanup = () => {
      managed.child.off('message', onMessage);
      managed.child.off('exit', onExit);
    };
  });
  return within(answer, ms, `${managed.name} '${type}'`).finally(() => cleanup());
}

/**
 * Offset of the child's wall clock against ours (child minus parent), from the IPC round trip
 * with the smallest delay; `uncertaintyMs` is half that round trip.
 */
export async function clockOffset(managed: Managed, rounds = 15): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  let best = { offsetMs: 0, uncertaintyMs: Number.POSITIVE_INFINITY };
  for (let id = 1; id <= rounds; id++) {
    const t0 = wallMs();
    const pong = expect(managed, 'pong', 2_000, (m) => m.id === id);
    send(managed, { type: 'ping', id });
    const { t } = await pong;
    const t2 = wallMs();
    const half = (t2 - t0) / 2;
    if (half < best.uncertaintyMs) best = { offsetMs: t - (t0 + half), uncertaintyMs: half };
  }
  return best;
}

/** Child side: answers pings with its wall clock. */
export function answerPings(): void {
  process.on('message', (raw: unknown) => {
    const message = raw as ParentMessage;
    if (message.type === 'ping') process.send?.({ type: 'pong', id: message.id, t: wallMs() } satisfies ChildMessage);
  });
}

export function reply(message: ChildMessage): void {
  process.send?.(message);
}

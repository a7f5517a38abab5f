import { resolvePublishTarget } from '@fanout/rtmp';
import { type Clock, monotonicClock } from '../clock';
import { failureFromError } from '../failure';
import type { FailureReason } from '../state';
import { type DestinationSpec, type PublishFunction, defaultPublish } from './rtmp-destination';

/** What a connection test found: the platform took the publish, or why not. */
export type ProbeResult =
  | { readonly ok: true; /** Connect through NetStream.Publish.Start. */ readonly elapsedMs: number }
  | { readonly ok: false; readonly reason: FailureReason; /** Bounded, never the key. */ readonly message: string; readonly elapsedMs: number };

export interface ProbeOptions {
  /** Connects and publishes; `@fanout/rtmp`'s publishTarget by default. */
  publish?: PublishFunction;
  /** For TCP/TLS connect plus handshake, and again for connect through Publish.Start (default 10 s each). */
  timeoutMs?: number;
  clock?: Clock;
}

/**
 * Tests an RTMP destination without a broadcast: connect (through the spec's `lookup`, so the
 * host's address policy applies exactly as for a real connection), handshake, NetConnection.connect,
 * createStream and publish with the key, then unpublish at once (FCUnpublish, deleteStream)
 * without sending a single media message. Never throws: every failure comes back as a reason.
 */
export async function probeDestination(spec: Pick<DestinationSpec, 'url' | 'streamKey' | 'tls' | 'lookup'>, options: ProbeOptions = {}): Promise<ProbeResult> {
  const clock = options.clock ?? monotonicClock;
  const publish = options.publish ?? defaultPublish;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = clock();
  const elapsed = () => Math.max(0, Math.round(clock() - started));
  try {
    const target = resolvePublishTarget(spec.url, spec.streamKey);
    const publisher = await publish(target, {
      connectTimeoutMs: timeoutMs,
      timeoutMs,
      ...(spec.tls !== undefined ? { tls: spec.tls } : {}),
      ...(spec.lookup !== undefined ? { lookup: spec.lookup } : {}),
    });
    const elapsedMs = elapsed();
    await publisher.close().catch(() => undefined);
    return { ok: true, elapsedMs };
  } catch (error) {
    const failure = failureFromError(error, spec.streamKey);
    return { ok: false, reason: failure.reason, message: failure.message, elapsedMs: elapsed() };
  }
}

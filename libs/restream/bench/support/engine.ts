/**
 * The part of the engine API the bench drives (libs/restream/src, being written alongside):
 *
 *   new StreamRestreamer({ streamId, destinations: [{ id, name, url, streamKey, enabled }] })
 *   restreamer.attachPublisher(serverSession)   // after accepting the ingest's publish
 *   restreamer.stats                            // per destination bytesSent, droppedFrames, state
 *   await restreamer.close()
 *
 * Loaded dynamically so the bench typechecks and runs its peers before the engine exists.
 */
import type { ServerSession } from '@fanout/rtmp';

export interface BenchDestination {
  id: string;
  name: string;
  url: string;
  streamKey: string;
  enabled: boolean;
}

export interface RestreamerLike {
  attachPublisher(session: ServerSession): unknown;
  readonly stats: unknown;
  close(): Promise<void>;
}

export type RestreamerConstructor = new (options: { streamId: string; destinations: BenchDestination[] }) => RestreamerLike;

/** StreamRestreamer from the engine's source; rejects with a clear message while it is not exported. */
export async function loadRestreamer(): Promise<RestreamerConstructor> {
  const engine = (await import('../../src/index.js')) as Record<string, unknown>;
  const ctor = engine['StreamRestreamer'];
  if (typeof ctor !== 'function') throw new Error('libs/restream/src/index.ts does not export StreamRestreamer yet');
  return ctor as RestreamerConstructor;
}

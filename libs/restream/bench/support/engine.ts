/**
 * The part of the engine API the bench drives (libs/restream/src, being written alongside):
 *
 *   new StreamRestreamer({ streamId, destinations: [{ id, name, url, streamKey, enabled }] })
 *   restreamer.attachPublisher(rtmpIngestSource(serverSession))   // before accepting the ingest's publish
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
  attachPublisher(source: unknown): unknown;
  readonly stats: unknown;
  close(): Promise<void>;
}

export type RestreamerConstructor = new (options: { streamId: string; destinations: BenchDestination[] }) => RestreamerLike;

/** The engine as the bench drives it: a restreamer, and how an accepted RTMP publish becomes its ingest source. */
export interface LoadedEngine {
  StreamRestreamer: RestreamerConstructor;
  /** An accepted ServerSession as the engine's ingest (engines before the IngestSource port took the session itself). */
  source(session: ServerSession): unknown;
}

/**
 * StreamRestreamer from the engine's source — this checkout's, or `BENCH_ENGINE_SRC` (another
 * checkout's libs/restream/src, to compare two versions of the engine in the same run).
 */
export async function loadEngine(srcDir = process.env.BENCH_ENGINE_SRC): Promise<LoadedEngine> {
  const engine = (await import(srcDir ? `${srcDir.replace(/\/$/, '')}/index.ts` : '../../src/index.js')) as Record<string, unknown>;
  const ctor = engine['StreamRestreamer'];
  if (typeof ctor !== 'function') throw new Error(`${srcDir ?? 'libs/restream/src'}/index.ts does not export StreamRestreamer`);
  const toSource = engine['rtmpIngestSource'];
  return {
    StreamRestreamer: ctor as RestreamerConstructor,
    source: typeof toSource === 'function' ? (session) => (toSource as (s: ServerSession) => unknown)(session) : (session) => session,
  };
}

import type { RtmpPublisher, RtmpServer, ServerSession } from '@fanout/rtmp';
import { type DestinationSpec, type DestinationStateEvent, type IngestEvent, StreamRestreamer, type StreamRestreamerOptions, type StreamStats } from '../../src';
import { Sink, startIngest, waitFor } from './harness';

/** Short timeouts so the suite stays fast; lossless queues so fan-out tests can count every frame. */
export const FAST: Partial<StreamRestreamerOptions> = {
  graceMs: 1_500,
  statsIntervalMs: 200,
  stallTimeoutMs: 1_500,
  connectTimeoutMs: 2_000,
  connectDelayMs: 300,
  backoff: { initialMs: 150, floorMs: 50, maxMs: 1_000 },
  queue: { maxBytes: 64 * 1024 * 1024, maxDurationMs: 600_000 },
};

export function specFor(sink: Sink, id: string, extra: Partial<DestinationSpec> = {}): DestinationSpec {
  return { id, name: `Sink ${id}`, url: sink.url, streamKey: sink.key, enabled: true, ...extra };
}

export interface Rig {
  restreamer: StreamRestreamer;
  ingest: { server: RtmpServer; url: string; sessions: ServerSession[] };
  sinks: Sink[];
  states: DestinationStateEvent[];
  ingestEvents: IngestEvent[];
  stats: StreamStats[];
  ended: number;
  /** Waits until the destination is in `status` (bounded). */
  waitState(id: string, status: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function makeRig(sinkCount: number, options: Partial<StreamRestreamerOptions> = {}, specs?: (sinks: Sink[]) => DestinationSpec[]): Promise<Rig> {
  const sinks = await Promise.all(Array.from({ length: sinkCount }, () => new Sink().listen()));
  const restreamer = new StreamRestreamer({
    streamId: 'stream-1',
    destinations: specs ? specs(sinks) : sinks.map((sink, i) => specFor(sink, `d${i}`)),
    ...FAST,
    ...options,
  });
  const rig: Rig = {
    restreamer,
    ingest: await startIngest(() => restreamer),
    sinks,
    states: [],
    ingestEvents: [],
    stats: [],
    ended: 0,
    waitState: (id, status, timeoutMs = 10_000) =>
      waitFor(`${id} ${status}`, () => restreamer.stats.destinations.find((d) => d.id === id)?.state === status, timeoutMs),
    close: async () => {
      await restreamer.close();
      await rig.ingest.server.close();
      await Promise.all(sinks.map((s) => s.kill()));
    },
  };
  restreamer.on('destinationState', (change) => rig.states.push(change));
  restreamer.on('ingest', (event) => rig.ingestEvents.push(event));
  restreamer.on('stats', (stats) => rig.stats.push(stats));
  restreamer.on('ended', () => (rig.ended += 1));
  return rig;
}

/** A test's teardown: unpublish the publishers it opened (emptying the list), then close its rig. */
export async function closeRig(rig: Rig | undefined, publishers: RtmpPublisher[]): Promise<void> {
  for (const p of publishers.splice(0)) if (!p.closed) await p.close().catch(() => undefined);
  await rig?.close();
}

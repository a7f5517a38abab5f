import type { StreamStats } from '@fanout/restream';

/**
 * Monotonic totals across every stream, from the engine's per-destination cumulative stats.
 * The engine's numbers restart when a restreamer or a destination is re-created; adding
 * only the growth since the last look keeps each total from ever going back. Received
 * ingest bytes are not counted by the engine: they are integrated from its bitrate, once
 * per stats tick (an estimate, good to a few percent).
 */
export class EngineCounters {
  bytesSent = 0;
  droppedFrames = 0;
  reconnects = 0;
  ingestBytes = 0;
  private readonly last = new Map<string, Map<string, { bytesSent: number; droppedFrames: number; reconnects: number }>>();
  private readonly lastTick = new Map<string, number>();

  /** Destination totals from any look at a stream's stats (a tick or a scrape). */
  observe(stats: StreamStats): void {
    let seen = this.last.get(stats.streamId);
    if (!seen) this.last.set(stats.streamId, (seen = new Map()));
    for (const d of stats.destinations) {
      const before = seen.get(d.id) ?? { bytesSent: 0, droppedFrames: 0, reconnects: 0 };
      this.bytesSent += growth(before.bytesSent, d.bytesSent);
      this.droppedFrames += growth(before.droppedFrames, d.droppedFrames);
      this.reconnects += growth(before.reconnects, d.reconnects);
      seen.set(d.id, { bytesSent: d.bytesSent, droppedFrames: d.droppedFrames, reconnects: d.reconnects });
    }
  }

  /** A periodic 'stats' event: also integrates the ingest bitrate over the time since the last tick (at most 5 s). */
  tick(stats: StreamStats, intervalS = 1): void {
    this.observe(stats);
    const at = Date.parse(stats.at);
    const previous = this.lastTick.get(stats.streamId);
    this.lastTick.set(stats.streamId, at);
    const seconds = previous === undefined ? intervalS : Math.min(5, Math.max(0, (at - previous) / 1000));
    if (stats.ingest.state === 'live') this.ingestBytes += Math.round((stats.ingest.bitrateKbps * 1000 * seconds) / 8);
  }

  /** The stream's restreamer is gone: its next one starts counting from zero. */
  forget(streamId: string): void {
    this.last.delete(streamId);
    this.lastTick.delete(streamId);
  }
}

function growth(before: number, now: number): number {
  return now >= before ? now - before : now;
}

import type { StreamStats } from '@fanout/restream';

/**
 * What the rest of the API may ask of live streams, whatever runs them: today the engines of
 * this process (`EngineRegistry`), later the node that holds a stream's lease. Services depend
 * on this port, never on the engine.
 */
export abstract class LiveControl {
  /** Applies a stream's changed destinations at once; only the changed ones are touched. */
  abstract refreshDestinations(streamId: string): Promise<void>;
  /** Disconnects the stream's encoder (its key was rotated); destinations wait out the grace window. */
  abstract dropPublisher(streamId: string, reason: string): void;
  /** Ends the stream's broadcast now (it was deleted): encoder closed, destinations unpublished. */
  abstract endStream(streamId: string, reason: string): Promise<void>;
  /** "Retry now" for a destination waiting to reconnect or failed; false when the stream is not live. */
  abstract retryDestination(streamId: string, destinationId: string): boolean;
  /** Live statistics, or undefined when nothing is publishing and no grace window is open. */
  abstract stats(streamId: string): StreamStats | undefined;
  /** Statistics of every active stream. */
  abstract liveStats(): StreamStats[];
}

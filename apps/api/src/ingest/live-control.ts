import type { FlvTarget, InputRole, Sink, SinkContext, StreamStats } from '@fanout/restream';

/** One preview viewer of a live stream: an HTTP-FLV response, in practice. */
export interface PreviewViewer {
  /** Unique among the stream's viewers. */
  readonly id: string;
  readonly target: FlvTarget;
  /** The engine dropped the viewer: it stopped reading, or the broadcast ended. Called once. */
  gone(reason: string): void;
}

/**
 * What the rest of the API may ask of live streams, whatever runs them: today the engines of
 * this process (`EngineRegistry`), later the node that holds a stream's lease. Services depend
 * on this port, never on the engine.
 */
export abstract class LiveControl {
  /** Applies a stream's changed destinations at once; only the changed ones are touched. */
  abstract refreshDestinations(streamId: string): Promise<void>;
  /** Disconnects one of the stream's encoders (its key was rotated); the other, the slate or the grace window carry on. */
  abstract dropPublisher(streamId: string, reason: string, role?: InputRole): void;
  /** The stream's slate settings changed (on, off, a new image): applied to its live engine now. */
  abstract refreshStreamSettings(streamId: string): Promise<void>;
  /** Puts an encoder (at its next keyframe) or the slate on air by hand; false when not live or it cannot go on air. */
  abstract switchInput(streamId: string, target: InputRole | 'slate'): boolean;
  /** Prefers an encoder ("stay on backup"), or the primary again with null; false when not live. */
  abstract pinInput(streamId: string, role: InputRole | null): boolean;
  /** Ends the stream's broadcast now (it was deleted): encoder closed, destinations unpublished. */
  abstract endStream(streamId: string, reason: string): Promise<void>;
  /** "Retry now" for a destination waiting to reconnect or failed; false when the stream is not live. */
  abstract retryDestination(streamId: string, destinationId: string): boolean;
  /**
   * Starts a preview viewer at the stream's current keyframe, with its own bounded queue (a
   * viewer that stops reading is dropped, never waited for). Returns its detach function, or
   * undefined when nothing is publishing.
   */
  abstract attachViewer(streamId: string, viewer: PreviewViewer): (() => Promise<void>) | undefined;
  /**
   * Attaches another output (a recording) to a live stream's engine, built with its context; it
   * starts from what the engine's start log or GOP cache holds. False when nothing is publishing.
   */
  abstract attachSink(streamId: string, make: (context: SinkContext) => Sink): boolean;
  /** Adds a provider of the outputs engines get at birth (see {@link EngineSinkProvider}); returns its removal. */
  abstract provideSinks(provider: EngineSinkProvider): () => void;
  /** Detaches and closes an output attached with {@link attachSink}; nothing when it is gone. */
  abstract detachSink(streamId: string, sinkId: string): Promise<void>;
  /** Live statistics, or undefined when nothing is publishing and no grace window is open. */
  abstract stats(streamId: string): StreamStats | undefined;
  /** Statistics of every active stream. */
  abstract liveStats(): StreamStats[];
}

/**
 * Outputs an engine gets at birth, before its first publish is accepted (so a recording starts
 * at the broadcast's first frame): each provider says which sinks a stream wants. Providers add
 * themselves with {@link LiveControl.provideSinks}; the engine's destinations are read beside them.
 */
export interface EngineSinkProvider {
  sinksFor(streamId: string): Promise<((context: SinkContext) => Sink)[]>;
}

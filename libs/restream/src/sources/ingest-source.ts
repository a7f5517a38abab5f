import type { AmfValue } from '@fanout/rtmp';

/** Why a source stopped: its publisher unpublished (the streamer stopped), or its connection dropped. */
export type SourceEnd = 'stopped' | 'lost';

/** What an ingest source emits, in the engine's terms (FLV tag bodies, millisecond timestamps). */
export interface IngestSourceEvents {
  /** An FLV video tag body (legacy or Enhanced RTMP). `payload` may be a view into a read buffer: copy it to keep it. */
  video: [timestamp: number, payload: Buffer];
  audio: [timestamp: number, payload: Buffer];
  /** `onMetaData`, decoded. */
  metadata: [value: AmfValue, timestamp: number];
  /** Any other AMF0 data message body (cue points, captions), forwarded as is. */
  data: [timestamp: number, payload: Buffer];
  /** The source will emit nothing more. `code` is the transport's own reason, for logs. */
  ended: [end: SourceEnd, code: string | undefined];
}

/**
 * A publisher as the engine sees it, whatever carries it: the port an RTMP publish fills today
 * (`rtmpIngestSource`) and an SRT/MPEG-TS ingest or a generated slate could fill later. Events
 * arrive in order; after 'ended' there are none.
 */
export interface IngestSource {
  /** 'rtmp', or another transport's name. */
  readonly kind: string;
  /** Ended already (it may have ended before the engine listened). */
  readonly ended: boolean;
  on<K extends keyof IngestSourceEvents>(event: K, listener: (...args: IngestSourceEvents[K]) => void): unknown;
  off<K extends keyof IngestSourceEvents>(event: K, listener: (...args: IngestSourceEvents[K]) => void): unknown;
  /** Closes the publisher's connection (a takeover, a rotated key, a shutdown). */
  close(reason: string): void;
}

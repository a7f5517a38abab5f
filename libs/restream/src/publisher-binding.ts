import type { AmfValue } from '@fanout/rtmp';
import type { IngestSource, SourceEnd } from './sources/ingest-source';

/** Where a bound source's events go. */
export interface IngestHandlers {
  video(timestamp: number, payload: Buffer): void;
  audio(timestamp: number, payload: Buffer): void;
  metadata(value: AmfValue, timestamp: number): void;
  data(timestamp: number, payload: Buffer): void;
  /** The bound source ended (it is unbound already). */
  ended(source: IngestSource, end: SourceEnd, code: string | undefined): void;
}

/**
 * Binds the one ingest source that is on air to the engine: its events reach the handlers;
 * a replaced source's late events are dropped; nothing a handler throws reaches the source's
 * callbacks (it is reported to `onError`, so a host bug cannot break the ingest socket).
 */
export class PublisherBinding {
  private current: IngestSource | undefined;
  private unbind: (() => void) | undefined;

  constructor(
    private readonly handlers: IngestHandlers,
    private readonly onError: (event: string, error: unknown) => void,
  ) {}

  get source(): IngestSource | undefined {
    return this.current;
  }

  /** Makes `source` the one on air (detaching any previous one, which the caller closes). */
  bind(source: IngestSource): void {
    this.detach();
    this.current = source;
    const guard =
      <A extends unknown[]>(name: string, fn: (...args: A) => void) =>
      (...args: A): void => {
        if (this.current !== source) return;
        try {
          fn(...args);
        } catch (error) {
          this.onError(name, error);
        }
      };
    const h = this.handlers;
    const onVideo = guard('video', (ts: number, payload: Buffer) => h.video(ts, payload));
    const onAudio = guard('audio', (ts: number, payload: Buffer) => h.audio(ts, payload));
    const onMetadata = guard('metadata', (value: AmfValue, ts: number) => h.metadata(value, ts));
    const onData = guard('data', (ts: number, payload: Buffer) => h.data(ts, payload));
    const onEnded = guard('ended', (end: SourceEnd, code: string | undefined) => {
      this.detach();
      h.ended(source, end, code);
    });
    source.on('video', onVideo);
    source.on('audio', onAudio);
    source.on('metadata', onMetadata);
    source.on('data', onData);
    source.on('ended', onEnded);
    this.unbind = () => {
      source.off('video', onVideo);
      source.off('audio', onAudio);
      source.off('metadata', onMetadata);
      source.off('data', onData);
      source.off('ended', onEnded);
    };
  }

  /** Stops listening to the current source; returns it. */
  detach(): IngestSource | undefined {
    const source = this.current;
    this.unbind?.();
    this.unbind = undefined;
    this.current = undefined;
    return source;
  }
}

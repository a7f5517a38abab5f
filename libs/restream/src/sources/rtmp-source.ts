import { EventEmitter } from 'node:events';
import { MessageType, type RawMessage, RtmpError, type ServerSession } from '@fanout/rtmp';
import type { IngestSource, IngestSourceEvents } from './ingest-source';

/**
 * An accepted RTMP publish as an {@link IngestSource}: the session's media, metadata and data on
 * the published stream, and its end — a clean FCUnpublish/deleteStream is `stopped`, a dropped
 * connection `lost`. AMF3 data messages are not forwarded.
 */
export function rtmpIngestSource(session: ServerSession): IngestSource {
  return new RtmpIngestSource(session);
}

class RtmpIngestSource extends EventEmitter<IngestSourceEvents> implements IngestSource {
  readonly kind = 'rtmp';
  private endedValue: boolean;

  constructor(private readonly session: ServerSession) {
    super();
    this.endedValue = session.closed;
    // Listeners registered now stay for the session's life: the session is never reused.
    session.on('video', (raw: RawMessage) => this.emit('video', raw.timestamp, raw.payload));
    session.on('audio', (raw: RawMessage) => this.emit('audio', raw.timestamp, raw.payload));
    session.on('metadata', (value, raw) => this.emit('metadata', value, raw.timestamp));
    session.on('data', (_values, raw) => {
      if (raw.type === MessageType.DataAmf0) this.emit('data', raw.timestamp, raw.payload);
    });
    // A session that closes while publishing emits 'unpublish' too, already closed: that is a lost connection.
    session.on('unpublish', () => this.end(session.closed ? 'lost' : 'stopped', session.error?.code));
    session.on('close', (error) => this.end('lost', error?.code));
  }

  get ended(): boolean {
    return this.endedValue;
  }

  close(reason: string): void {
    this.session.close(new RtmpError('SESSION_CLOSED', reason));
  }

  private end(how: 'stopped' | 'lost', code: string | undefined): void {
    if (this.endedValue) return;
    this.endedValue = true;
    this.emit('ended', how, code);
  }
}

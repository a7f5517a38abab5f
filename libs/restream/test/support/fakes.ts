import { EventEmitter } from 'node:events';
import { type RawMessage, RtmpError, type RtmpUrl, type ServerSession, encodeAmf0 } from '@fanout/rtmp';
import { type IngestSource, rtmpIngestSource } from '../../src';

/** ffmpeg testsrc2 640x360 libx264: AVC sequence header tag body (from libs/rtmp's fixtures). */
export const AVC_HEADER = Buffer.from('17000000000164001effe1001a6764001eacd940a02ff970110000030001000003003c0f162d9601000668ebe3cb22c0fdf8f800', 'hex');
export const AAC_HEADER = Buffer.from('af001210', 'hex'); // AAC LC 44.1 kHz stereo
export const frame = (key: boolean, n: number) => Buffer.concat([Buffer.from([key ? 0x17 : 0x27, 1, 0, 0, 0]), Buffer.alloc(300 + n, n & 0xff)]);
export const aac = (n: number) => Buffer.concat([Buffer.from([0xaf, 1]), Buffer.alloc(20, n & 0xff)]);

/** A stand-in for an accepted publishing ServerSession: the test emits its events. */
export class FakeIngest extends EventEmitter {
  closed = false;
  video(timestamp: number, payload: Buffer): void {
    this.emit('video', raw(9, timestamp, payload));
  }
  audio(timestamp: number, payload: Buffer): void {
    this.emit('audio', raw(8, timestamp, payload));
  }
  metadata(value: Record<string, unknown>): void {
    this.emit('metadata', value, raw(18, 0, encodeAmf0('@setDataFrame', 'onMetaData', value as never)));
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', new RtmpError('SESSION_CLOSED'));
  }
  private source: IngestSource | undefined;
  /** The fake session as the engine takes it: an RTMP ingest source (one per session). */
  asSource(): IngestSource {
    return (this.source ??= rtmpIngestSource(this as unknown as ServerSession));
  }
}

export function raw(type: number, timestamp: number, payload: Buffer): RawMessage {
  return { csid: type === 18 ? 5 : type === 8 ? 4 : 6, type, streamId: 1, timestamp, payload };
}

/** A stand-in publisher that takes everything at once and records each Buffer it is handed. */
export class FakePublisher extends EventEmitter {
  readonly written: Buffer[] = [];
  closed = false;
  writable = true;
  bytesQueued = 0;
  readonly session: { outChunkSize: number; peerAcknowledged: number; error: undefined };
  constructor(
    readonly url: RtmpUrl,
    chunkSize: number,
    readonly streamId = 1,
  ) {
    super();
    this.session = { outChunkSize: chunkSize, peerAcknowledged: 0, error: undefined };
  }
  get serialisationKey(): string {
    return `${this.session.outChunkSize}:${this.streamId}`;
  }
  writeRaw(chunks: Buffer | readonly Buffer[]): boolean {
    if (Buffer.isBuffer(chunks)) this.written.push(chunks);
    else this.written.push(...chunks);
    return true;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** Timestamps of the messages written, read back from each format-0 chunk header. */
  timestamps(): number[] {
    return this.written.map((b) => b.readUIntBE(1, 3));
  }
}


/**
 * A legacy AVC frame tag body whose payload is one length-prefixed NAL unit (what a muxer
 * checks), with a composition time offset.
 */
export function avcFrame(key: boolean, n: number, ctsMs = 0, size = 120 + (n % 40)): Buffer {
  const nal = Buffer.alloc(size, n & 0xff);
  nal[0] = key ? 0x65 : 0x41;
  const header = Buffer.from([key ? 0x17 : 0x27, 1, (ctsMs >> 16) & 0xff, (ctsMs >> 8) & 0xff, ctsMs & 0xff, 0, 0, 0, 0]);
  header.writeUInt32BE(nal.length, 5);
  return Buffer.concat([header, nal]);
}

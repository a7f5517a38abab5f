import { RtmpError } from '../errors';
import { ChunkFormat, MESSAGE_HEADER_SIZE, assertChunkSize, assertCsid, basicHeaderSize, writeBasicHeader } from './chunk-header';
import { DEFAULT_CHUNK_SIZE, EXTENDED_TIMESTAMP } from './types';

/** What the chunk layer needs to send a message. */
export interface OutgoingMessage {
  csid: number;
  type: number;
  streamId: number;
  timestamp: number;
  payload: Uint8Array;
}

function assertMessage(message: OutgoingMessage): void {
  assertCsid(message.csid);
  if (message.payload.length > 0xffffff) {
    throw new RtmpError('MESSAGE_TOO_LARGE', `message of ${message.payload.length} bytes exceeds the 24-bit length field`);
  }
}

/**
 * Serialises one message into a single Buffer of chunks: a format 0 chunk, then format 3
 * continuation chunks (repeating the extended timestamp when there is one, as ffmpeg and
 * librtmp expect). The result depends only on the message and the chunk size, so it can be
 * written unchanged to every connection that uses that outgoing chunk size.
 */
export function serialiseMessage(message: OutgoingMessage, chunkSize: number = DEFAULT_CHUNK_SIZE): Buffer {
  assertChunkSize(chunkSize);
  assertMessage(message);
  return writeChunks(message, 0, message.timestamp >>> 0, chunkSize);
}

/**
 * One message as chunks in a single Buffer: the first chunk with a header of format `fmt`
 * carrying `field` (the absolute timestamp for format 0, the delta otherwise), then format 3
 * continuation chunks that repeat the extended timestamp field when there is one.
 */
function writeChunks(message: OutgoingMessage, fmt: 0 | 1 | 2 | 3, field: number, chunkSize: number): Buffer {
  const { csid, payload } = message;
  const length = payload.length;
  const extended = field >= EXTENDED_TIMESTAMP;
  const ext = extended ? 4 : 0;
  const basic = basicHeaderSize(csid);
  const headerSize = MESSAGE_HEADER_SIZE[fmt] as number;
  const chunks = length === 0 ? 1 : Math.ceil(length / chunkSize);
  const out = Buffer.allocUnsafe(basic + headerSize + ext + length + (chunks - 1) * (basic + ext));

  let o = writeBasicHeader(out, 0, fmt, csid);
  if (fmt !== ChunkFormat.Continuation) out.writeUIntBE(extended ? EXTENDED_TIMESTAMP : field, o, 3);
  if (fmt === ChunkFormat.Full || fmt === ChunkFormat.SameStream) {
    out.writeUIntBE(length, o + 3, 3);
    out[o + 6] = message.type;
  }
  if (fmt === 0) out.writeUInt32LE(message.streamId >>> 0, o + 7);
  o += headerSize;
  if (extended) o = out.writeUInt32BE(field, o);

  let sent = 0;
  for (;;) {
    const n = Math.min(chunkSize, length - sent);
    out.set(payload.subarray(sent, sent + n), o);
    o += n;
    sent += n;
    if (sent >= length) break;
    o = writeBasicHeader(out, o, 3, csid);
    if (extended) o = out.writeUInt32BE(field, o);
  }
  return out;
}

interface EncoderStreamState {
  timestamp: number;
  /** Delta a following format 3 chunk would imply; undefined right after a format 0 header. */
  delta: number | undefined;
  length: number;
  type: number;
  streamId: number;
}

/**
 * Stateful chunk encoder for one connection: compresses headers of successive messages on a
 * chunk stream with formats 1, 2 and 3 (spec section 5.3.1.2). Output is only valid for the
 * connection it was made for. Never emits format 3 straight after format 0 (decoders disagree
 * on the delta it implies); timestamps going backwards restart with format 0.
 */
export class ChunkEncoder {
  private readonly streams = new Map<number, EncoderStreamState>();
  private chunkSizeValue: number;

  constructor(chunkSize: number = DEFAULT_CHUNK_SIZE) {
    assertChunkSize(chunkSize);
    this.chunkSizeValue = chunkSize;
  }

  get chunkSize(): number {
    return this.chunkSizeValue;
  }

  set chunkSize(size: number) {
    assertChunkSize(size);
    this.chunkSizeValue = size;
  }

  /** Forgets the header state of a chunk stream (next message on it uses format 0). */
  reset(csid?: number): void {
    if (csid === undefined) this.streams.clear();
    else this.streams.delete(csid);
  }

  encode(message: OutgoingMessage): Buffer {
    assertMessage(message);
    const { csid, payload } = message;
    const timestamp = message.timestamp >>> 0;
    const length = payload.length;
    const prev = this.streams.get(csid);
    const delta = prev ? timestamp - prev.timestamp : -1;

    let fmt: 0 | 1 | 2 | 3;
    let field: number;
    if (!prev || message.streamId !== prev.streamId || delta < 0) {
      fmt = 0;
      field = timestamp;
    } else if (message.type !== prev.type || length !== prev.length) {
      fmt = 1;
      field = delta;
    } else if (delta !== prev.delta) {
      fmt = 2;
      field = delta;
    } else {
      fmt = 3;
      field = delta;
    }
    const out = writeChunks(message, fmt, field, this.chunkSizeValue);

    this.streams.set(csid, {
      timestamp,
      delta: fmt === 0 ? undefined : field,
      length,
      type: message.type,
      streamId: message.streamId,
    });
    return out;
  }
}

/**
 * The body of a message from chunks made by {@link serialiseMessage} at `chunkSize`: one format 0
 * chunk, then format 3 continuation chunks that repeat the extended timestamp, if any. For a
 * consumer that needs the payload of an item that was only kept serialised.
 */
export function dechunkMessage(chunks: Buffer, chunkSize: number, length: number): Buffer {
  const first = chunks[0] as number;
  const csidField = first & 0x3f;
  const basic = csidField === 0 ? 2 : csidField === 1 ? 3 : 1;
  const extended = chunks.readUIntBE(basic, 3) === EXTENDED_TIMESTAMP ? 4 : 0;
  const out = Buffer.allocUnsafe(length);
  let offset = basic + (MESSAGE_HEADER_SIZE[ChunkFormat.Full] as number) + extended;
  let copied = 0;
  while (copied < length) {
    const n = Math.min(chunkSize, length - copied);
    chunks.copy(out, copied, offset, offset + n);
    copied += n;
    offset += n;
    if (copied < length) offset += basic + extended;
  }
  return out;
}

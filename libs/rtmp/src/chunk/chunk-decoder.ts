import { RtmpError } from '../errors';
import { DEFAULT_LIMITS, RtmpLimits } from '../limits';
import { decodeAbort } from '../message/abort';
import { decodeSetChunkSize } from '../message/set-chunk-size';
import { MessageType } from '../message/types';
import { ChunkFormat, MESSAGE_HEADER_SIZE } from './chunk-header';
import { DEFAULT_CHUNK_SIZE, EXTENDED_TIMESTAMP, RawMessage } from './types';

/** Largest chunk header: 3-byte basic header + 11-byte message header + 4-byte extended timestamp. */
const MAX_HEADER_SIZE = 18;
/** Reassembly buffers start at most this big and double as data actually arrives. */
const INITIAL_REASSEMBLY_SIZE = 256 * 1024;


/** Per chunk stream state: the last header seen, and the message being reassembled. */
interface ChunkStream {
  readonly csid: number;
  timestamp: number;
  delta: number;
  length: number;
  type: number;
  streamId: number;
  /** The last header of this stream used the extended timestamp field. */
  extended: boolean;
  /** The value that field carried (repeated by ffmpeg/librtmp in format 3 chunks). */
  extendedValue: number;
  /** Bytes of the current message received; 0 when no message is in progress. */
  received: number;
  partial: Buffer | null;
}

export interface ChunkDecoderOptions {
  limits?: Partial<Pick<RtmpLimits, 'maxChunkSize' | 'maxMessageSize' | 'maxChunkStreams' | 'maxReassemblyBytes'>>;
  /** Called synchronously for every complete message, in arrival order. */
  onMessage: (message: RawMessage) => void;
}

/**
 * I/O-free RTMP chunk stream decoder (spec section 5.3). Feed it bytes split anywhere with
 * {@link push}; it calls `onMessage` for each complete message. A message that arrives in
 * one chunk and one `push` is a `subarray` view of the pushed buffer; messages spread over
 * several chunks are copied once into a reassembly buffer.
 *
 * Set Chunk Size and Abort are applied by the decoder itself (they change how the following
 * bytes parse) and are still delivered to `onMessage`.
 *
 * Memory is bounded by bytes actually received, not by lengths a peer declares: reassembly
 * buffers start at min(length, 256 KiB) and double as chunks arrive, and all of them together
 * stay under `maxReassemblyBytes`. Header bytes split across pushes are carried in a small
 * buffer (under 18 bytes); nothing is allocated per byte.
 *
 * Any malformed input throws an {@link RtmpError}, after which the decoder is failed and
 * rethrows that error on every push.
 */
export class ChunkDecoder {
  private readonly maxChunkSize: number;
  private maxMessageSize: number;
  private maxChunkStreams: number;
  private maxReassemblyBytes: number;
  /** Bytes held by reassembly buffers of all chunk streams. */
  private reassemblyBytes = 0;
  private readonly onMessage: (message: RawMessage) => void;
  private readonly streams = new Map<number, ChunkStream>();

  private chunkSizeValue = DEFAULT_CHUNK_SIZE;
  /** Header bytes carried over from the previous push (fewer than MAX_HEADER_SIZE). */
  private pending: Buffer | null = null;
  /** Stream whose chunk payload is being read, and how many payload bytes remain in that chunk. */
  private current: ChunkStream | null = null;
  private chunkRemaining = 0;
  private failure: RtmpError | null = null;

  /** Total bytes pushed. */
  bytesReceived = 0;

  constructor(options: ChunkDecoderOptions) {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.maxChunkSize = limits.maxChunkSize;
    this.maxMessageSize = limits.maxMessageSize;
    this.maxChunkStreams = limits.maxChunkStreams;
    this.maxReassemblyBytes = limits.maxReassemblyBytes;
    this.onMessage = options.onMessage;
  }

  /**
   * Changes the message, reassembly and chunk-stream bounds from now on (a server keeps them
   * tight until a publish is under way). Takes effect for the next chunk header, even within
   * the push being parsed; messages already being reassembled keep the length they declared.
   */
  setLimits(limits: Partial<Pick<RtmpLimits, 'maxMessageSize' | 'maxChunkStreams' | 'maxReassemblyBytes'>>): void {
    if (limits.maxMessageSize !== undefined) this.maxMessageSize = limits.maxMessageSize;
    if (limits.maxChunkStreams !== undefined) this.maxChunkStreams = limits.maxChunkStreams;
    if (limits.maxReassemblyBytes !== undefined) this.maxReassemblyBytes = limits.maxReassemblyBytes;
  }

  /** The peer's current chunk size. */
  get chunkSize(): number {
    return this.chunkSizeValue;
  }

  /** Number of chunk streams the peer has opened. */
  get chunkStreamCount(): number {
    return this.streams.size;
  }

  get failed(): RtmpError | null {
    return this.failure;
  }

  push(input: Buffer): void {
    if (this.failure) throw this.failure;
    this.bytesReceived += input.length;
    try {
      this.parse(input);
    } catch (error) {
      // After any failure (ours, or an exception thrown by onMessage mid-parse) the position in
      // the byte stream is unknown, so the decoder refuses further input.
      this.failure =
        error instanceof RtmpError
          ? error
          : new RtmpError('PROTOCOL_VIOLATION', 'onMessage threw; decoder state is lost', { cause: error });
      throw error;
    }
  }

  private parse(input: Buffer): void {
    let off = 0;
    if (this.pending) {
      const carried = this.pending;
      const joined = Buffer.concat([carried, input.subarray(0, MAX_HEADER_SIZE)]);
      const end = this.header(joined, 0);
      if (end < 0) {
        // A header never needs more than MAX_HEADER_SIZE bytes, so this only holds a prefix.
        if (joined.length >= MAX_HEADER_SIZE) throw new RtmpError('PROTOCOL_VIOLATION', 'unparseable chunk header');
        this.pending = joined;
        return;
      }
      this.pending = null;
      if (end < carried.length) {
        // The header ended inside the carried bytes (a format 3 chunk whose peeked extended
        // timestamp turned out to be payload): parse the rest of them ahead of the input.
        // Rare, so the copy is fine.
        this.parse(Buffer.concat([carried.subarray(end), input]));
        return;
      }
      off = end - carried.length;
    }
    const len = input.length;
    for (;;) {
      const stream = this.current;
      if (stream) {
        const available = len - off;
        if (available === 0) return;
        const n = available < this.chunkRemaining ? available : this.chunkRemaining;
        const partial = this.ensureCapacity(stream, stream.received + n);
        input.copy(partial, stream.received, off, off + n);
        stream.received += n;
        off += n;
        this.chunkRemaining -= n;
        if (this.chunkRemaining === 0) {
          this.current = null;
          if (stream.received === stream.length) {
            const payload = partial.length === stream.length ? partial : partial.subarray(0, stream.length);
            this.release(stream);
            this.emit(stream, payload);
          }
        }
        continue;
      }
      if (off >= len) return;
      const end = this.header(input, off);
      if (end < 0) {
        this.pending = Buffer.from(input.subarray(off));
        return;
      }
      off = end;
    }
  }

  /**
   * Parses one chunk header at `off`. Returns the offset after the header (and after the
   * payload too when a whole single-chunk message was available and emitted), or -1 when more
   * bytes are needed. Leaves `current`/`chunkRemaining` set when payload remains to be read.
   */
  private header(buf: Buffer, off: number): number {
    const len = buf.length;
    if (off >= len) return -1;
    const b0 = buf[off]!;
    const fmt = b0 >>> 6;
    let csid = b0 & 0x3f;
    let p = off + 1;
    if (csid === 0) {
      if (len - p < 1) return -1;
      csid = 64 + buf[p]!;
      p += 1;
    } else if (csid === 1) {
      if (len - p < 2) return -1;
      csid = 64 + buf[p]! + buf[p + 1]! * 256;
      p += 2;
    }
    let stream = this.streams.get(csid);
    if (!stream) {
      if (fmt !== ChunkFormat.Full) {
        throw new RtmpError('CHUNK_WITHOUT_PREVIOUS', `format ${fmt} chunk on new chunk stream ${csid}`);
      }
      if (this.streams.size >= this.maxChunkStreams) {
        throw new RtmpError('TOO_MANY_CHUNK_STREAMS', `more than ${this.maxChunkStreams} chunk streams`);
      }
    }
    const headerSize = MESSAGE_HEADER_SIZE[fmt]!;
    if (len - p < headerSize) return -1;

    let tsField = 0;
    let extended: boolean;
    if (fmt !== ChunkFormat.Continuation) {
      tsField = buf.readUIntBE(p, 3);
      extended = tsField === EXTENDED_TIMESTAMP;
      if (extended) {
        if (len - p - headerSize < 4) return -1;
        tsField = buf.readUInt32BE(p + headerSize);
      }
    } else {
      extended = stream!.extended;
    }

    let q = p + headerSize;
    if (fmt === ChunkFormat.Continuation && extended) {
      // ffmpeg, librtmp (OBS) and FMS repeat the extended timestamp in format 3 chunks; some
      // encoders do not. Peek: the field is there only if it matches the value last sent.
      if (len - q < 4) return -1;
      if (buf.readUInt32BE(q) === stream!.extendedValue) q += 4;
    } else if (extended) {
      q += 4;
    }

    // Everything needed is present: commit the header.
    if (!stream) {
      stream = {
        csid,
        timestamp: 0,
        delta: 0,
        length: 0,
        type: 0,
        streamId: 0,
        extended: false,
        extendedValue: 0,
        received: 0,
        partial: null,
      };
      this.streams.set(csid, stream);
    }
    if (fmt !== ChunkFormat.Continuation && stream.received > 0) {
      // A new header in the middle of a message: the peer abandoned it. Drop it, like an Abort.
      this.release(stream);
    }
    switch (fmt) {
      case ChunkFormat.Full:
        stream.timestamp = tsField;
        // Spec 5.3.1.2.4: a format 3 chunk after format 0 uses the format 0 timestamp as delta.
        stream.delta = tsField;
        stream.length = buf.readUIntBE(p + 3, 3);
        stream.type = buf[p + 6]!;
        stream.streamId = buf.readUInt32LE(p + 7);
        break;
      case ChunkFormat.SameStream:
        stream.delta = tsField;
        stream.timestamp = (stream.timestamp + tsField) >>> 0;
        stream.length = buf.readUIntBE(p + 3, 3);
        stream.type = buf[p + 6]!;
        break;
      case ChunkFormat.TimestampOnly:
        stream.delta = tsField;
        stream.timestamp = (stream.timestamp + tsField) >>> 0;
        break;
      default:
        if (stream.received === 0) stream.timestamp = (stream.timestamp + stream.delta) >>> 0;
        break;
    }
    if (fmt !== ChunkFormat.Continuation) {
      stream.extended = extended;
      if (extended) stream.extendedValue = tsField;
    }

    if (stream.received === 0) {
      if (stream.length > this.maxMessageSize) {
        throw new RtmpError('MESSAGE_TOO_LARGE', `message of ${stream.length} bytes exceeds ${this.maxMessageSize}`);
      }
      if (stream.length === 0) {
        this.emit(stream, Buffer.alloc(0));
        return q;
      }
      // Fast path: a whole message in this one chunk, already in the buffer: no copy.
      if (stream.length <= this.chunkSizeValue && len - q >= stream.length) {
        const end = q + stream.length;
        this.emit(stream, buf.subarray(q, end));
        return end;
      }
    }
    const left = stream.length - stream.received;
    this.chunkRemaining = left < this.chunkSizeValue ? left : this.chunkSizeValue;
    this.current = stream;
    return q;
  }

  private ensureCapacity(stream: ChunkStream, needed: number): Buffer {
    let partial = stream.partial;
    if (partial && partial.length >= needed) return partial;
    let size = partial ? partial.length * 2 : Math.min(stream.length, INITIAL_REASSEMBLY_SIZE);
    while (size < needed) size *= 2;
    if (size > stream.length) size = stream.length;
    const grown = size - (partial ? partial.length : 0);
    if (this.reassemblyBytes + grown > this.maxReassemblyBytes) {
      throw new RtmpError(
        'REASSEMBLY_LIMIT',
        `partial messages would hold ${this.reassemblyBytes + grown} bytes, limit ${this.maxReassemblyBytes}`,
      );
    }
    this.reassemblyBytes += grown;
    const next = Buffer.allocUnsafe(size);
    if (partial) partial.copy(next, 0, 0, stream.received);
    stream.partial = partial = next;
    return partial;
  }

  private emit(stream: ChunkStream, payload: Buffer): void {
    const type = stream.type;
    // Applied whatever the message stream id: the spec says 0, but ignoring a misaddressed
    // Set Chunk Size would desynchronise every chunk after it.
    if (type === MessageType.SetChunkSize) this.applySetChunkSize(payload);
    else if (type === MessageType.Abort && payload.length >= 4) this.abort(decodeAbort(payload).csid);
    this.onMessage({ csid: stream.csid, type, streamId: stream.streamId, timestamp: stream.timestamp, payload });
  }

  private applySetChunkSize(payload: Buffer): void {
    if (payload.length < 4) throw new RtmpError('CHUNK_SIZE_INVALID', 'Set Chunk Size shorter than 4 bytes');
    const size = decodeSetChunkSize(payload).chunkSize;
    if (size < 1 || size > this.maxChunkSize) {
      throw new RtmpError('CHUNK_SIZE_INVALID', `peer chunk size ${size} outside 1..${this.maxChunkSize}`);
    }
    this.chunkSizeValue = size;
  }

  private abort(csid: number): void {
    const stream = this.streams.get(csid);
    if (stream) this.release(stream);
  }

  /** Forgets the message in progress on a stream and its reassembly buffer. */
  private release(stream: ChunkStream): void {
    if (stream.partial) this.reassemblyBytes -= stream.partial.length;
    stream.partial = null;
    stream.received = 0;
  }
}

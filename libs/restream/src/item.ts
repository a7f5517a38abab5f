import { Csid, DEFAULT_LIMITS, MessageType, type RtmpPublisher, serialiseMessage } from '@fanout/rtmp';
import type { MediaKind, QueueItem } from './media';

/**
 * One ingest message on the output timeline, shared by reference between the GOP cache and
 * every destination queue.
 *
 * A media frame is serialised **once, when it arrives**, for the expected serialisation key
 * (outgoing chunk size + message stream id: normally one key for every destination). That
 * serialisation is also the only copy taken out of the socket read it arrived in: the frame's
 * bytes live in `encoded` and nowhere else. A destination with another key (rare) gets its own
 * serialisation, made once from the payload recovered from `encoded` and shared by every
 * destination with that key.
 */
export interface EngineItem extends QueueItem {
  readonly kind: MediaKind;
  /** RTMP message type (8 audio, 9 video, 18 AMF0 data). */
  readonly type: number;
  readonly csid: number;
  /** Body length in bytes. */
  readonly payloadLength: number;
  /**
   * The body, kept only for sequence headers and data messages (small; compared byte for byte
   * by the GOP cache). Media frames keep their bytes in `encoded` only.
   */
  readonly payload: Buffer | undefined;
  /** First serialisation: its key, chunk size and chunks. */
  encodedKey: string | undefined;
  encodedChunkSize: number;
  encoded: Buffer | undefined;
  /** Serialisations for other keys. */
  more?: Map<string, Buffer>;
}

/** The key our publishers normally have: default outgoing chunk size, message stream 1. */
export interface SerialisationKey {
  readonly chunkSize: number;
  readonly streamId: number;
}

export const DEFAULT_SERIALISATION_KEY: SerialisationKey = Object.freeze({ chunkSize: DEFAULT_LIMITS.outChunkSize, streamId: 1 });

/** Rough wire overhead of a message's chunk headers, counted into the queue bounds. */
const HEADER_BYTES = 12;

/** The subset of a publisher the encoder needs (so tests can count without sockets). */
export type SerialisationTarget = Pick<RtmpPublisher, 'serialisationKey' | 'streamId'> & {
  readonly session: { readonly outChunkSize: number };
};

function keyOf(chunkSize: number, streamId: number): string {
  return `${chunkSize}:${streamId}`;
}

/**
 * Makes items and serialises them for publishers. `count` is the number of serialisations
 * actually done: the encode-once promise is that it grows with messages × distinct keys, never
 * with the number of destinations.
 */
export class ItemEncoder {
  count = 0;
  /** The key new media frames are serialised for on arrival: the last key a destination connected with. */
  expected: SerialisationKey = DEFAULT_SERIALISATION_KEY;

  /**
   * An item from an ingest message. `payload` may be a view into a socket read: it is copied
   * exactly once (into the serialisation, plus a small copy for headers and data).
   */
  make(kind: 'video' | 'audio' | 'data', timestampMs: number, payload: Buffer, flags: { keyframe?: boolean; sequenceHeader?: boolean } = {}): EngineItem {
    const type = kind === 'video' ? MessageType.Video : kind === 'audio' ? MessageType.Audio : MessageType.DataAmf0;
    const csid = kind === 'video' ? Csid.Video : kind === 'audio' ? Csid.Audio : Csid.Stream;
    const sequenceHeader = flags.sequenceHeader === true;
    const keepPayload = kind === 'data' || sequenceHeader;
    const { chunkSize, streamId } = this.expected;
    const encoded = serialiseMessage({ csid, type, streamId, timestamp: timestampMs, payload }, chunkSize);
    this.count += 1;
    return {
      kind,
      type,
      csid,
      timestampMs,
      payloadLength: payload.length,
      payload: keepPayload ? Buffer.from(payload) : undefined,
      bytes: payload.length + HEADER_BYTES,
      keyframe: flags.keyframe === true,
      sequenceHeader,
      encodedKey: keyOf(chunkSize, streamId),
      encodedChunkSize: chunkSize,
      encoded,
    };
  }

  encode(item: EngineItem, target: SerialisationTarget): Buffer {
    const key = target.serialisationKey;
    if (item.encodedKey === key && item.encoded !== undefined) return item.encoded;
    const cached = item.more?.get(key);
    if (cached !== undefined) return cached;
    const payload = item.payload ?? (item.encoded !== undefined ? dechunk(item.encoded, item.encodedChunkSize, item.payloadLength) : Buffer.alloc(0));
    const chunks = serialiseMessage(
      { csid: item.csid, type: item.type, streamId: target.streamId, timestamp: item.timestampMs, payload },
      target.session.outChunkSize,
    );
    this.count += 1;
    // A destination with an unusual chunk size or stream id: rare, kept off the common path.
    (item.more ??= new Map()).set(key, chunks);
    return chunks;
  }
}

/**
 * The message body inside chunks made by `serialiseMessage` (one format 0 chunk, then format 3
 * continuation chunks repeating the extended timestamp, if any).
 */
export function dechunk(chunks: Buffer, chunkSize: number, length: number): Buffer {
  const first = chunks[0] as number;
  const csidField = first & 0x3f;
  const basic = csidField === 0 ? 2 : csidField === 1 ? 3 : 1;
  const extended = chunks.readUIntBE(basic, 3) === 0xffffff ? 4 : 0;
  const out = Buffer.allocUnsafe(length);
  let offset = basic + 11 + extended;
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

import { Csid, DEFAULT_LIMITS, MessageType, type RtmpPublisher, dechunkMessage, serialisationKeyOf, serialiseMessage } from '@fanout/rtmp';
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
   * The body, kept for sequence headers and data messages (small; compared byte for byte by the
   * GOP cache), and for media frames too while a sink that reads payloads is attached
   * (`ItemEncoder.keepPayloads`). Otherwise media frames keep their bytes in `encoded` only:
   * read them with {@link payloadOf}.
   */
  payload: Buffer | undefined;
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


/**
 * Makes items and serialises them for publishers. `count` is the number of serialisations
 * actually done: the encode-once promise is that it grows with messages × distinct keys, never
 * with the number of destinations.
 */
export class ItemEncoder {
  count = 0;
  /** The key new media frames are serialised for on arrival: the one most live destinations have. */
  expected: SerialisationKey = DEFAULT_SERIALISATION_KEY;
  /** Keep every frame's payload beside its serialisation (a payload-reading sink is attached). */
  keepPayloads = false;

  /**
   * An item from an ingest message. `payload` may be a view into a socket read: it is copied
   * exactly once (into the serialisation, plus a small copy for headers and data).
   */
  make(kind: 'video' | 'audio' | 'data', timestampMs: number, payload: Buffer, flags: { keyframe?: boolean; sequenceHeader?: boolean } = {}): EngineItem {
    const type = kind === 'video' ? MessageType.Video : kind === 'audio' ? MessageType.Audio : MessageType.DataAmf0;
    const csid = kind === 'video' ? Csid.Video : kind === 'audio' ? Csid.Audio : Csid.Stream;
    const sequenceHeader = flags.sequenceHeader === true;
    const keepPayload = this.keepPayloads || kind === 'data' || sequenceHeader;
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
      encodedKey: serialisationKeyOf(chunkSize, streamId),
      encodedChunkSize: chunkSize,
      encoded,
    };
  }

  encode(item: EngineItem, target: SerialisationTarget): Buffer {
    const key = target.serialisationKey;
    if (item.encodedKey === key && item.encoded !== undefined) return item.encoded;
    const cached = item.more?.get(key);
    if (cached !== undefined) return cached;
    const payload = item.payload ?? recoverPayload(item); // not kept: a rare key must not double the item's memory
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
 * An item's body: the kept payload, or recovered from its serialisation (and then kept, so a
 * second reader does not pay for it again). The Buffer must not be modified.
 */
export function payloadOf(item: EngineItem): Buffer {
  if (item.payload !== undefined) return item.payload;
  const payload = recoverPayload(item);
  item.payload = payload;
  return payload;
}

function recoverPayload(item: EngineItem): Buffer {
  return item.encoded !== undefined ? dechunkMessage(item.encoded, item.encodedChunkSize, item.payloadLength) : Buffer.alloc(0);
}

import { ChunkDecoder, Csid, MessageType, type RawMessage, serialiseMessage } from '@fanout/rtmp';
import { describe, expect, it } from 'vitest';
import { ItemEncoder } from './item';

function target(chunkSize: number, streamId = 1) {
  return { serialisationKey: `${chunkSize}:${streamId}`, streamId, session: { outChunkSize: chunkSize } };
}

function decode(chunks: Buffer, chunkSize: number): RawMessage[] {
  const out: RawMessage[] = [];
  const decoder = new ChunkDecoder({ onMessage: (m) => out.push(m) });
  if (chunkSize !== 128) {
    const set = Buffer.alloc(4);
    set.writeUInt32BE(chunkSize);
    decoder.push(serialiseMessage({ csid: 2, type: MessageType.SetChunkSize, streamId: 0, timestamp: 0, payload: set }, 128));
  }
  decoder.push(chunks);
  return out.filter((m) => m.type !== MessageType.SetChunkSize);
}

describe('ItemEncoder', () => {
  it('serialises a frame once on arrival and reuses it for every publisher with that key', () => {
    const encoder = new ItemEncoder();
    const source = Buffer.alloc(10_000, 7);
    const item = encoder.make('video', 1_000, source.subarray(0, 9_000), { keyframe: true });
    source.fill(0); // the socket buffer is reused: the item must not depend on it
    expect(encoder.count).toBe(1);
    const a = encoder.encode(item, target(4096));
    const b = encoder.encode(item, target(4096));
    expect(a).toBe(b);
    expect(encoder.count).toBe(1);
    expect(item.payload).toBeUndefined(); // the frame's bytes live in the serialisation only
    const [message] = decode(a, 4096);
    expect(message).toMatchObject({ csid: Csid.Video, type: MessageType.Video, streamId: 1, timestamp: 1_000 });
    expect(message!.payload.equals(Buffer.alloc(9_000, 7))).toBe(true);
  });

  it('another key gets one more serialisation, shared by every publisher with that key, with the same body', () => {
    const encoder = new ItemEncoder();
    const item = encoder.make('audio', 20, Buffer.alloc(700, 3));
    const small = encoder.encode(item, target(128, 1));
    expect(encoder.encode(item, target(128, 1))).toBe(small);
    const otherStream = encoder.encode(item, target(4096, 5));
    expect(encoder.count).toBe(3);
    expect(decode(small, 128)[0]!.payload.equals(Buffer.alloc(700, 3))).toBe(true);
    expect(decode(otherStream, 4096)[0]).toMatchObject({ streamId: 5, timestamp: 20 });
  });

  it('keeps a copy of the body of sequence headers and data (compared by the GOP cache)', () => {
    const encoder = new ItemEncoder();
    const header = Buffer.from('17000000000164', 'hex');
    const item = encoder.make('video', 0, header, { keyframe: true, sequenceHeader: true });
    expect(item.payload?.equals(header)).toBe(true);
    expect(item.payload).not.toBe(header);
  });
});

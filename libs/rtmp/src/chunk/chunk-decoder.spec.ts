import { describe, expect, it } from 'vitest';
import { ChunkDecoder, ChunkEncoder, RawMessage, RtmpError, serialiseMessage } from '..';
import { hex, pieces, splits } from '../../test/support/bytes';
import { decodeAll } from '../../test/support/chunks';

const audio = (n: number): Buffer => Buffer.alloc(32, n);
const video307 = Buffer.from(Array.from({ length: 307 }, (_, i) => i & 0xff));

/** Adobe RTMP spec 1.0, section 5.3.2.1, example 1: four audio messages, formats 0, 2, 3, 3. */
const SPEC_EXAMPLE_1 = Buffer.concat([
  hex('03 0003e8 000020 08 39300000'),
  audio(1),
  hex('83 000014'),
  audio(2),
  hex('c3'),
  audio(3),
  hex('c3'),
  audio(4),
]);

/** Adobe RTMP spec 1.0, section 5.3.2.2, example 2: a 307-byte video message at chunk size 128. */
const SPEC_EXAMPLE_2 = Buffer.concat([
  hex('04 0003e8 000133 09 3a300000'),
  video307.subarray(0, 128),
  hex('c4'),
  video307.subarray(128, 256),
  hex('c4'),
  video307.subarray(256),
]);

const EXAMPLE_1_MESSAGES = [1000, 1020, 1040, 1060].map((timestamp, i) => ({
  csid: 3,
  type: 8,
  streamId: 12345,
  timestamp,
  payload: audio(i + 1).toString('hex'),
}));
const EXAMPLE_2_MESSAGE = { csid: 4, type: 9, streamId: 12346, timestamp: 1000, payload: video307.toString('hex') };

describe('chunk stream: the spec examples', () => {
  it('decodes example 1 (audio messages compressed with formats 0, 2, 3, 3)', () => {
    expect(decodeAll([SPEC_EXAMPLE_1])).toEqual(EXAMPLE_1_MESSAGES);
  });

  it('decodes example 1 split at every byte boundary', () => {
    for (const [head, tail] of splits(SPEC_EXAMPLE_1)) expect(decodeAll([head, tail])).toEqual(EXAMPLE_1_MESSAGES);
  });

  it('decodes example 1 fed one byte at a time', () => {
    expect(decodeAll(pieces(SPEC_EXAMPLE_1, 1))).toEqual(EXAMPLE_1_MESSAGES);
  });

  it('encodes example 1 byte for byte with the compressing encoder', () => {
    const encoder = new ChunkEncoder(128);
    const out = Buffer.concat(
      [1000, 1020, 1040, 1060].map((timestamp, i) =>
        encoder.encode({ csid: 3, type: 8, streamId: 12345, timestamp, payload: audio(i + 1) }),
      ),
    );
    expect(out.toString('hex')).toBe(SPEC_EXAMPLE_1.toString('hex'));
  });

  it('decodes example 2 (a 307-byte message in chunks of 128)', () => {
    expect(decodeAll([SPEC_EXAMPLE_2])).toEqual([EXAMPLE_2_MESSAGE]);
  });

  it('decodes example 2 split at every byte boundary', () => {
    for (const [head, tail] of splits(SPEC_EXAMPLE_2)) expect(decodeAll([head, tail])).toEqual([EXAMPLE_2_MESSAGE]);
  });

  it('serialises example 2 byte for byte (format 0 then format 3)', () => {
    const out = serialiseMessage({ csid: 4, type: 9, streamId: 12346, timestamp: 1000, payload: video307 }, 128);
    expect(out.toString('hex')).toBe(SPEC_EXAMPLE_2.toString('hex'));
  });
});

describe('chunk stream ids', () => {
  for (const csid of [2, 63, 64, 319, 320, 321, 65599]) {
    it(`round-trips chunk stream id ${csid} (${csid < 64 ? 1 : csid < 320 ? 2 : 3}-byte basic header)`, () => {
      const bytes = serialiseMessage({ csid, type: 9, streamId: 1, timestamp: 5, payload: video307 }, 128);
      for (const [head, tail] of splits(bytes)) {
        expect(decodeAll([head, tail])).toEqual([{ csid, type: 9, streamId: 1, timestamp: 5, payload: video307.toString('hex') }]);
      }
    });
  }

  it('decodes a 3-byte basic header as 64 + byte1 + byte2 * 256 (regression: Node-Media-Server got this wrong)', () => {
    // fmt 0, csid field 1, then bytes 0x10 0x02 => 64 + 16 + 512 = 592
    const bytes = hex('01 10 02 | 000000 000001 08 00000000 | aa');
    expect(decodeAll([bytes])).toEqual([{ csid: 592, type: 8, streamId: 0, timestamp: 0, payload: 'aa' }]);
  });

  it('decodes a 2-byte basic header as 64 + byte1', () => {
    expect(decodeAll([hex('00 ff | 000000 000001 08 00000000 | aa')])[0]!.csid).toBe(319);
  });
});

describe('extended timestamps', () => {
  const payload = Buffer.alloc(300, 7);
  const ts = 0x01234567;

  /** A 300-byte message at chunk size 128 with an extended timestamp, continuation chunks built by hand. */
  function extendedMessage(repeatInContinuation: boolean): Buffer {
    const ext = hex('01234567');
    const cont = repeatInContinuation ? Buffer.concat([hex('c6'), ext]) : hex('c6');
    return Buffer.concat([
      hex('06 ffffff 00012c 09 01000000'),
      ext,
      payload.subarray(0, 128),
      cont,
      payload.subarray(128, 256),
      cont,
      payload.subarray(256),
    ]);
  }
  const expected = [{ csid: 6, type: 9, streamId: 1, timestamp: ts, payload: payload.toString('hex') }];

  it('decodes format 3 continuation chunks that repeat the extended timestamp (regression: ffmpeg, librtmp/OBS, FMS)', () => {
    const bytes = extendedMessage(true);
    for (const [head, tail] of splits(bytes)) expect(decodeAll([head, tail])).toEqual(expected);
  });

  it('decodes format 3 continuation chunks that omit the extended timestamp (regression: encoders reading the spec literally)', () => {
    const bytes = extendedMessage(false);
    for (const [head, tail] of splits(bytes)) expect(decodeAll([head, tail])).toEqual(expected);
  });

  it('resumes a format 3 header whose peeked extended timestamp was payload, across a push boundary (regression: found by the split-everywhere test)', () => {
    const bytes = extendedMessage(false);
    // cut right after the second chunk's 1-byte header plus 2 payload bytes: too few to peek
    const cutAt = 12 + 4 + 128 + 1 + 2;
    expect(decodeAll([bytes.subarray(0, cutAt), bytes.subarray(cutAt)])).toEqual(expected);
  });

  it('serialises extended timestamps in the first chunk and repeats them in continuation chunks', () => {
    const bytes = serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: ts, payload }, 128);
    expect(bytes.toString('hex')).toBe(extendedMessage(true).toString('hex'));
  });

  it('uses the extended field from exactly 0xFFFFFF upward', () => {
    const at = serialiseMessage({ csid: 3, type: 8, streamId: 0, timestamp: 0xffffff, payload: hex('aa') });
    expect(at.subarray(1, 4).toString('hex')).toBe('ffffff');
    expect(at.length).toBe(1 + 11 + 4 + 1);
    const below = serialiseMessage({ csid: 3, type: 8, streamId: 0, timestamp: 0xfffffe, payload: hex('aa') });
    expect(below.length).toBe(1 + 11 + 1);
    expect(decodeAll([at])[0]!.timestamp).toBe(0xffffff);
  });

  it('applies an extended timestamp delta from format 2 to a following format 3 message', () => {
    const bytes = Buffer.concat([
      hex('04 000000 000001 08 01000000 aa'),
      hex('84 ffffff 01000000 bb'), // delta 0x01000000
      hex('c4 01000000 cc'), // new message, same delta, extended field repeated
    ]);
    expect(decodeAll([bytes]).map((m) => m.timestamp)).toEqual([0, 0x01000000, 0x02000000]);
  });

  it('wraps timestamps modulo 2^32', () => {
    const bytes = Buffer.concat([hex('04 ffffff 000001 08 01000000 fffffff0 aa'), hex('84 000020 bb')]);
    expect(decodeAll([bytes]).map((m) => m.timestamp)).toEqual([0xfffffff0, 0x10]);
  });

  it('treats a format 3 message after format 0 as having the format 0 timestamp as delta (spec 5.3.1.2.4)', () => {
    const bytes = Buffer.concat([hex('04 000064 000001 08 01000000 aa'), hex('c4 bb')]);
    expect(decodeAll([bytes]).map((m) => m.timestamp)).toEqual([100, 200]);
  });
});

describe('chunk decoder behaviour', () => {
  it('reassembles messages split across interleaved chunk streams', () => {
    const a = Buffer.alloc(200, 0xaa);
    const v = Buffer.alloc(200, 0xbb);
    const bytes = Buffer.concat([
      hex('04 00000a 0000c8 08 01000000'),
      a.subarray(0, 128),
      hex('06 000014 0000c8 09 01000000'),
      v.subarray(0, 128),
      hex('c4'),
      a.subarray(128),
      hex('c6'),
      v.subarray(128),
    ]);
    const expected = [
      { csid: 4, type: 8, streamId: 1, timestamp: 10, payload: a.toString('hex') },
      { csid: 6, type: 9, streamId: 1, timestamp: 20, payload: v.toString('hex') },
    ];
    for (const [head, tail] of splits(bytes)) expect(decodeAll([head, tail])).toEqual(expected);
  });

  it('honours Set Chunk Size for the chunks that follow it', () => {
    const big = Buffer.alloc(3000, 1);
    const bytes = Buffer.concat([
      serialiseMessage({ csid: 2, type: 1, streamId: 0, timestamp: 0, payload: hex('00001000') }, 128),
      serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: 0, payload: big }, 4096),
    ]);
    const messages = decodeAll([bytes]);
    expect(messages).toHaveLength(2);
    expect(messages[1]!.payload).toBe(big.toString('hex'));
  });

  it('rejects a Set Chunk Size above the configured cap with CHUNK_SIZE_INVALID', () => {
    const bytes = serialiseMessage({ csid: 2, type: 1, streamId: 0, timestamp: 0, payload: hex('00020000') });
    expect(() => decodeAll([bytes], { maxChunkSize: 65536 })).toThrow(expect.objectContaining({ code: 'CHUNK_SIZE_INVALID' }));
  });

  it('rejects a Set Chunk Size of zero with CHUNK_SIZE_INVALID', () => {
    const bytes = serialiseMessage({ csid: 2, type: 1, streamId: 0, timestamp: 0, payload: hex('00000000') });
    expect(() => decodeAll([bytes])).toThrow(expect.objectContaining({ code: 'CHUNK_SIZE_INVALID' }));
  });

  it('discards a partial message when an Abort names its chunk stream', () => {
    const big = Buffer.alloc(300, 9);
    const first = serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: 0, payload: big }, 128);
    const bytes = Buffer.concat([
      first.subarray(0, 12 + 128), // first chunk only
      serialiseMessage({ csid: 2, type: 2, streamId: 0, timestamp: 0, payload: hex('00000006') }),
      serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: 40, payload: hex('17') }),
    ]);
    const messages = decodeAll([bytes]);
    expect(messages.map((m) => m.type)).toEqual([2, 9]);
    expect(messages[1]).toMatchObject({ timestamp: 40, payload: '17' });
  });

  it('delivers a single-chunk message as a view into the pushed buffer (no copy)', () => {
    const bytes = serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: 0, payload: Buffer.alloc(100, 3) });
    let payload: Buffer | undefined;
    new ChunkDecoder({ onMessage: (m) => (payload = m.payload) }).push(bytes);
    expect(payload!.buffer).toBe(bytes.buffer);
    expect(payload!.byteOffset).toBe(bytes.byteOffset + 12);
  });

  it('delivers zero-length messages', () => {
    expect(decodeAll([hex('03 000000 000000 14 00000000')])).toEqual([
      { csid: 3, type: 20, streamId: 0, timestamp: 0, payload: '' },
    ]);
  });

  it('rejects a message longer than maxMessageSize with MESSAGE_TOO_LARGE before buffering it', () => {
    expect(() => decodeAll([hex('06 000000 ffffff 09 01000000')], { maxMessageSize: 1024 * 1024 })).toThrow(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }),
    );
  });

  it('rejects more chunk streams than maxChunkStreams with TOO_MANY_CHUNK_STREAMS', () => {
    const bytes = Buffer.concat(
      Array.from({ length: 5 }, (_, i) => serialiseMessage({ csid: 10 + i, type: 8, streamId: 1, timestamp: 0, payload: hex('aa') })),
    );
    expect(() => decodeAll([bytes], { maxChunkStreams: 4 })).toThrow(expect.objectContaining({ code: 'TOO_MANY_CHUNK_STREAMS' }));
  });

  for (const fmt of [1, 2, 3]) {
    it(`rejects a format ${fmt} chunk on an unseen chunk stream with CHUNK_WITHOUT_PREVIOUS`, () => {
      const bytes = Buffer.concat([Buffer.from([(fmt << 6) | 5]), Buffer.alloc(11)]);
      expect(() => decodeAll([bytes])).toThrow(expect.objectContaining({ code: 'CHUNK_WITHOUT_PREVIOUS' }));
    });
  }

  it('keeps failing with the same error after a protocol error', () => {
    const decoder = new ChunkDecoder({ onMessage: () => undefined });
    expect(() => decoder.push(hex('45 000000'))).toThrow(RtmpError);
    const first = decoder.failed;
    expect(() => decoder.push(hex('03'))).toThrow(first!);
  });

  it('applies a Set Chunk Size sent on a non-zero message stream (regression: misaddressed control messages)', () => {
    const big = Buffer.alloc(1000, 1);
    const bytes = Buffer.concat([
      serialiseMessage({ csid: 2, type: 1, streamId: 1, timestamp: 0, payload: hex('00001000') }, 128),
      serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: 0, payload: big }, 4096),
    ]);
    expect(decodeAll([bytes])[1]!.payload).toBe(big.toString('hex'));
  });

  it('refuses further input after onMessage threw', () => {
    const decoder = new ChunkDecoder({
      onMessage: () => {
        throw new TypeError('host bug');
      },
    });
    expect(() => decoder.push(SPEC_EXAMPLE_2)).toThrow(TypeError);
    expect(() => decoder.push(SPEC_EXAMPLE_2)).toThrow(expect.objectContaining({ code: 'PROTOCOL_VIOLATION' }));
  });

  it('caps the bytes all partial messages hold together with REASSEMBLY_LIMIT', () => {
    const limits = { maxReassemblyBytes: 250_000 };
    const firstChunk = (csid: number) =>
      serialiseMessage({ csid, type: 9, streamId: 1, timestamp: 0, payload: Buffer.alloc(100_000) }, 128).subarray(0, 12 + 128);
    expect(() => decodeAll([firstChunk(4), firstChunk(5)], limits)).not.toThrow();
    expect(() => decodeAll([firstChunk(4), firstChunk(5), firstChunk(6)], limits)).toThrow(
      expect.objectContaining({ code: 'REASSEMBLY_LIMIT' }),
    );
  });

  it('returns reassembly budget when messages complete or are aborted', () => {
    const limits = { maxReassemblyBytes: 150_000 };
    const whole = Array.from({ length: 10 }, (_, i) =>
      serialiseMessage({ csid: 4 + (i % 3), type: 9, streamId: 1, timestamp: i, payload: Buffer.alloc(100_000, i) }, 128),
    );
    expect(decodeAll(whole, limits)).toHaveLength(10);
  });

  it('counts every byte pushed', () => {
    const decoder = new ChunkDecoder({ onMessage: () => undefined });
    for (const piece of pieces(SPEC_EXAMPLE_2, 7)) decoder.push(piece);
    expect(decoder.bytesReceived).toBe(SPEC_EXAMPLE_2.length);
  });

  it('drops a partial message when a new full header starts on the same chunk stream', () => {
    const bytes = Buffer.concat([
      hex('06 000000 000100 09 01000000'),
      Buffer.alloc(128, 1),
      hex('06 000005 000001 09 01000000 ee'),
    ]);
    expect(decodeAll([bytes])).toEqual([{ csid: 6, type: 9, streamId: 1, timestamp: 5, payload: 'ee' }]);
  });

  it('emits messages in order while decoding, before a later error in the same push', () => {
    const seen: RawMessage[] = [];
    const decoder = new ChunkDecoder({ onMessage: (m) => seen.push(m) });
    expect(() => decoder.push(Buffer.concat([SPEC_EXAMPLE_2, hex('45 000000')]))).toThrow(RtmpError);
    expect(seen).toHaveLength(1);
  });
});

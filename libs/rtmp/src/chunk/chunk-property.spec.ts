import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkDecoder, ChunkEncoder, RtmpError, dechunkMessage, serialiseMessage } from '..';
import { decodeAll } from '../../test/support/chunks';

const csidArb = fc.oneof(
  fc.integer({ min: 2, max: 63 }),
  fc.integer({ min: 64, max: 319 }),
  fc.integer({ min: 320, max: 65599 }),
);
const timestampArb = fc.oneof(fc.nat({ max: 0xfffffe }), fc.integer({ min: 0xffffff, max: 0xffffffff }));
const messageArb = fc.record({
  csid: csidArb,
  type: fc.constantFrom(8, 9, 18, 20),
  streamId: fc.nat({ max: 0xffffffff }),
  timestamp: timestampArb,
  payload: fc.uint8Array({ maxLength: 700 }).map((b) => Buffer.from(b)),
});

/** Cuts `bytes` at the given sorted offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

function setChunkSize(size: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(size);
  return serialiseMessage({ csid: 2, type: 1, streamId: 0, timestamp: 0, payload });
}

const expected = (m: { csid: number; type: number; streamId: number; timestamp: number; payload: Buffer }) => ({
  ...m,
  payload: m.payload.toString('hex'),
});

describe('chunk round trip properties', () => {
  it('decodes what serialiseMessage encodes, any chunk size, any csid, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.array(messageArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (chunkSize, messages, offsets) => {
          const bytes = Buffer.concat([setChunkSize(chunkSize), ...messages.map((m) => serialiseMessage(m, chunkSize))]);
          const decoded = decodeAll(cut(bytes, offsets), { maxChunkSize: 65536, maxChunkStreams: 64 });
          expect(decoded.slice(1)).toEqual(messages.map(expected));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('decodes what the compressing ChunkEncoder encodes (formats 0-3), split anywhere', () => {
    const streamArb = fc.array(
      fc.record({
        csid: fc.constantFrom(3, 4, 70, 400),
        type: fc.constantFrom(8, 9),
        streamId: fc.constantFrom(1, 2),
        delta: fc.oneof(fc.nat({ max: 50 }), fc.constant(0xffffff), fc.constant(0x1000000)),
        size: fc.constantFrom(0, 1, 32, 127, 128, 129, 400),
      }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), streamArb, fc.array(fc.nat(), { maxLength: 8 }), (chunkSize, specs, offsets) => {
        const encoder = new ChunkEncoder(chunkSize);
        const clock = new Map<number, number>();
        const messages = specs.map((s, i) => {
          const timestamp = ((clock.get(s.csid) ?? 0) + s.delta) >>> 0;
          clock.set(s.csid, timestamp);
          return { csid: s.csid, type: s.type, streamId: s.streamId, timestamp, payload: Buffer.alloc(s.size, i) };
        });
        const bytes = Buffer.concat([setChunkSize(chunkSize), ...messages.map((m) => encoder.encode(m))]);
        const decoded = decodeAll(cut(bytes, offsets));
        expect(decoded.slice(1)).toEqual(messages.map(expected));
      }),
      { numRuns: 400 },
    );
  });
});

describe('hostile chunk streams', () => {
  const limits = { maxMessageSize: 64 * 1024, maxChunkStreams: 8, maxChunkSize: 4096 };

  /** Feeds pieces; asserts that only RtmpError escapes, and that the work is bounded. */
  function feed(pieces: Buffer[]): void {
    const started = performance.now();
    let retained = 0;
    const decoder = new ChunkDecoder({ limits, onMessage: (m) => (retained += m.payload.length) });
    try {
      for (const piece of pieces) decoder.push(piece);
    } catch (error) {
      if (!(error instanceof RtmpError)) throw error;
    }
    const total = pieces.reduce((n, p) => n + p.length, 0);
    expect(retained).toBeLessThanOrEqual(total);
    expect(performance.now() - started).toBeLessThan(1000);
  }

  it('random bytes produce only RtmpError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), { maxLength: 8 }), (pieces) => feed(pieces)),
      { numRuns: 3000 },
    );
  });

  it('mutated valid chunk streams produce only RtmpError', () => {
    const valid = Buffer.concat([
      setChunkSize(100),
      serialiseMessage({ csid: 3, type: 20, streamId: 0, timestamp: 0, payload: Buffer.alloc(300, 2) }, 100),
      serialiseMessage({ csid: 330, type: 9, streamId: 1, timestamp: 0x1000000, payload: Buffer.alloc(250, 3) }, 100),
      serialiseMessage({ csid: 4, type: 8, streamId: 1, timestamp: 40, payload: Buffer.alloc(20, 4) }, 100),
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (mutations, offsets) => {
          const bytes = Buffer.from(valid);
          for (const [at, v] of mutations) bytes[at] = v;
          feed(cut(bytes, offsets));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps reassembly memory proportional to bytes received, not declared lengths', () => {
    // 8 chunk streams each announce a 16 MiB message and send one 128-byte chunk of it:
    // 128 MiB declared, but the decoder holds only its initial 256 KiB per stream.
    const decoder = new ChunkDecoder({ limits: { maxChunkStreams: 8 }, onMessage: () => undefined });
    const before = process.memoryUsage().arrayBuffers;
    for (let csid = 3; csid < 11; csid++) {
      decoder.push(Buffer.concat([Buffer.from([csid, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0]), Buffer.alloc(128)]));
    }
    expect(decoder.chunkStreamCount).toBe(8);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('dechunkMessage', () => {
  it('property: recovers the body of any serialised message (sizes, chunk sizes, extended timestamps, csids)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        timestampArb,
        fc.constantFrom(3, 4, 6, 63, 64, 319, 320, 65599),
        (body, chunkSize, timestamp, csid) => {
          const payload = Buffer.from(body);
          const chunks = serialiseMessage({ csid, type: 9, streamId: 1, timestamp, payload }, chunkSize);
          expect(dechunkMessage(chunks, chunkSize, payload.length).equals(payload)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChunkDecoder,
  MessageType,
  RtmpError,
  RtmpMessage,
  amfEcmaArray,
  decodeMessage,
  encodeAmf0,
  encodeMessage,
  serialiseMessage,
  splitAggregate,
} from '..';
import { hex, splits } from '../../test/support/bytes';

interface MessageCase {
  name: string;
  type: number;
  bytes: Buffer;
  value: RtmpMessage;
}

/** One table for every message type: decode(type, bytes) equals value and encode(value) equals bytes. */
const MESSAGE_CASES: MessageCase[] = [
  { name: 'Set Chunk Size 4096', type: 1, bytes: hex('00001000'), value: { kind: 'setChunkSize', chunkSize: 4096 } },
  { name: 'Abort chunk stream 4', type: 2, bytes: hex('00000004'), value: { kind: 'abort', csid: 4 } },
  {
    name: 'Acknowledgement',
    type: 3,
    bytes: hex('0026 25a0'),
    value: { kind: 'acknowledgement', sequenceNumber: 2_500_000 },
  },
  {
    name: 'Window Acknowledgement Size',
    type: 5,
    bytes: hex('002625a0'),
    value: { kind: 'windowAckSize', windowSize: 2_500_000 },
  },
  {
    name: 'Set Peer Bandwidth dynamic',
    type: 6,
    bytes: hex('002625a0 02'),
    value: { kind: 'setPeerBandwidth', windowSize: 2_500_000, limitType: 2 },
  },
  {
    name: 'User Control Stream Begin',
    type: 4,
    bytes: hex('0000 00000001'),
    value: { kind: 'userControl', event: 'streamBegin', streamId: 1 },
  },
  {
    name: 'User Control Stream EOF',
    type: 4,
    bytes: hex('0001 00000001'),
    value: { kind: 'userControl', event: 'streamEof', streamId: 1 },
  },
  {
    name: 'User Control Stream Dry',
    type: 4,
    bytes: hex('0002 00000001'),
    value: { kind: 'userControl', event: 'streamDry', streamId: 1 },
  },
  {
    name: 'User Control SetBufferLength',
    type: 4,
    bytes: hex('0003 00000001 00000bb8'),
    value: { kind: 'userControl', event: 'setBufferLength', streamId: 1, bufferLength: 3000 },
  },
  {
    name: 'User Control StreamIsRecorded',
    type: 4,
    bytes: hex('0004 00000001'),
    value: { kind: 'userControl', event: 'streamIsRecorded', streamId: 1 },
  },
  {
    name: 'User Control Ping Request',
    type: 4,
    bytes: hex('0006 0000abcd'),
    value: { kind: 'userControl', event: 'pingRequest', timestamp: 0xabcd },
  },
  {
    name: 'User Control Ping Response',
    type: 4,
    bytes: hex('0007 0000abcd'),
    value: { kind: 'userControl', event: 'pingResponse', timestamp: 0xabcd },
  },
  {
    name: 'User Control unknown event (FMS BufferEmpty)',
    type: 4,
    bytes: hex('001f 00000001'),
    value: { kind: 'userControl', event: 'unknown', eventType: 31, data: hex('00000001') },
  },
  {
    name: 'Command AMF0 connect',
    type: 20,
    bytes: encodeAmf0('connect', 1, { app: 'live', tcUrl: 'rtmp://127.0.0.1/live', fourCcList: ['hvc1', 'av01'] }),
    value: {
      kind: 'command',
      name: 'connect',
      transactionId: 1,
      commandObject: { app: 'live', tcUrl: 'rtmp://127.0.0.1/live', fourCcList: ['hvc1', 'av01'] },
      args: [],
    },
  },
  {
    name: 'Command AMF0 publish',
    type: 20,
    bytes: encodeAmf0('publish', 5, null, 'key', 'live'),
    value: { kind: 'command', name: 'publish', transactionId: 5, commandObject: null, args: ['key', 'live'] },
  },
  {
    name: 'Command AMF3 createStream',
    type: 17,
    bytes: Buffer.concat([hex('00'), encodeAmf0('createStream', 4, null)]),
    value: { kind: 'command', name: 'createStream', transactionId: 4, commandObject: null, args: [], amf3: true },
  },
  {
    name: 'Data AMF0 @setDataFrame onMetaData',
    type: 18,
    bytes: encodeAmf0('@setDataFrame', 'onMetaData', amfEcmaArray({ width: 640, height: 360 })),
    value: { kind: 'data', values: ['@setDataFrame', 'onMetaData', amfEcmaArray({ width: 640, height: 360 })] },
  },
  {
    name: 'Data AMF3 onMetaData',
    type: 15,
    bytes: Buffer.concat([hex('00'), encodeAmf0('onMetaData', { duration: 0 })]),
    value: { kind: 'data', values: ['onMetaData', { duration: 0 }], amf3: true },
  },
  { name: 'Audio (AAC raw)', type: 8, bytes: hex('af01 2110'), value: { kind: 'audio', payload: hex('af01 2110') } },
  { name: 'Video (AVC NALU)', type: 9, bytes: hex('1701 000000 00000001 65'), value: { kind: 'video', payload: hex('1701 000000 00000001 65') } },
  {
    name: 'Aggregate',
    type: 22,
    bytes: hex('09 000002 000000 00 000000 1701 0000000d'),
    value: { kind: 'aggregate', payload: hex('09 000002 000000 00 000000 1701 0000000d') },
  },
  { name: 'Shared object AMF0 (passed through)', type: 19, bytes: hex('0102'), value: { kind: 'unknown', type: 19, payload: hex('0102') } },
];

describe('message shared table', () => {
  for (const c of MESSAGE_CASES) {
    it(`decodes ${c.name}`, () => {
      expect(decodeMessage(c.type, c.bytes)).toEqual(c.value);
    });
    it(`encodes ${c.name}`, () => {
      const { type, payload } = encodeMessage(c.value);
      expect(type).toBe(c.type);
      expect(payload.toString('hex')).toBe(c.bytes.toString('hex'));
    });
    it(`decodes ${c.name} from a chunk stream split at every byte boundary`, () => {
      // announce a small chunk size so that most fixtures span several chunks
      const chunks = Buffer.concat([
        serialiseMessage({ csid: 2, type: 1, streamId: 0, timestamp: 0, payload: hex('00000010') }),
        serialiseMessage({ csid: 3, type: c.type, streamId: 1, timestamp: 0, payload: c.bytes }, 16),
      ]);
      for (const [head, tail] of splits(chunks)) {
        const got: RtmpMessage[] = [];
        const decoder = new ChunkDecoder({ onMessage: (raw) => got.push(decodeMessage(raw.type, raw.payload)) });
        decoder.push(head);
        decoder.push(tail);
        expect(got).toEqual([{ kind: 'setChunkSize', chunkSize: 16 }, c.value]);
      }
    });
  }

  it('decodes an AMF3 command whose body switches to AMF3 with 0x11', () => {
    const body = Buffer.concat([hex('00'), encodeAmf0('connect', 1), hex('11 0a 0b 01 03 61 04 01 01')]);
    expect(decodeMessage(MessageType.CommandAmf3, body)).toMatchObject({ name: 'connect', commandObject: { a: 1 } });
  });

  it('decodes a command with only a name and transaction id (null command object)', () => {
    expect(decodeMessage(20, encodeAmf0('onBWDone', 0))).toEqual({
      kind: 'command',
      name: 'onBWDone',
      transactionId: 0,
      commandObject: null,
      args: [],
    });
  });

  const truncated: Array<[string, number, Buffer]> = [
    ['Set Chunk Size', 1, hex('0000')],
    ['Abort', 2, hex('00')],
    ['Acknowledgement', 3, hex('')],
    ['Window Ack Size', 5, hex('000000')],
    ['Set Peer Bandwidth', 6, hex('00000000')],
    ['User Control', 4, hex('00')],
    ['User Control Stream Begin', 4, hex('0000 0000')],
    ['User Control SetBufferLength', 4, hex('0003 00000001 0000')],
  ];
  for (const [name, type, bytes] of truncated) {
    it(`rejects a truncated ${name} with MESSAGE_TRUNCATED`, () => {
      expect(() => decodeMessage(type, bytes)).toThrow(expect.objectContaining({ code: 'MESSAGE_TRUNCATED' }));
    });
  }

  it('rejects a command whose name is not a string with MESSAGE_INVALID', () => {
    expect(() => decodeMessage(20, encodeAmf0(1, 2))).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
  });

  it('splits an aggregate into sub-messages rebased on the aggregate timestamp', () => {
    const agg = hex('08 000002 000064 00 000000 af01 0000000d | 09 000001 00007a 00 000000 17 0000000c');
    expect(splitAggregate(agg, 1000)).toEqual([
      { type: 8, timestamp: 1000, payload: hex('af01') },
      { type: 9, timestamp: 1022, payload: hex('17') },
    ]);
  });
});

describe('message properties', () => {
  const control = fc.oneof(
    fc.integer({ min: 1, max: 0x7fffffff }).map((chunkSize): RtmpMessage => ({ kind: 'setChunkSize', chunkSize })),
    fc.nat({ max: 0xffffffff }).map((csid): RtmpMessage => ({ kind: 'abort', csid })),
    fc.nat({ max: 0xffffffff }).map((sequenceNumber): RtmpMessage => ({ kind: 'acknowledgement', sequenceNumber })),
    fc.nat({ max: 0xffffffff }).map((windowSize): RtmpMessage => ({ kind: 'windowAckSize', windowSize })),
    fc
      .tuple(fc.nat({ max: 0xffffffff }), fc.constantFrom(0 as const, 1 as const, 2 as const))
      .map(([windowSize, limitType]): RtmpMessage => ({ kind: 'setPeerBandwidth', windowSize, limitType })),
    fc
      .tuple(fc.constantFrom('streamBegin' as const, 'streamEof' as const, 'streamDry' as const, 'streamIsRecorded' as const), fc.nat({ max: 0xffffffff }))
      .map(([event, streamId]): RtmpMessage => ({ kind: 'userControl', event, streamId })),
    fc
      .tuple(fc.constantFrom('pingRequest' as const, 'pingResponse' as const), fc.nat({ max: 0xffffffff }))
      .map(([event, timestamp]): RtmpMessage => ({ kind: 'userControl', event, timestamp })),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.nat(), fc.array(fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.constant(null)), { maxLength: 3 }))
      .map(([name, transactionId, args]): RtmpMessage => ({ kind: 'command', name, transactionId, commandObject: null, args })),
    fc.uint8Array({ maxLength: 32 }).map((b): RtmpMessage => ({ kind: 'video', payload: Buffer.from(b) })),
  );

  it('decodes what it encodes, for every message type', () => {
    fc.assert(
      fc.property(control, (message) => {
        const { type, payload } = encodeMessage(message);
        expect(decodeMessage(type, payload)).toEqual(message);
      }),
      { numRuns: 1000 },
    );
  });

  it('anything decoded from random bodies re-encodes to the same message, or fails with RtmpError', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3, 4, 5, 6, 8, 9, 15, 17, 18, 20, 22), fc.uint8Array({ maxLength: 40 }), (type, bytes) => {
        let message: RtmpMessage;
        try {
          message = decodeMessage(type, Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(RtmpError);
          return;
        }
        if (message.kind === 'setChunkSize' && message.chunkSize === 0) return; // invalid to send
        const again = encodeMessage(message);
        expect(decodeMessage(again.type, again.payload)).toEqual(message);
      }),
      { numRuns: 3000 },
    );
  });
});

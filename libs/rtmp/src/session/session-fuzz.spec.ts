import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RtmpError, ServerSession, encodeMessage, serialiseMessage } from '..';

/** A whole publisher conversation: handshake, connect, createStream, publish, metadata, media, aggregate. */
const conversation = Buffer.concat([
  Buffer.from([3]),
  Buffer.alloc(1536 * 2),
  ...[
    encodeMessage({ kind: 'command', name: 'connect', transactionId: 1, commandObject: { app: 'live', tcUrl: 'rtmp://x/live' }, args: [] }),
    encodeMessage({ kind: 'command', name: 'createStream', transactionId: 2, commandObject: null, args: [] }),
    encodeMessage({ kind: 'command', name: 'publish', transactionId: 3, commandObject: null, args: ['k', 'live'] }),
    encodeMessage({ kind: 'data', values: ['@setDataFrame', 'onMetaData', { width: 1 }] }),
    { type: 9, payload: Buffer.alloc(300, 1) },
    { type: 22, payload: Buffer.from('08000002000064000000000af010000000d', 'hex') },
  ].map((m, i) => serialiseMessage({ csid: 3 + i, streamId: i >= 2 ? 1 : 0, timestamp: i * 10, ...m }, 128)),
]);
const HANDSHAKE = 1 + 1536 * 2;

describe('server session against hostile input', () => {
  it('never throws on a mutated conversation; it closes with an RtmpError of its own', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: HANDSHAKE, max: conversation.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.nat(conversation.length),
        (mutations, cut) => {
          const bytes = Buffer.from(conversation);
          for (const [at, v] of mutations) bytes[at] = v;
          const session = new ServerSession();
          session.on('publish', (req) => req.accept());
          let closedWith: RtmpError | undefined;
          session.on('close', (error) => (closedWith = error));
          session.attach({ write: () => undefined, close: () => undefined, destroy: () => undefined, bytesQueued: 0, writable: true });
          expect(() => {
            session.receive(bytes.subarray(0, cut));
            session.receive(bytes.subarray(cut));
          }).not.toThrow();
          if (closedWith) {
            expect(closedWith).toBeInstanceOf(RtmpError);
            // PROTOCOL_VIOLATION wrapping a non-RtmpError would mean our own code threw something untyped
            if (closedWith.code === 'PROTOCOL_VIOLATION' && closedWith.cause !== undefined) throw closedWith.cause;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

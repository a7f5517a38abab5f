import { RtmpError } from '../errors';
import type { AggregateMessage } from './types';

/** Aggregate Message (type 22, spec 7.1.6): FLV-tag-like sub-messages, passed through. */
export function decodeAggregate(payload: Buffer): AggregateMessage {
  return { kind: 'aggregate', payload };
}

export function encodeAggregate(message: AggregateMessage): Buffer {
  return message.payload;
}

export interface AggregatePart {
  readonly type: number;
  readonly timestamp: number;
  readonly payload: Buffer;
}

/**
 * Splits an aggregate into its sub-messages. Each sub-message header is 11 bytes (type, 24-bit
 * size, 24-bit timestamp + 8-bit extension, 24-bit stream id) followed by a 4-byte back pointer.
 * Timestamps are rebased so the first sub-message gets the aggregate's own timestamp.
 */
export function splitAggregate(payload: Buffer, aggregateTimestamp: number): AggregatePart[] {
  const parts: AggregatePart[] = [];
  let off = 0;
  let base: number | undefined;
  while (off < payload.length) {
    if (payload.length - off < 11) throw new RtmpError('MESSAGE_TRUNCATED', 'aggregate sub-message header');
    const type = payload[off]!;
    const size = payload.readUIntBE(off + 1, 3);
    const ts = (payload.readUIntBE(off + 4, 3) | (payload[off + 7]! << 24)) >>> 0;
    const start = off + 11;
    if (payload.length - start < size) throw new RtmpError('MESSAGE_TRUNCATED', 'aggregate sub-message body');
    base ??= ts;
    parts.push({ type, timestamp: (aggregateTimestamp + ts - base) >>> 0, payload: payload.subarray(start, start + size) });
    off = start + size + 4;
  }
  return parts;
}

import { decodeAmf0Sequence, encodeAmf0 } from '../amf/amf0';
import { type AmfLimits, DEFAULT_LIMITS } from '../limits';
import type { DataMessage } from './types';

/**
 * Data Message AMF3 (type 15): like type 17, an optional format byte 0 and then AMF0 values
 * that may switch to AMF3 with marker 0x11.
 */
export function decodeDataAmf3(payload: Buffer, limits: AmfLimits = DEFAULT_LIMITS): DataMessage {
  const start = payload.length > 0 && payload[0] === 0 ? 1 : 0;
  return { kind: 'data', values: decodeAmf0Sequence(payload, start, { maxDepth: limits.maxAmfDepth, maxValues: limits.maxAmfValues }), amf3: true };
}

export function encodeDataAmf3(message: DataMessage): Buffer {
  return Buffer.concat([Buffer.from([0]), encodeAmf0(...message.values)]);
}

import { decodeAmf0Sequence, encodeAmf0 } from '../amf/amf0';
import { type AmfLimits, DEFAULT_LIMITS } from '../limits';
import type { DataMessage } from './types';

/** Data Message AMF0 (type 18, spec 7.1.2), e.g. `@setDataFrame`, `onMetaData`, `|RtmpSampleAccess`. */
export function decodeDataAmf0(payload: Buffer, limits: AmfLimits = DEFAULT_LIMITS): DataMessage {
  return { kind: 'data', values: decodeAmf0Sequence(payload, 0, { maxDepth: limits.maxAmfDepth, maxValues: limits.maxAmfValues }) };
}

export function encodeDataAmf0(message: DataMessage): Buffer {
  return encodeAmf0(...message.values);
}

import { requireLength, u32Payload } from './payload';
import type { AbortMessage } from './types';

/** Abort Message (type 2, spec 5.4.2): the chunk stream whose partial message to discard. */
export function decodeAbort(payload: Buffer): AbortMessage {
  requireLength(payload, 4, 'Abort');
  return { kind: 'abort', csid: payload.readUInt32BE(0) };
}

export function encodeAbort(message: AbortMessage): Buffer {
  return u32Payload(message.csid);
}

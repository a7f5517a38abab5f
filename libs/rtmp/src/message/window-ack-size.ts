import { requireLength, u32Payload } from './payload';
import type { WindowAckSizeMessage } from './types';

/** Window Acknowledgement Size (type 5, spec 5.4.4). */
export function decodeWindowAckSize(payload: Buffer): WindowAckSizeMessage {
  requireLength(payload, 4, 'Window Acknowledgement Size');
  return { kind: 'windowAckSize', windowSize: payload.readUInt32BE(0) };
}

export function encodeWindowAckSize(message: WindowAckSizeMessage): Buffer {
  return u32Payload(message.windowSize);
}

import { assertChunkSize } from '../chunk/chunk-header';
import { requireLength, u32Payload } from './payload';
import type { SetChunkSizeMessage } from './types';

/** Set Chunk Size (type 1, spec 5.4.1): 31-bit size, first bit zero. */
export function decodeSetChunkSize(payload: Buffer): SetChunkSizeMessage {
  requireLength(payload, 4, 'Set Chunk Size');
  return { kind: 'setChunkSize', chunkSize: payload.readUInt32BE(0) & 0x7fffffff };
}

export function encodeSetChunkSize(message: SetChunkSizeMessage): Buffer {
  assertChunkSize(message.chunkSize, 'Set Chunk Size');
  return u32Payload(message.chunkSize);
}

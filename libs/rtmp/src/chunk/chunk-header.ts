import { RtmpError } from '../errors';
import { MAX_CSID, MIN_CSID } from './types';

/** Chunk message header formats (spec section 5.3.1.2). */
export const ChunkFormat = { Full: 0, SameStream: 1, TimestampOnly: 2, Continuation: 3 } as const;
export type ChunkFormat = (typeof ChunkFormat)[keyof typeof ChunkFormat];

/** Message header length for each format, without the extended timestamp. */
export const MESSAGE_HEADER_SIZE: readonly number[] = [11, 7, 3, 0];

/** Largest chunk size the protocol can express (31 bits, spec 5.4.1). */
export const MAX_CHUNK_SIZE = 0x7fffffff;

/** The one chunk size check for sizes we choose (encoder, Set Chunk Size we send, limits). */
export function assertChunkSize(chunkSize: number, what = 'chunk size'): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RtmpError('INVALID_ARGUMENT', `${what} ${chunkSize} outside 1..2^31-1`);
  }
}

export function assertCsid(csid: number): void {
  if (!Number.isInteger(csid) || csid < MIN_CSID || csid > MAX_CSID) {
    throw new RtmpError('INVALID_ARGUMENT', `chunk stream id ${csid} outside ${MIN_CSID}..${MAX_CSID}`);
  }
}

/** Bytes taken by the basic header for `csid`: 1 (2..63), 2 (64..319) or 3 (320..65599). */
export function basicHeaderSize(csid: number): 1 | 2 | 3 {
  if (csid < 64) return 1;
  if (csid < 320) return 2;
  return 3;
}

/** Writes a basic header and returns the offset after it. */
export function writeBasicHeader(buf: Buffer, offset: number, fmt: number, csid: number): number {
  if (csid < 64) {
    buf[offset] = (fmt << 6) | csid;
    return offset + 1;
  }
  if (csid < 320) {
    buf[offset] = fmt << 6;
    buf[offset + 1] = csid - 64;
    return offset + 2;
  }
  const rest = csid - 64;
  buf[offset] = (fmt << 6) | 1;
  buf[offset + 1] = rest & 0xff;
  buf[offset + 2] = rest >>> 8;
  return offset + 3;
}

import { RtmpError } from '../errors';

/** Throws MESSAGE_TRUNCATED unless `payload` has at least `size` bytes. */
export function requireLength(payload: Buffer, size: number, what: string): void {
  if (payload.length < size) {
    throw new RtmpError('MESSAGE_TRUNCATED', `${what}: ${payload.length} bytes, need ${size}`);
  }
}

export function u32Payload(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}

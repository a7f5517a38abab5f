import { ByteReader } from '../bytes';
import { Mp4Error } from '../errors';

/** Where one box sits: `start` is its first byte, `end` one past its last. */
export interface BoxHeader {
  type: string;
  start: number;
  headerSize: number;
  size: number;
  end: number;
}

/**
 * Reads the header of the box starting at `at` in `buf` (whose first byte is file offset
 * `base`). Returns undefined when fewer header bytes than needed remain before `limit`, which
 * is how a reader tells a truncated file from a broken one. `size == 0` (box runs to the end)
 * is taken to mean up to `limit`, or `openEndSize` bytes when given (a top-level box runs to
 * the end of the file).
 */
export function readBoxHeader(buf: Uint8Array, at: number, limit: number, base = 0, openEndSize = limit - at): BoxHeader | undefined {
  if (at + 8 > limit) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let size = view.getUint32(at);
  const type = Buffer.from(buf.buffer, buf.byteOffset + at + 4, 4).toString('latin1');
  let headerSize = 8;
  if (size === 1) {
    if (at + 16 > limit) return undefined;
    const large = view.getBigUint64(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new Mp4Error('BOX_INVALID', `box '${printable(type)}' larger than 2^53 bytes`, base + at);
    size = Number(large);
    headerSize = 16;
  } else if (size === 0) {
    size = openEndSize;
  }
  if (size < headerSize) throw new Mp4Error('BOX_INVALID', `box '${printable(type)}' of size ${size}`, base + at);
  return { type, start: at, headerSize, size, end: at + size };
}

/** The child boxes laid end to end in `[start, end)`; a child overrunning its parent is an error. */
export function childBoxes(buf: Uint8Array, start: number, end: number, base = 0): BoxHeader[] {
  const out: BoxHeader[] = [];
  let at = start;
  while (at < end) {
    const header = readBoxHeader(buf, at, end, base);
    if (header === undefined || header.end > end) {
      throw new Mp4Error('BOX_INVALID', `child box at ${base + at} overruns its parent ending at ${base + end}`, base + at);
    }
    out.push(header);
    at = header.end;
  }
  return out;
}

/** A four-character code safe to print in a message. */
export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e]/g, '?');
}

/**
 * Decodes one whole box with `decode`, which gets a reader over the payload. The bytes must be
 * exactly one box of `type`, and `decode` must use all of its payload.
 */
export function decodeBox<T>(bytes: Uint8Array, type: string, decode: (r: ByteReader) => T): T {
  const h = readBoxHeader(bytes, 0, bytes.length);
  if (h === undefined || h.end > bytes.length) throw new Mp4Error('BOX_TRUNCATED', `'${type}' box cut short`, 0);
  if (h.type !== type) throw new Mp4Error('BOX_INVALID', `'${printable(h.type)}' box where '${type}' was expected`, 0);
  const r = new ByteReader(bytes, h.headerSize, h.end);
  const value = decode(r);
  if (r.remaining !== 0 || h.end !== bytes.length) throw new Mp4Error('BOX_INVALID', `'${type}' box has ${bytes.length - r.pos} bytes left over`, r.pos);
  return value;
}

/** One satisfiable byte range of a resource, inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The `Range` header of a GET (RFC 9110 §14.2), for a resource of `size` bytes: undefined to
 * send it whole (no header, another unit, or several ranges: answering those in full is
 * allowed), the range to send as 206, or 'unsatisfiable' for a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return undefined; // another unit, several ranges, or junk: the whole file
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined; // invalid: ignore the header
  return { start, end };
}

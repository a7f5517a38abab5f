import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range';

describe('parseRange (RFC 9110 §14.2)', () => {
  it('reads first-last, open-ended and suffix ranges, clamped to the resource', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange(' Bytes = 1 - 2 ', 1000)).toEqual({ start: 1, end: 2 });
  });

  it('answers 416 for ranges past the end, and ignores what it may ignore', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    for (const header of [undefined, 'items=0-1', 'bytes=0-1,5-6', 'bytes=-', 'bytes=5-1', 'bytes=abc']) expect(parseRange(header, 1000)).toBeUndefined();
  });
});

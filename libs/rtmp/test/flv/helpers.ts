import { expect } from 'vitest';
import { MediaTagError, type MediaTagErrorReason } from '../../src/flv';

/** Hex string (spaces and `|` allowed for readability) → Buffer. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/[\s|]/g, ''), 'hex');
}

export function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/**
 * Copies `bytes` into a larger buffer between random-looking garbage and
 * returns the view on it, so any parser that reads absolute offsets of the
 * underlying ArrayBuffer (instead of the view) sees the wrong bytes.
 */
export function withGarbage(bytes: Uint8Array, before = 7, after = 5): Buffer {
  const big = Buffer.alloc(before + bytes.length + after, 0xa5);
  for (let i = 0; i < big.length; i++) big[i] = (i * 37 + 11) & 0xff;
  big.set(bytes, before);
  return big.subarray(before, before + bytes.length);
}

/** Asserts that `fn` throws a MediaTagError (optionally with the given reason). */
export function expectMediaError(fn: () => unknown, reason?: MediaTagErrorReason): MediaTagError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MediaTagError);
    if (reason !== undefined) expect((error as MediaTagError).reason).toBe(reason);
    return error as MediaTagError;
  }
  throw new Error('expected a MediaTagError, nothing was thrown');
}

/** Runs `fn`; returns normally if it succeeded or threw a MediaTagError, rethrows anything else. */
export function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof MediaTagError)) throw error;
  }
}

/** MSB-first bit writer with Exp-Golomb codes, for building parameter sets by hand. */
export class BitWriter {
  private readonly bits: number[] = [];

  u(count: number, value: number): this {
    for (let i = count - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }

  flag(value: boolean): this {
    return this.u(1, value ? 1 : 0);
  }

  ue(value: number): this {
    const v = value + 1;
    const len = Math.floor(Math.log2(v));
    this.u(len, 0);
    return this.u(len + 1, v);
  }

  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** rbsp_trailing_bits: a 1 then zeros to the byte boundary. */
  trailing(): this {
    this.bits.push(1);
    while (this.bits.length % 8 !== 0) this.bits.push(0);
    return this;
  }

  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, i) => {
      if (bit) out[i >> 3] = (out[i >> 3] as number) | (0x80 >> (i & 7));
    });
    return out;
  }
}

/** Inserts emulation-prevention bytes the way an encoder does (00 00 0x → 00 00 03 0x for x ≤ 3). */
export function addEmulationPrevention(rbsp: Uint8Array): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

import { MediaTagError } from './errors';

/**
 * MSB-first bit reader with Exp-Golomb codes, as used by H.264/HEVC parameter
 * sets. Reading past the end throws `MediaTagError('TRUNCATED')`.
 */
export class BitReader {
  private bitPos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what = 'bitstream',
  ) {}

  get bitsLeft(): number {
    return this.bytes.length * 8 - this.bitPos;
  }

  /** Reads up to 32 bits as an unsigned number. */
  bits(count: number): number {
    if (count > this.bitsLeft) {
      throw new MediaTagError('TRUNCATED', `${this.what}: needs ${count} more bit(s), ${this.bitsLeft} left`);
    }
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.bytes[this.bitPos >> 3] as number;
      const bit = (byte >> (7 - (this.bitPos & 7))) & 1;
      value = value * 2 + bit;
      this.bitPos++;
    }
    return value;
  }

  flag(): boolean {
    return this.bits(1) === 1;
  }

  skip(count: number): void {
    if (count > this.bitsLeft) {
      throw new MediaTagError('TRUNCATED', `${this.what}: cannot skip ${count} bit(s), ${this.bitsLeft} left`);
    }
    this.bitPos += count;
  }

  /** ue(v): unsigned Exp-Golomb. Codes longer than 32 bits are rejected as malformed. */
  ue(): number {
    let leadingZeros = 0;
    while (this.bits(1) === 0) {
      leadingZeros++;
      if (leadingZeros > 31) {
        throw new MediaTagError('MALFORMED', `${this.what}: Exp-Golomb code longer than 32 bits`);
      }
    }
    return 2 ** leadingZeros - 1 + this.bits(leadingZeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    if (k === 0) return 0;
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/**
 * Removes H.264/HEVC emulation-prevention bytes (`00 00 03` → `00 00`) from a
 * NAL unit payload. Returns the input itself when there is nothing to remove.
 */
export function removeEmulationPrevention(nal: Uint8Array): Uint8Array {
  let zeros = 0;
  let first = -1;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i] as number;
    if (zeros >= 2 && b === 3) {
      first = i;
      break;
    }
    zeros = b === 0 ? zeros + 1 : 0;
  }
  if (first < 0) return nal;

  const out = new Uint8Array(nal.length);
  out.set(nal.subarray(0, first));
  let n = first;
  zeros = 0;
  for (let i = first + 1; i < nal.length; i++) {
    const b = nal[i] as number;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

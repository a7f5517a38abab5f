import { Mp4Error, type Mp4ErrorCode } from '../errors';

/** MSB-first bit reader over a byte array; overruns throw the given Mp4Error code. */
export class BitReader {
  private bit = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    private readonly code: Mp4ErrorCode = 'INVALID_CONFIG',
  ) {}

  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bytes[this.bit >> 3];
      if (byte === undefined) throw new Mp4Error(this.code, `${this.what}: truncated`);
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }
}

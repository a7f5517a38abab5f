import { Mp4Error, type Mp4ErrorCode } from './errors';

/** Big-endian field writer that grows as needed; `bytes()` returns what was written. */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 64) {
    this.buf = Buffer.alloc(initial);
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf.writeUInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  i16(v: number): this {
    this.room(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.room(3);
    this.buf.writeUIntBE(v, this.pos, 3);
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.room(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** An unsigned 64-bit value given as a safe integer. */
  u64(v: number): this {
    this.room(8);
    this.buf.writeBigUInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  fourcc(s: string): this {
    this.room(4);
    this.buf.write(s, this.pos, 4, 'latin1');
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  zeros(n: number): this {
    this.room(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** A box: 32-bit size, four-character type, then the payload parts. */
export function box(type: string, ...parts: Uint8Array[]): Buffer {
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(size, 0);
  out.write(type, 4, 4, 'latin1');
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A full box: a box whose payload starts with an 8-bit version and 24-bit flags. */
export function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(version, 0);
  head.writeUIntBE(flags, 1, 3);
  return box(type, head, ...parts);
}

/**
 * Bounds-checked big-endian reader over one box payload. Every overrun throws an
 * {@link Mp4Error} carrying the absolute file offset (`base` + position).
 */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
    /** File offset of `buf[0]`, for error offsets. */
    readonly base = 0,
    readonly code: Mp4ErrorCode = 'BOX_INVALID',
  ) {
    this.pos = start;
  }

  private view(): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new Mp4Error(this.code, `${what}: needs ${n} bytes, ${this.end - this.pos} left`, this.base + this.pos);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++] as number;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view().getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  i16(what = 'i16'): number {
    this.need(2, what);
    const v = this.view().getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  u24(what = 'u24'): number {
    this.need(3, what);
    const v = ((this.buf[this.pos] as number) << 16) | ((this.buf[this.pos + 1] as number) << 8) | (this.buf[this.pos + 2] as number);
    this.pos += 3;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view().getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  i32(what = 'i32'): number {
    this.need(4, what);
    const v = this.view().getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  /** An unsigned 64-bit value; beyond 2^53 it is an error, since offsets and times are numbers. */
  u64(what = 'u64'): number {
    this.need(8, what);
    const v = this.view().getBigUint64(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Mp4Error(this.code, `${what}: 64-bit value beyond 2^53`, this.base + this.pos - 8);
    return Number(v);
  }

  /** A time, offset or duration field: 64-bit in a version-1 full box, 32-bit in version 0. */
  versioned(version: number, what = 'field'): number {
    return version === 1 ? this.u64(what) : this.u32(what);
  }

  fourcc(what = 'fourcc'): string {
    this.need(4, what);
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, 4).toString('latin1');
    this.pos += 4;
    return s;
  }

  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const b = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return b;
  }

  skip(n: number, what = 'skip'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** Version and flags of a full box. */
  fullHeader(what: string): { version: number; flags: number } {
    const version = this.u8(`${what} version`);
    const flags = this.u24(`${what} flags`);
    return { version, flags };
  }
}

/** A Buffer view of `bytes` without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

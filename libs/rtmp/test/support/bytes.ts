/** Bytes from a hex string; whitespace and `|` separators are ignored. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/[\s|]/g, ''), 'hex');
}

/** Every way to cut `bytes` in two, as [head, tail] pairs (including empty head/tail). */
export function* splits(bytes: Buffer): Generator<[Buffer, Buffer, number]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i), i];
}

/** `bytes` cut into pieces of `size` bytes (the last one shorter). */
export function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

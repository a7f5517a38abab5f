/**
 * Random-access bytes for the reader. A host recovering a multi-gigabyte recording passes
 * `{ size, read }` over a file descriptor (fs.readSync) so only box headers and moofs are read;
 * tests pass a Buffer. `read` may return fewer bytes than asked only at the end of the data.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export function toSource(input: Uint8Array | ByteSource): ByteSource {
  if (!(input instanceof Uint8Array)) return input;
  return { size: input.length, read: (offset, length) => input.subarray(offset, Math.min(input.length, offset + length)) };
}

/** A write into bytes already in the file: `bytes` replace the file's bytes at `offset`. */
export interface Patch {
  offset: number;
  bytes: Buffer;
}

export * from './types';
export { ChunkFormat, basicHeaderSize, writeBasicHeader } from './chunk-header';
export { ChunkDecoder } from './chunk-decoder';
export type { ChunkDecoderOptions } from './chunk-decoder';
export { ChunkEncoder, serialiseMessage } from './chunk-encoder';
export type { OutgoingMessage } from './chunk-encoder';

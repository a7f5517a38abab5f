export * from './types';
export { ChunkFormat, MAX_CHUNK_SIZE, assertChunkSize, basicHeaderSize, writeBasicHeader } from './chunk-header';
export { ChunkDecoder } from './chunk-decoder';
export type { ChunkDecoderOptions } from './chunk-decoder';
export { ChunkEncoder, dechunkMessage, serialiseMessage } from './chunk-encoder';
export type { OutgoingMessage } from './chunk-encoder';

export * from './types';
export { Amf0Marker, decodeAmf0, decodeAmf0Sequence, encodeAmf0, writeAmf0 } from './amf0';
export type { Amf0DecodeOptions } from './amf0';
export { Amf3Marker, decodeAmf3 } from './amf3';
export { ByteReader, ByteWriter } from './reader';

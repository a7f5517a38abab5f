/**
 * @fanout/mp4: a fragmented MP4 (ISO BMFF) muxer and reader, I/O-free.
 *
 * - `errors`, `limits`: typed errors ({@link Mp4Error} with a code), the fragment policy and
 *   every bound in one object each.
 * - `muxer`: {@link Fmp4Muxer}, codec-level samples in, init segment and moof+mdat fragments out,
 *   an mfra index and duration patches at the end.
 * - `reader/`: {@link scanFragments} walks a possibly truncated file for crash recovery;
 *   {@link readInit} and {@link readFragment} parse boxes back, for tests and tools.
 * - `boxes/`, `codec/`: one encode/decode pair per box; codec configuration and frame parsers.
 */
export * from './errors';
export { ByteReader, ByteWriter, box, fullBox } from './bytes';
export * from './limits';
export * from './muxer';
export type { Patch } from './patch';
export * from './track';
export { MOVIE_TIMESCALE, brandsFor } from './init-segment';
export * from './reader';
export * from './boxes';
export * from './codec';

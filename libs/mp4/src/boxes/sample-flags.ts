/**
 * Sample flags (14496-12 8.8.3.1) as the muxer writes them: a sync sample depends on no other
 * (sample_depends_on = 2); any other sample depends on others and is a non-sync sample.
 */
export const SYNC_SAMPLE_FLAGS = 0x02000000;
export const NON_SYNC_SAMPLE_FLAGS = 0x01010000;

/** sample_is_non_sync_sample is clear. */
export function isSyncSample(flags: number): boolean {
  return (flags & 0x00010000) === 0;
}

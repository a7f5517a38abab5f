import { Fmp4Muxer, type Fragment, type FragmentPolicy, type Mp4Sample, type TrackConfig } from '../../src';

export interface MuxInput {
  tracks: TrackConfig[];
  /** Samples per track, in track order. */
  samples: Mp4Sample[][];
  fragment?: Partial<FragmentPolicy>;
  writeMode?: 'commit' | 'append';
  sidxEntries?: number;
}

export interface Muxed {
  /** The finished file: init, fragments, mfra, with the duration patches applied. */
  file: Buffer;
  /** The file as it stands before finalize: init and every fragment, each committed. */
  appended: Buffer;
  /** Every fragment as push/flush returned it (uncommitted bytes in commit mode). */
  fragments: Fragment[];
  muxer: Fmp4Muxer;
}

/** Interleaves the tracks' samples by dts (stable, as a publisher sends them). */
export function interleave(samples: Mp4Sample[][]): { track: number; sample: Mp4Sample }[] {
  return samples
    .flatMap((list, track) => list.map((sample, n) => ({ track, sample, n })))
    .sort((a, b) => a.sample.dtsMs - b.sample.dtsMs || a.track - b.track || a.n - b.n);
}

/** The fragment's bytes with its commit patch applied, as they stand in the file once written. */
export function committed(fragment: Fragment): Buffer {
  const bytes = Buffer.from(fragment.bytes);
  if (fragment.commit) fragment.commit.bytes.copy(bytes, fragment.commit.offset - fragment.offset);
  return bytes;
}

export function mux(input: MuxInput): Muxed {
  const muxer = new Fmp4Muxer({ tracks: input.tracks, fragment: input.fragment, writeMode: input.writeMode, sidxEntries: input.sidxEntries });
  const fragments: Fragment[] = [];
  for (const { track, sample } of interleave(input.samples)) fragments.push(...muxer.push(muxer.trackIds[track]!, sample));
  const end = muxer.finalize();
  if (end.fragment) fragments.push(end.fragment);
  const appended = Buffer.concat([muxer.init(), ...fragments.map(committed)]);
  const file = Buffer.concat([appended, end.tail]);
  for (const p of end.patches) p.bytes.copy(file, p.offset);
  return { file, appended, fragments, muxer };
}

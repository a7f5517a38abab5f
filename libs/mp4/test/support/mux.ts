import { Fmp4Muxer, type FragmentPolicy, type Mp4Sample, type TrackConfig } from '../../src';

export interface MuxInput {
  tracks: TrackConfig[];
  /** Samples per track, in track order. */
  samples: Mp4Sample[][];
  fragment?: Partial<FragmentPolicy>;
}

export interface Muxed {
  /** The finished file: init, fragments, mfra, with the duration patches applied. */
  file: Buffer;
  /** The same bytes as written before finalize: init and the fragments push/flush returned. */
  appended: Buffer;
  /** End offset of every fragment, in order. */
  fragmentEnds: number[];
  muxer: Fmp4Muxer;
}

/** Interleaves the tracks' samples by dts (stable, as a publisher sends them) and muxes them. */
export function interleave(samples: Mp4Sample[][]): { track: number; sample: Mp4Sample }[] {
  return samples
    .flatMap((list, track) => list.map((sample, n) => ({ track, sample, n })))
    .sort((a, b) => a.sample.dtsMs - b.sample.dtsMs || a.track - b.track || a.n - b.n);
}

export function mux(input: MuxInput): Muxed {
  const muxer = new Fmp4Muxer({ tracks: input.tracks, fragment: input.fragment });
  const parts: Buffer[] = [muxer.init()];
  const fragmentEnds: number[] = [];
  let length = parts[0]!.length;
  const add = (b: Buffer) => {
    parts.push(b);
    length += b.length;
    fragmentEnds.push(length);
  };
  for (const { track, sample } of interleave(input.samples)) for (const f of muxer.push(muxer.trackIds[track]!, sample)) add(f);
  const end = muxer.finalize();
  if (end.fragment) add(end.fragment);
  const appended = Buffer.concat(parts);
  const file = Buffer.concat([appended, end.tail]);
  for (const p of end.patches) p.bytes.copy(file, p.offset);
  return { file, appended, fragmentEnds, muxer };
}

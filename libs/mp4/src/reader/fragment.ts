import { ByteReader } from '../bytes';
import { decodeMfhd } from '../boxes/mfhd';
import { isSyncSample } from '../boxes/sample-flags';
import { decodeTfdt } from '../boxes/tfdt';
import { decodeTfhd } from '../boxes/tfhd';
import { decodeTrun } from '../boxes/trun';
import { Mp4Error } from '../errors';
import { DEFAULT_LIMITS, type Mp4Limits } from '../limits';
import { childBoxes, readBoxHeader } from './box-header';
import type { InitInfo } from './init';

/** One sample as a moof describes it; `offset` is where its bytes are in the file. */
export interface SampleInfo {
  dts: number;
  duration: number;
  size: number;
  flags: number;
  sync: boolean;
  compositionOffset: number;
  offset: number;
}

export interface TrafInfo {
  trackId: number;
  /** tfdt, or where the track's previous fragment ended when there is no tfdt. */
  baseDecodeTime: number;
  samples: SampleInfo[];
}

export interface MoofInfo {
  /** File offset of the moof. */
  offset: number;
  sequenceNumber: number;
  trafs: TrafInfo[];
}

/**
 * Parses a moof held in `buf` (`base`: its file offset) against the init segment's tracks.
 * `nextDecodeTime` gives each track's decode time where tfdt is missing. Throws FRAGMENT_INVALID.
 */
export function parseMoof(buf: Uint8Array, base: number, init: Pick<InitInfo, 'tracks'>, nextDecodeTime: ReadonlyMap<number, number> = new Map(), limits: Mp4Limits = DEFAULT_LIMITS): MoofInfo {
  const top = readBoxHeader(buf, 0, buf.length, base);
  if (top === undefined || top.type !== 'moof' || top.end > buf.length) throw new Mp4Error('FRAGMENT_INVALID', 'not a whole moof box', base);
  const kids = childBoxes(buf, top.headerSize, top.end, base);
  const mfhd = kids.find((k) => k.type === 'mfhd');
  if (mfhd === undefined) throw new Mp4Error('FRAGMENT_INVALID', 'moof without mfhd', base);
  const sequenceNumber = decodeMfhd(new ByteReader(buf, mfhd.start + mfhd.headerSize, mfhd.end, base, 'FRAGMENT_INVALID'));
  const trafs: TrafInfo[] = [];
  let previousEnd = base; // data end of the previous traf, for the implicit base offset
  let sampleTotal = 0;
  for (const traf of kids.filter((k) => k.type === 'traf')) {
    const tk = childBoxes(buf, traf.start + traf.headerSize, traf.end, base);
    const reader = (type: string) => {
      const h = tk.find((k) => k.type === type);
      return h && new ByteReader(buf, h.start + h.headerSize, h.end, base, 'FRAGMENT_INVALID');
    };
    const tfhdReader = reader('tfhd');
    if (tfhdReader === undefined) throw new Mp4Error('FRAGMENT_INVALID', 'traf without tfhd', base + traf.start);
    const tfhd = decodeTfhd(tfhdReader);
    const track = init.tracks.find((t) => t.trackId === tfhd.trackId);
    if (track === undefined) throw new Mp4Error('FRAGMENT_INVALID', `traf for unknown track ${tfhd.trackId}`, base + traf.start);
    const tfdtReader = reader('tfdt');
    const baseDecodeTime = tfdtReader ? decodeTfdt(tfdtReader) : (nextDecodeTime.get(tfhd.trackId) ?? 0);
    const trex = track.trex;
    let dataAt = tfhd.baseDataOffset ?? (tfhd.defaultBaseIsMoof || trafs.length === 0 ? base : previousEnd);
    const runBase = dataAt;
    let dts = baseDecodeTime;
    const samples: SampleInfo[] = [];
    for (const trunBox of tk.filter((k) => k.type === 'trun')) {
      const trun = decodeTrun(new ByteReader(buf, trunBox.start + trunBox.headerSize, trunBox.end, base, 'FRAGMENT_INVALID'), limits.maxSamplesPerTrun);
      sampleTotal += trun.samples.length;
      if (sampleTotal > limits.maxSamplesPerTrun) throw new Mp4Error('LIMIT_EXCEEDED', `moof with more than ${limits.maxSamplesPerTrun} samples`, base);
      if (trun.dataOffset !== undefined) dataAt = runBase + trun.dataOffset;
      trun.samples.forEach((s, i) => {
        const flags = i === 0 && trun.firstSampleFlags !== undefined ? trun.firstSampleFlags : (s.flags ?? tfhd.defaultSampleFlags ?? trex?.defaultSampleFlags ?? 0);
        const duration = s.duration ?? tfhd.defaultSampleDuration ?? trex?.defaultSampleDuration ?? 0;
        const size = s.size ?? tfhd.defaultSampleSize ?? trex?.defaultSampleSize ?? 0;
        samples.push({ dts, duration, size, flags, sync: isSyncSample(flags), compositionOffset: s.compositionOffset ?? 0, offset: dataAt });
        dts += duration;
        dataAt += size;
      });
    }
    previousEnd = dataAt;
    trafs.push({ trackId: tfhd.trackId, baseDecodeTime, samples });
  }
  return { offset: base, sequenceNumber, trafs };
}

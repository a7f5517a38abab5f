import { ByteReader } from '../bytes';
import { type Tfra, decodeTfra } from '../boxes/mfra';
import { Mp4Error } from '../errors';
import { DEFAULT_LIMITS, type Mp4Limits, resolveLimits } from '../limits';
import type { Patch } from '../patch';
import { childBoxes, readBoxHeader } from './box-header';
import { type MoofInfo, parseMoof } from './fragment';
import { type InitInfo, readInit } from './init';
import { type ByteSource, toSource } from './source';

export interface FragmentTrackSummary {
  trackId: number;
  baseDecodeTime: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  sampleCount: number;
  /** The first sample is a sync sample. */
  startsWithSync: boolean;
}

export interface FragmentSummary {
  /** File offset of the moof. */
  offset: number;
  /** moof and mdat together. */
  length: number;
  sequenceNumber: number;
  tracks: FragmentTrackSummary[];
}

export interface TrackSpan {
  trackId: number;
  timescale: number;
  /** Earliest decode time and latest sample end, in the track's timescale (undefined: no samples). */
  start: number | undefined;
  end: number | undefined;
  sampleCount: number;
}

export interface ScanResult {
  init: InitInfo;
  fragments: FragmentSummary[];
  tracks: TrackSpan[];
  /** Latest sample end minus earliest sample start over all tracks, in ms. */
  durationMs: number;
  /** Bytes up to the end of the last whole box that belongs to the file (fragment, index, free). */
  completeLength: number;
  /**
   * Where the unusable tail starts, when there is one: truncate the file here to recover it.
   * `uncommitted`: a whole fragment still in its free box (a crash between its write and its
   * commit); writing `commit` instead of truncating keeps it.
   */
  tail: { offset: number; reason: 'truncated' | 'malformed' | 'uncommitted'; error?: Mp4Error; commit?: Patch } | undefined;
  /** The mfra index, when the file was finished. */
  mfra: { offset: number; length: number; tfra: Tfra[] } | undefined;
}

/**
 * Walks the top-level boxes of a possibly truncated fragmented MP4. The init segment must be
 * whole and well formed (else an {@link Mp4Error}); after it, the first box that is cut short
 * or broken ends the walk and is reported as `tail`, so a recovering host can truncate the file
 * to `completeLength` and knows the real duration. Only box headers and moofs are read.
 */
export function scanFragments(input: Uint8Array | ByteSource, overrides: Partial<Mp4Limits> = {}): ScanResult {
  const limits = resolveLimits(overrides);
  const source = toSource(input);
  const init = readInit(source, limits);
  const spans = new Map<number, TrackSpan>(init.tracks.map((t) => [t.trackId, { trackId: t.trackId, timescale: t.timescale, start: undefined, end: undefined, sampleCount: 0 }]));
  const next = new Map<number, number>();
  const fragments: FragmentSummary[] = [];
  let mfra: ScanResult['mfra'];
  let tail: ScanResult['tail'];
  let at = init.length;
  while (at < source.size) {
    let h;
    try {
      const head = source.read(at, 16);
      h = readBoxHeader(head, 0, head.length, at, source.size - at);
    } catch (error) {
      tail = { offset: at, reason: 'malformed', error: error as Mp4Error };
      break;
    }
    if (h === undefined || at + h.size > source.size) {
      tail = { offset: at, reason: 'truncated' };
      break;
    }
    if (h.type === 'moof') {
      const step = readFragmentAt(source, at, h.size, init, next, limits);
      if ('reason' in step) {
        tail = { offset: at, ...step };
        break;
      }
      const { moof, length } = step;
      const tracks = moof.trafs.map((traf): FragmentTrackSummary => {
        const duration = traf.samples.reduce((n, s) => n + s.duration, 0);
        const span = spans.get(traf.trackId) as TrackSpan;
        if (traf.samples.length > 0) {
          span.start = Math.min(span.start ?? traf.baseDecodeTime, traf.baseDecodeTime);
          span.end = Math.max(span.end ?? 0, traf.baseDecodeTime + duration);
          span.sampleCount += traf.samples.length;
        }
        next.set(traf.trackId, traf.baseDecodeTime + duration);
        return { trackId: traf.trackId, baseDecodeTime: traf.baseDecodeTime, duration, sampleCount: traf.samples.length, startsWithSync: traf.samples[0]?.sync ?? false };
      });
      fragments.push({ offset: at, length, sequenceNumber: moof.sequenceNumber, tracks });
      at += length;
      continue;
    }
    if (h.type === 'free' && isUncommittedFragment(source, at)) {
      const found = uncommitted(source, at, h.size, init, next, limits);
      tail = { offset: at, ...found };
      break;
    }
    if (h.type === 'mfra') {
      try {
        mfra = { offset: at, length: h.size, tfra: readMfra(source, at, h.size, limits) };
      } catch (error) {
        tail = { offset: at, reason: 'malformed', error: error as Mp4Error };
        break;
      }
    } else if (h.type === 'moov' || h.type === 'ftyp' || !/^[\x20-\x7e]{4}$/.test(h.type)) {
      tail = { offset: at, reason: 'malformed', error: new Mp4Error('BOX_INVALID', `unexpected top-level box after the init segment`, at) };
      break;
    }
    at += h.size; // mdat without moof, free, skip, styp, sidx, emsg, prft, mfra: nothing to read
  }
  const tracks = [...spans.values()];
  const seconds = tracks.filter((t) => t.start !== undefined && t.end !== undefined).map((t) => ({ start: (t.start as number) / t.timescale, end: (t.end as number) / t.timescale }));
  const durationMs = seconds.length ? Math.round((Math.max(...seconds.map((s) => s.end)) - Math.min(...seconds.map((s) => s.start))) * 1000) : 0;
  return { init, fragments, tracks, durationMs, completeLength: tail?.offset ?? at, tail, mfra };
}

/** Parses the fragment whose moof is at `offset`, with the samples' file offsets. */
export function readFragment(input: Uint8Array | ByteSource, offset: number, init: InitInfo, limits: Mp4Limits = DEFAULT_LIMITS): MoofInfo {
  const source = toSource(input);
  const head = source.read(offset, 16);
  const h = readBoxHeader(head, 0, head.length, offset);
  if (h === undefined || h.type !== 'moof') throw new Mp4Error('FRAGMENT_INVALID', 'no moof here', offset);
  const step = readFragmentAt(source, offset, h.size, init, new Map(), limits);
  if ('reason' in step) throw step.error ?? new Mp4Error('FRAGMENT_INVALID', 'fragment truncated', offset);
  return step.moof;
}

type Step = { moof: MoofInfo; length: number } | { reason: 'truncated' | 'malformed'; error?: Mp4Error };

/** One moof and the mdat after it: whole and consistent, cut short, or broken. */
function readFragmentAt(source: ByteSource, at: number, moofSize: number, init: InitInfo, next: ReadonlyMap<number, number>, limits: Mp4Limits): Step {
  if (moofSize > limits.maxHeaderBoxBytes) return { reason: 'malformed', error: new Mp4Error('LIMIT_EXCEEDED', `moof of ${moofSize} bytes`, at) };
  let moof: MoofInfo;
  try {
    moof = parseMoof(source.read(at, moofSize), at, init, next, limits);
  } catch (error) {
    if (error instanceof Mp4Error) return { reason: 'malformed', error };
    throw error;
  }
  const mdatAt = at + moofSize;
  let mdat;
  try {
    const head = source.read(mdatAt, 16);
    mdat = readBoxHeader(head, 0, head.length, mdatAt, source.size - mdatAt);
  } catch (error) {
    return { reason: 'malformed', error: error as Mp4Error };
  }
  if (mdat === undefined || mdatAt + mdat.size > source.size) return { reason: 'truncated' };
  if (mdat.type !== 'mdat') return { reason: 'malformed', error: new Mp4Error('FRAGMENT_INVALID', `moof followed by '${mdat.type}', not mdat`, mdatAt) };
  const dataStart = mdatAt + mdat.headerSize;
  const dataEnd = mdatAt + mdat.size;
  for (const traf of moof.trafs) {
    for (const s of traf.samples) {
      if (s.offset < dataStart || s.offset + s.size > dataEnd) {
        return { reason: 'malformed', error: new Mp4Error('FRAGMENT_INVALID', `track ${traf.trackId}: sample data at ${s.offset}+${s.size} outside the mdat`, at) };
      }
    }
  }
  return { moof, length: moofSize + mdat.size };
}

/** A free box that starts like a moof's payload (an mfhd first): a fragment not yet committed. */
function isUncommittedFragment(source: ByteSource, at: number): boolean {
  const head = source.read(at + 8, 8);
  return head.length === 8 && Buffer.from(head.buffer, head.byteOffset, 8).toString('latin1', 4, 8) === 'mfhd' && new DataView(head.buffer, head.byteOffset).getUint32(0) === 16;
}

/** Checks a whole uncommitted fragment as if committed; gives the commit that would make it one. */
function uncommitted(source: ByteSource, at: number, size: number, init: InitInfo, next: ReadonlyMap<number, number>, limits: Mp4Limits): { reason: 'uncommitted' | 'malformed'; error?: Mp4Error; commit?: Patch } {
  // The moof's children run up to the mdat inside the free box.
  let moofSize = 8;
  for (let steps = 0; ; steps++) {
    const head = source.read(at + moofSize, 16);
    const h = readBoxHeader(head, 0, head.length, at + moofSize);
    if (h === undefined || steps > 1024 || moofSize > limits.maxHeaderBoxBytes || moofSize + h.size > size) {
      return { reason: 'malformed', error: new Mp4Error('FRAGMENT_INVALID', 'uncommitted fragment without an mdat', at) };
    }
    if (h.type === 'mdat') break;
    moofSize += h.size;
  }
  const header = Buffer.alloc(8);
  header.writeUInt32BE(moofSize, 0);
  header.write('moof', 4, 'latin1');
  const overlay: ByteSource = {
    size: source.size,
    read: (offset, length) => {
      const bytes = Buffer.from(source.read(offset, length));
      for (let i = 0; i < 8; i++) if (at + i >= offset && at + i < offset + bytes.length) bytes[at + i - offset] = header[i] as number;
      return bytes;
    },
  };
  const step = readFragmentAt(overlay, at, moofSize, init, next, limits);
  if ('reason' in step) return { reason: 'malformed', error: step.error };
  if (step.length !== size) return { reason: 'malformed', error: new Mp4Error('FRAGMENT_INVALID', 'uncommitted fragment with bytes after its mdat', at) };
  return { reason: 'uncommitted', commit: { offset: at, bytes: header } };
}

function readMfra(source: ByteSource, at: number, size: number, limits: Mp4Limits): Tfra[] {
  if (size > limits.maxHeaderBoxBytes) throw new Mp4Error('LIMIT_EXCEEDED', `mfra of ${size} bytes`, at);
  const buf = source.read(at, size);
  const top = readBoxHeader(buf, 0, buf.length, at) ?? { headerSize: 8, end: size };
  return childBoxes(buf, top.headerSize, top.end, at)
    .filter((k) => k.type === 'tfra')
    .map((k) => decodeTfra(new ByteReader(buf, k.start + k.headerSize, k.end, at, 'BOX_INVALID')));
}

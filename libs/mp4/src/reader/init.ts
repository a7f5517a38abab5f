import { ByteReader } from '../bytes';
import { type Ftyp, decodeFtyp } from '../boxes/ftyp';
import { decodeHdlr } from '../boxes/hdlr';
import { decodeMdhd } from '../boxes/mdhd';
import { decodeMvhd } from '../boxes/mvhd';
import { type Trex, decodeMehd, decodeTrex } from '../boxes/mvex';
import { type SampleEntry, decodeSampleEntry } from '../boxes/sample-entry';
import { decodeTkhd } from '../boxes/tkhd';
import { Mp4Error } from '../errors';
import { DEFAULT_LIMITS, type Mp4Limits } from '../limits';
import { type BoxHeader, childBoxes, printable, readBoxHeader } from './box-header';
import { type ByteSource, toSource } from './source';

export interface TrackInfo {
  trackId: number;
  handlerType: string;
  timescale: number;
  /** mdhd duration (media in moov, 0 for a fragmented file). */
  mediaDuration: number;
  /** tkhd duration, in the movie timescale. */
  trackDuration: number;
  width: number;
  height: number;
  sampleEntry: SampleEntry | { kind: 'other'; type: string } | undefined;
  trex: Trex | undefined;
}

export interface InitInfo {
  /** Bytes from the start of the file to the end of moov. */
  length: number;
  ftyp: Ftyp | undefined;
  movieTimescale: number;
  movieDuration: number;
  /** mehd fragment_duration, in the movie timescale, when there is an mehd. */
  fragmentDuration: number | undefined;
  tracks: TrackInfo[];
}

function payload(buf: Uint8Array, h: BoxHeader, base: number, code: 'INIT_INVALID' | 'FRAGMENT_INVALID'): ByteReader {
  return new ByteReader(buf, h.start + h.headerSize, h.end, base, code);
}

function only(children: BoxHeader[], type: string, where: string, base: number): BoxHeader {
  const found = children.filter((c) => c.type === type);
  if (found.length !== 1) throw new Mp4Error('INIT_INVALID', `${where}: ${found.length} '${type}' boxes`, base);
  return found[0] as BoxHeader;
}

/** Parses a moov box held in `buf` (`base` is its file offset). */
export function parseMoov(buf: Uint8Array, base: number, limits: Mp4Limits = DEFAULT_LIMITS): Omit<InitInfo, 'length' | 'ftyp'> {
  const top = readBoxHeader(buf, 0, buf.length, base);
  if (top === undefined || top.type !== 'moov') throw new Mp4Error('INIT_INVALID', 'not a moov box', base);
  const kids = childBoxes(buf, top.headerSize, top.end, base);
  const mvhd = decodeMvhd(payload(buf, only(kids, 'mvhd', 'moov', base), base, 'INIT_INVALID'));
  const mvex = kids.find((k) => k.type === 'mvex');
  if (mvex === undefined) throw new Mp4Error('NOT_FRAGMENTED', 'moov has no mvex: not a fragmented file', base);
  const mvexKids = childBoxes(buf, mvex.start + mvex.headerSize, mvex.end, base);
  const mehd = mvexKids.find((k) => k.type === 'mehd');
  const trexes = mvexKids.filter((k) => k.type === 'trex').map((k) => decodeTrex(payload(buf, k, base, 'INIT_INVALID')));
  const traks = kids.filter((k) => k.type === 'trak');
  if (traks.length === 0) throw new Mp4Error('INIT_INVALID', 'moov has no trak', base);
  if (traks.length > limits.maxTracks) throw new Mp4Error('LIMIT_EXCEEDED', `${traks.length} tracks exceed ${limits.maxTracks}`, base);
  const tracks = traks.map((trak): TrackInfo => {
    const tk = childBoxes(buf, trak.start + trak.headerSize, trak.end, base);
    const tkhd = decodeTkhd(payload(buf, only(tk, 'tkhd', 'trak', base), base, 'INIT_INVALID'));
    const mdia = only(tk, 'mdia', 'trak', base);
    const md = childBoxes(buf, mdia.start + mdia.headerSize, mdia.end, base);
    const mdhd = decodeMdhd(payload(buf, only(md, 'mdhd', 'mdia', base), base, 'INIT_INVALID'));
    if (mdhd.timescale === 0) throw new Mp4Error('INIT_INVALID', `track ${tkhd.trackId}: timescale 0`, base);
    const hdlr = decodeHdlr(payload(buf, only(md, 'hdlr', 'mdia', base), base, 'INIT_INVALID'));
    let sampleEntry: TrackInfo['sampleEntry'];
    const minf = md.find((k) => k.type === 'minf');
    const stbl = minf && childBoxes(buf, minf.start + minf.headerSize, minf.end, base).find((k) => k.type === 'stbl');
    const stsd = stbl && childBoxes(buf, stbl.start + stbl.headerSize, stbl.end, base).find((k) => k.type === 'stsd');
    if (stsd) {
      const r = payload(buf, stsd, base, 'INIT_INVALID');
      r.fullHeader('stsd');
      const count = r.u32('stsd entry_count');
      const entries = childBoxes(buf, r.pos, stsd.end, base);
      const first = entries[0];
      if (count >= 1 && first) sampleEntry = decodeSampleEntry(payload(buf, first, base, 'INIT_INVALID'), first.type);
    }
    return {
      trackId: tkhd.trackId,
      handlerType: hdlr.handlerType,
      timescale: mdhd.timescale,
      mediaDuration: mdhd.duration,
      trackDuration: tkhd.duration,
      width: tkhd.width,
      height: tkhd.height,
      sampleEntry,
      trex: trexes.find((t) => t.trackId === tkhd.trackId),
    };
  });
  return {
    movieTimescale: mvhd.timescale,
    movieDuration: mvhd.duration,
    fragmentDuration: mehd ? decodeMehd(payload(buf, mehd, base, 'INIT_INVALID')) : undefined,
    tracks,
  };
}

/** Reads the boxes before the first fragment: ftyp (and any free/skip), then moov. */
export function readInit(input: Uint8Array | ByteSource, limits: Mp4Limits = DEFAULT_LIMITS): InitInfo {
  const source = toSource(input);
  let at = 0;
  let ftyp: Ftyp | undefined;
  for (;;) {
    const head = source.read(at, 16);
    const h = readBoxHeader(head, 0, head.length, at, source.size - at);
    if (h === undefined || at + h.size > source.size) throw new Mp4Error('INIT_TRUNCATED', `the file ends inside its init segment (at ${at})`, at);
    if (h.type === 'moof' || h.type === 'mdat') throw new Mp4Error('INIT_INVALID', `'${h.type}' before moov`, at);
    if (h.type === 'ftyp' || h.type === 'moov') {
      if (h.size > limits.maxHeaderBoxBytes) throw new Mp4Error('LIMIT_EXCEEDED', `'${h.type}' of ${h.size} bytes`, at);
      const buf = source.read(at, h.size);
      if (h.type === 'ftyp') {
        ftyp = decodeFtyp(new ByteReader(buf, h.headerSize, h.size, at, 'INIT_INVALID'));
      } else {
        return { length: at + h.size, ftyp, ...parseMoov(buf, at, limits) };
      }
    } else if (!/^[\x20-\x7e]{4}$/.test(h.type)) {
      throw new Mp4Error('INIT_INVALID', `no box here: type '${printable(h.type)}'`, at);
    }
    at += h.size;
  }
}

import { box } from './bytes';
import { encodeFtyp } from './boxes/ftyp';
import { encodeHdlr } from './boxes/hdlr';
import { encodeMdhd } from './boxes/mdhd';
import { encodeDinf, encodeEmptyStbl, encodeSmhd, encodeVmhd } from './boxes/media-information';
import { MVHD_DURATION_OFFSET, encodeMvhd } from './boxes/mvhd';
import { MEHD_DURATION_OFFSET, encodeMehd, encodeTrex } from './boxes/mvex';
import { TKHD_DURATION_OFFSET, encodeTkhd } from './boxes/tkhd';
import type { TrackSpec } from './track';

/** Timescale of mvhd, tkhd durations and mehd: milliseconds. */
export const MOVIE_TIMESCALE = 1000;

/** The init segment and where its duration fields are, for the patches written at the end. */
export interface InitSegment {
  bytes: Buffer;
  /** Offset of mvhd's 32-bit duration. */
  mvhdDuration: number;
  /** Offset of mehd's 64-bit fragment_duration. */
  mehdDuration: number;
  /** Offset of each track's tkhd 32-bit duration, by track id. */
  tkhdDuration: Map<number, number>;
  /** The free box after moov kept for the sidx written at the end (size 0: none). */
  indexReserve: { offset: number; size: number };
}

/**
 * Brands: iso6 (the edition with tfdt and default-base-is-moof) as major brand, isom and mp41
 * for older readers, and the codec brands avc1 / av01 where those codecs are present. Not cmfc:
 * CMAF wants one track per file, and a recording muxes audio and video together.
 */
export function brandsFor(tracks: readonly TrackSpec[]): string[] {
  const brands = ['iso6', 'isom', 'mp41'];
  if (tracks.some((t) => t.codec === 'avc')) brands.push('avc1');
  if (tracks.some((t) => t.codec === 'av1')) brands.push('av01');
  return brands;
}

function trak(t: TrackSpec): Buffer {
  const video = t.kind === 'video';
  return box(
    'trak',
    encodeTkhd({ trackId: t.id, duration: 0, width: t.width, height: t.height, audio: !video }),
    box(
      'mdia',
      encodeMdhd({ timescale: t.timescale, duration: 0, language: 'und' }),
      encodeHdlr(video ? { handlerType: 'vide', name: 'VideoHandler' } : { handlerType: 'soun', name: 'SoundHandler' }),
      box('minf', video ? encodeVmhd() : encodeSmhd(), encodeDinf(), encodeEmptyStbl(t.sampleEntry)),
    ),
  );
}

/**
 * ftyp, moov, then (when `reserveBytes` > 0) a free box of that size: the room in which
 * finalize writes a sidx, which must come before the fragments it indexes.
 */
export function buildInitSegment(tracks: readonly TrackSpec[], reserveBytes = 0): InitSegment {
  const ftyp = encodeFtyp({ majorBrand: 'iso6', minorVersion: 0, compatibleBrands: brandsFor(tracks) });
  const mvhd = encodeMvhd({ timescale: MOVIE_TIMESCALE, duration: 0, nextTrackId: Math.max(...tracks.map((t) => t.id)) + 1 });
  const traks = tracks.map(trak);
  const mehd = encodeMehd(0);
  const mvex = box('mvex', mehd, ...tracks.map((t) => encodeTrex({ trackId: t.id, defaultSampleDescriptionIndex: 1, defaultSampleDuration: 0, defaultSampleSize: 0, defaultSampleFlags: 0 })));
  const moov = box('moov', mvhd, ...traks, mvex);
  const reserve = reserveBytes > 0 ? box('free', Buffer.alloc(reserveBytes - 8)) : Buffer.alloc(0);
  const bytes = Buffer.concat([ftyp, moov, reserve]);

  // Offsets follow from the layout above: ftyp, then moov's header, mvhd, the traks, mvex.
  const mvhdAt = ftyp.length + 8;
  const tkhdDuration = new Map<number, number>();
  let at = mvhdAt + mvhd.length;
  tracks.forEach((t, i) => {
    tkhdDuration.set(t.id, at + 8 + TKHD_DURATION_OFFSET); // the trak header, then tkhd
    at += (traks[i] as Buffer).length;
  });
  return {
    bytes,
    mvhdDuration: mvhdAt + MVHD_DURATION_OFFSET,
    mehdDuration: at + 8 + MEHD_DURATION_OFFSET,
    tkhdDuration,
    indexReserve: { offset: ftyp.length + moov.length, size: reserve.length },
  };
}

import { ByteReader, ByteWriter, fullBox } from '../bytes';
import { decodeMediaTimes } from './media-times';

/** Media header box (14496-12 8.4.2). Written as version 0 with language 'und'. */
export interface Mdhd {
  timescale: number;
  duration: number;
  /** ISO 639-2/T code, three lower-case letters. */
  language: string;
}

function packLanguage(lang: string): number {
  let v = 0;
  for (let i = 0; i < 3; i++) v = (v << 5) | ((lang.charCodeAt(i) - 0x60) & 0x1f);
  return v;
}

function unpackLanguage(v: number): string {
  return String.fromCharCode(((v >> 10) & 0x1f) + 0x60, ((v >> 5) & 0x1f) + 0x60, (v & 0x1f) + 0x60);
}

export function encodeMdhd(mdhd: Mdhd): Buffer {
  const w = new ByteWriter(24).u32(0).u32(0).u32(mdhd.timescale).u32(mdhd.duration).u16(packLanguage(mdhd.language)).u16(0);
  return fullBox('mdhd', 0, 0, w.done());
}

export function decodeMdhd(r: ByteReader): Mdhd {
  const { version } = r.fullHeader('mdhd');
  const { timescale, duration } = decodeMediaTimes(r, version, 'mdhd');
  const language = unpackLanguage(r.u16('mdhd language'));
  r.skip(2, 'mdhd pre_defined');
  return { timescale, duration, language };
}

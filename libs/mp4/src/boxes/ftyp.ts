import { ByteReader, ByteWriter, box } from '../bytes';

/** File type box (ISO/IEC 14496-12 4.3). */
export interface Ftyp {
  majorBrand: string;
  minorVersion: number;
  compatibleBrands: string[];
}

export function encodeFtyp(ftyp: Ftyp): Buffer {
  const w = new ByteWriter().fourcc(ftyp.majorBrand).u32(ftyp.minorVersion);
  for (const brand of ftyp.compatibleBrands) w.fourcc(brand);
  return box('ftyp', w.done());
}

export function decodeFtyp(r: ByteReader): Ftyp {
  const majorBrand = r.fourcc('ftyp major brand');
  const minorVersion = r.u32('ftyp minor version');
  const compatibleBrands: string[] = [];
  while (r.remaining >= 4) compatibleBrands.push(r.fourcc('ftyp brand'));
  return { majorBrand, minorVersion, compatibleBrands };
}

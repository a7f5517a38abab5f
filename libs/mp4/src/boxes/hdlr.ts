import { ByteReader, ByteWriter, fullBox } from '../bytes';

/** Handler reference box (14496-12 8.4.3). */
export interface Hdlr {
  handlerType: string;
  name: string;
}

export function encodeHdlr(hdlr: Hdlr): Buffer {
  const w = new ByteWriter(40).u32(0).fourcc(hdlr.handlerType).zeros(12).bytes(Buffer.from(hdlr.name, 'utf8')).u8(0);
  return fullBox('hdlr', 0, 0, w.done());
}

export function decodeHdlr(r: ByteReader): Hdlr {
  r.fullHeader('hdlr');
  r.skip(4, 'hdlr pre_defined');
  const handlerType = r.fourcc('hdlr handler_type');
  r.skip(12, 'hdlr reserved');
  const rest = r.bytes(r.remaining, 'hdlr name');
  const nul = rest.indexOf(0);
  return { handlerType, name: rest.toString('utf8', 0, nul < 0 ? rest.length : nul) };
}

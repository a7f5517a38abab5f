import { ByteReader, ByteWriter, fullBox } from '../bytes';
import { Mp4Error } from '../errors';

/**
 * Elementary stream descriptor box (14496-14 3.1.2) holding an ES_Descriptor (14496-1 7.2.6.5)
 * with its DecoderConfigDescriptor and an SLConfigDescriptor (predefined 2, as MP4 requires).
 */
export interface EsDescriptor {
  esId: number;
  /** 0x40 MPEG-4 audio (AAC), 0x6B MPEG-1 audio, 0x69 MPEG-2 audio. */
  objectTypeIndication: number;
  /** 5 for audio. */
  streamType: number;
  bufferSizeDB: number;
  maxBitrate: number;
  avgBitrate: number;
  /** The AudioSpecificConfig for AAC; absent for MP3. */
  decoderSpecificInfo?: Buffer;
}

const ES_DESCRIPTOR = 0x03;
const DECODER_CONFIG = 0x04;
const DECODER_SPECIFIC_INFO = 0x05;
const SL_CONFIG = 0x06;

function descriptor(tag: number, body: Uint8Array): Buffer {
  const w = new ByteWriter(body.length + 5).u8(tag);
  // Expandable size (14496-1 8.3.3): 7 bits a byte, high bit set on all but the last.
  const groups: number[] = [];
  let n = body.length;
  do {
    groups.unshift(n & 0x7f);
    n >>>= 7;
  } while (n > 0);
  groups.forEach((g, i) => w.u8(i < groups.length - 1 ? g | 0x80 : g));
  return w.bytes(body).done();
}

export function encodeEsds(es: EsDescriptor): Buffer {
  const config = new ByteWriter(32)
    .u8(es.objectTypeIndication)
    .u8((es.streamType << 2) | 1) // upStream 0, reserved 1
    .u24(es.bufferSizeDB)
    .u32(es.maxBitrate)
    .u32(es.avgBitrate);
  if (es.decoderSpecificInfo) config.bytes(descriptor(DECODER_SPECIFIC_INFO, es.decoderSpecificInfo));
  const body = new ByteWriter(64)
    .u16(es.esId)
    .u8(0) // no stream dependence, URL or OCR stream
    .bytes(descriptor(DECODER_CONFIG, config.done()))
    .bytes(descriptor(SL_CONFIG, Buffer.from([2])));
  return fullBox('esds', 0, 0, descriptor(ES_DESCRIPTOR, body.done()));
}

function readDescriptor(r: ByteReader, tag: number): ByteReader {
  const got = r.u8('descriptor tag');
  if (got !== tag) throw new Mp4Error(r.code, `esds: descriptor tag ${got}, wanted ${tag}`, r.base + r.pos - 1);
  let size = 0;
  for (let i = 0; ; i++) {
    if (i === 4) throw new Mp4Error(r.code, 'esds: descriptor size longer than 4 bytes', r.base + r.pos);
    const b = r.u8('descriptor size');
    size = size * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) break;
  }
  r.need(size, 'descriptor body');
  const inner = new ByteReader(r.buf, r.pos, r.pos + size, r.base, r.code);
  r.pos += size;
  return inner;
}

export function decodeEsds(r: ByteReader): EsDescriptor {
  r.fullHeader('esds');
  const es = readDescriptor(r, ES_DESCRIPTOR);
  const esId = es.u16('ES_ID');
  const flags = es.u8('ES flags');
  if (flags & 0x80) es.skip(2, 'dependsOn_ES_ID');
  if (flags & 0x40) es.skip(es.u8('URLlength'), 'URLstring');
  if (flags & 0x20) es.skip(2, 'OCR_ES_Id');
  const dc = readDescriptor(es, DECODER_CONFIG);
  const out: EsDescriptor = {
    esId,
    objectTypeIndication: dc.u8('objectTypeIndication'),
    streamType: dc.u8('streamType') >> 2,
    bufferSizeDB: dc.u24('bufferSizeDB'),
    maxBitrate: dc.u32('maxBitrate'),
    avgBitrate: dc.u32('avgBitrate'),
  };
  if (dc.remaining > 0) {
    const dsi = readDescriptor(dc, DECODER_SPECIFIC_INFO);
    out.decoderSpecificInfo = dsi.bytes(dsi.remaining, 'DecoderSpecificInfo');
  }
  return out;
}

import { Mp4Error } from '../errors';

const OBU_TEMPORAL_DELIMITER = 2;
const OBU_PADDING = 15;

/** Checks an AV1CodecConfigurationRecord (AV1-ISOBMFF 2.3.3): marker 1, version 1. */
export function parseAv1C(av1C: Uint8Array): { profile: number; level: number } {
  if (av1C.length < 4) throw new Mp4Error('INVALID_CONFIG', 'av1C shorter than 4 bytes');
  if (av1C[0] !== 0x81) throw new Mp4Error('INVALID_CONFIG', `av1C marker/version byte ${av1C[0]}`);
  return { profile: (av1C[1] as number) >> 5, level: (av1C[1] as number) & 0x1f };
}

interface Obu {
  type: number;
  start: number;
  end: number;
}

function leb128(b: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[at + i];
    if (byte === undefined) throw new Mp4Error('INVALID_SAMPLE', 'AV1 OBU size truncated');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new Mp4Error('INVALID_SAMPLE', 'AV1 OBU size longer than 8 bytes');
}

function obus(data: Uint8Array): Obu[] {
  const out: Obu[] = [];
  let at = 0;
  while (at < data.length) {
    const header = data[at] as number;
    if (header & 0x80) throw new Mp4Error('INVALID_SAMPLE', `AV1 OBU forbidden bit set at byte ${at}`);
    const type = (header >> 3) & 0xf;
    const headerBytes = header & 0x04 ? 2 : 1;
    let end: number;
    if (header & 0x02) {
      const size = leb128(data, at + headerBytes);
      end = size.next + size.value;
    } else {
      end = data.length; // only the last OBU may leave out its size
    }
    if (at + headerBytes > data.length || end > data.length) throw new Mp4Error('INVALID_SAMPLE', `AV1 OBU overruns the sample at byte ${at}`);
    out.push({ type, start: at, end });
    at = end;
  }
  return out;
}

/**
 * An AV1 sample as ISOBMFF stores it (AV1-ISOBMFF 2.4): the temporal unit's OBUs without
 * temporal delimiters or padding. Returns `data` itself when there is nothing to drop.
 */
export function av1Sample(data: Uint8Array): Uint8Array {
  const all = obus(data);
  const kept = all.filter((o) => o.type !== OBU_TEMPORAL_DELIMITER && o.type !== OBU_PADDING);
  if (kept.length === 0) throw new Mp4Error('INVALID_SAMPLE', 'AV1 sample holds no OBU besides delimiters and padding');
  if (kept.length === all.length) return data;
  return Buffer.concat(kept.map((o) => data.subarray(o.start, o.end)));
}

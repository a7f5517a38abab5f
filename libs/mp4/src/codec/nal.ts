import { Mp4Error } from '../errors';

/** NAL unit length size (1, 2 or 4 bytes) from an AVCDecoderConfigurationRecord (14496-15 5.3.3.1). */
export function parseAvcC(avcC: Uint8Array): { lengthSize: number; profile: number; level: number } {
  if (avcC.length < 7) throw new Mp4Error('INVALID_CONFIG', 'avcC shorter than 7 bytes');
  if (avcC[0] !== 1) throw new Mp4Error('INVALID_CONFIG', `avcC configurationVersion ${avcC[0]}`);
  const lengthSize = ((avcC[4] as number) & 3) + 1;
  if (lengthSize === 3) throw new Mp4Error('INVALID_CONFIG', 'avcC NAL length size 3');
  let at = 5;
  const sps = (avcC[at++] as number) & 0x1f;
  if (sps === 0) throw new Mp4Error('INVALID_CONFIG', 'avcC without an SPS');
  at = skipParameterSets(avcC, at, sps, 'avcC SPS');
  if (at >= avcC.length) throw new Mp4Error('INVALID_CONFIG', 'avcC without a PPS count');
  const pps = avcC[at++] as number;
  skipParameterSets(avcC, at, pps, 'avcC PPS');
  return { lengthSize, profile: avcC[1] as number, level: avcC[3] as number };
}

/** NAL unit length size from an HEVCDecoderConfigurationRecord (14496-15 8.3.3.1). */
export function parseHvcC(hvcC: Uint8Array): { lengthSize: number } {
  if (hvcC.length < 23) throw new Mp4Error('INVALID_CONFIG', 'hvcC shorter than 23 bytes');
  if (hvcC[0] !== 1) throw new Mp4Error('INVALID_CONFIG', `hvcC configurationVersion ${hvcC[0]}`);
  const lengthSize = ((hvcC[21] as number) & 3) + 1;
  if (lengthSize === 3) throw new Mp4Error('INVALID_CONFIG', 'hvcC NAL length size 3');
  let at = 23;
  for (let i = 0; i < (hvcC[22] as number); i++) {
    if (at + 3 > hvcC.length) throw new Mp4Error('INVALID_CONFIG', 'hvcC array truncated');
    const count = ((hvcC[at + 1] as number) << 8) | (hvcC[at + 2] as number);
    at = skipParameterSets(hvcC, at + 3, count, 'hvcC NAL array');
  }
  return { lengthSize };
}

function skipParameterSets(b: Uint8Array, at: number, count: number, what: string): number {
  for (let i = 0; i < count; i++) {
    if (at + 2 > b.length) throw new Mp4Error('INVALID_CONFIG', `${what} truncated`);
    at += 2 + (((b[at] as number) << 8) | (b[at + 1] as number));
    if (at > b.length) throw new Mp4Error('INVALID_CONFIG', `${what} truncated`);
  }
  return at;
}

/** Checks that a sample is whole length-prefixed NAL units (the AVCC / HVCC form FLV carries). */
export function checkLengthPrefixed(data: Uint8Array, lengthSize: number): void {
  let at = 0;
  while (at < data.length) {
    if (at + lengthSize > data.length) throw new Mp4Error('INVALID_SAMPLE', `NAL length field truncated at byte ${at}`);
    let n = 0;
    for (let i = 0; i < lengthSize; i++) n = n * 256 + (data[at + i] as number);
    if (n === 0) throw new Mp4Error('INVALID_SAMPLE', `zero-length NAL unit at byte ${at}`);
    at += lengthSize + n;
    if (at > data.length) throw new Mp4Error('INVALID_SAMPLE', `NAL unit overruns the sample at byte ${at - n - lengthSize}`);
  }
}

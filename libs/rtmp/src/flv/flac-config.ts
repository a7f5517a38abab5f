import { BitReader } from './bit-reader';
import { MediaTagError, need } from './errors';

/** FLAC STREAMINFO, the first metadata block of a fLaC SequenceStart. */
export interface FlacConfig {
  minBlockSize: number;
  maxBlockSize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** 0 = unknown. Exact up to 2^36, well inside Number.MAX_SAFE_INTEGER. */
  totalSamples: number;
}

const STREAMINFO_LENGTH = 34;

/** Parses a FLAC sequence header: the `fLaC` signature (optional here) and a STREAMINFO block. */
export function parseFlacConfig(header: Uint8Array): FlacConfig {
  let pos = 0;
  if (header.length >= 4 && header[0] === 0x66 && header[1] === 0x4c && header[2] === 0x61 && header[3] === 0x43) pos = 4;
  need(header, pos, 4, 'FLAC metadata block header');
  const blockType = (header[pos] as number) & 0x7f;
  const length = ((header[pos + 1] as number) << 16) | ((header[pos + 2] as number) << 8) | (header[pos + 3] as number);
  if (blockType !== 0) throw new MediaTagError('MALFORMED', `FLAC header: first metadata block has type ${blockType}, expected STREAMINFO`);
  if (length < STREAMINFO_LENGTH) throw new MediaTagError('MALFORMED', `FLAC header: STREAMINFO length ${length}`);
  need(header, pos + 4, STREAMINFO_LENGTH, 'FLAC STREAMINFO');
  const r = new BitReader(header.subarray(pos + 4, pos + 4 + STREAMINFO_LENGTH), 'FLAC STREAMINFO');
  const minBlockSize = r.bits(16);
  const maxBlockSize = r.bits(16);
  r.skip(48); // min/max frame size
  const sampleRate = r.bits(20);
  const channels = r.bits(3) + 1;
  const bitsPerSample = r.bits(5) + 1;
  const totalSamples = r.bits(4) * 2 ** 32 + r.bits(32);
  if (sampleRate === 0) throw new MediaTagError('MALFORMED', 'FLAC STREAMINFO: sample rate 0');
  return { minBlockSize, maxBlockSize, sampleRate, channels, bitsPerSample, totalSamples };
}

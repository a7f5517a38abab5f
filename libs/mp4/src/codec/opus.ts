import { Mp4Error } from '../errors';

/** The Opus identification header (RFC 7845 5.1): little-endian, starts with "OpusHead". */
export interface OpusHead {
  version: number;
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  /** Q7.8 dB. */
  outputGain: number;
  channelMappingFamily: number;
  /** Present when the mapping family is not 0. */
  streamCount?: number;
  coupledCount?: number;
  channelMapping?: number[];
}

/** Opus always decodes at 48 kHz, so that is every Opus track's timescale. */
export const OPUS_SAMPLE_RATE = 48000;

export function parseOpusHead(head: Uint8Array): OpusHead {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < 19 || b.toString('latin1', 0, 8) !== 'OpusHead') throw new Mp4Error('INVALID_CONFIG', 'OpusHead: missing magic or shorter than 19 bytes');
  const version = b.readUInt8(8);
  if (version >> 4 !== 0) throw new Mp4Error('UNSUPPORTED_CODEC', `OpusHead version ${version}`);
  const channels = b.readUInt8(9);
  if (channels === 0) throw new Mp4Error('INVALID_CONFIG', 'OpusHead: zero channels');
  const out: OpusHead = {
    version,
    channels,
    preSkip: b.readUInt16LE(10),
    inputSampleRate: b.readUInt32LE(12),
    outputGain: b.readInt16LE(16),
    channelMappingFamily: b.readUInt8(18),
  };
  if (out.channelMappingFamily === 0) {
    if (channels > 2) throw new Mp4Error('INVALID_CONFIG', `OpusHead: mapping family 0 with ${channels} channels`);
  } else {
    if (b.length < 21 + channels) throw new Mp4Error('INVALID_CONFIG', 'OpusHead: channel mapping table truncated');
    out.streamCount = b.readUInt8(19);
    out.coupledCount = b.readUInt8(20);
    out.channelMapping = [...b.subarray(21, 21 + channels)];
    if (out.streamCount === 0 || out.coupledCount > out.streamCount) throw new Mp4Error('INVALID_CONFIG', 'OpusHead: bad stream counts');
  }
  return out;
}

/** Samples at 48 kHz of one frame, by TOC config (RFC 6716 3.1, Table 2). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3] as number; // SILK: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config & 1] as number; // Hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3] as number; // CELT: 2.5, 5, 10, 20 ms
}

/**
 * Duration of one Opus packet in 48 kHz samples, from its TOC byte and, for code 3, its frame
 * count byte (RFC 6716 3.1-3.2). A packet longer than 120 ms is invalid.
 */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) throw new Mp4Error('INVALID_SAMPLE', 'Opus packet is empty');
  const perFrame = frameSamples(toc >> 3);
  let frames: number;
  switch (toc & 3) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default: {
      const count = packet[1];
      if (count === undefined) throw new Mp4Error('INVALID_SAMPLE', 'Opus code 3 packet without a frame count byte');
      frames = count & 0x3f;
      if (frames === 0) throw new Mp4Error('INVALID_SAMPLE', 'Opus code 3 packet with zero frames');
    }
  }
  const samples = perFrame * frames;
  if (samples > 5760) throw new Mp4Error('INVALID_SAMPLE', `Opus packet of ${samples / 48} ms exceeds 120 ms`);
  return samples;
}

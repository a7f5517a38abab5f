import { MediaTagError, need } from './errors';

/** Opus identification header (RFC 7845 5.1), the payload of an Opus SequenceStart. */
export interface OpusConfig {
  version: number;
  channels: number;
  preSkip: number;
  /** The encoder's input rate; Opus always decodes at 48 kHz. */
  inputSampleRate: number;
  /** Q7.8 dB. */
  outputGain: number;
  channelMappingFamily: number;
}

const MAGIC = 'OpusHead';

export function parseOpusConfig(head: Uint8Array): OpusConfig {
  need(head, 0, 19, 'OpusHead');
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (buf.toString('latin1', 0, 8) !== MAGIC) throw new MediaTagError('MALFORMED', 'OpusHead: bad magic');
  const version = buf.readUInt8(8);
  if (version >> 4 !== 0) throw new MediaTagError('UNSUPPORTED', `OpusHead: version ${version}`);
  const channels = buf.readUInt8(9);
  if (channels === 0) throw new MediaTagError('MALFORMED', 'OpusHead: zero channels');
  return {
    version,
    channels,
    preSkip: buf.readUInt16LE(10),
    inputSampleRate: buf.readUInt32LE(12),
    outputGain: buf.readInt16LE(16),
    channelMappingFamily: buf.readUInt8(18),
  };
}

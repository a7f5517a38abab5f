import { ByteReader, ByteWriter, box } from '../bytes';
import { Mp4Error } from '../errors';
import type { OpusHead } from '../codec/opus';

/**
 * Opus specific box (Encapsulation of Opus in ISO BMFF, 4.3.2). It carries the fields of the
 * OpusHead identification header, but big-endian, with Version 0 instead of OpusHead's 1 and no
 * "OpusHead" magic. A plain box, not a full box.
 */
export function encodeDops(head: OpusHead): Buffer {
  const w = new ByteWriter(11 + head.channels)
    .u8(0)
    .u8(head.channels)
    .u16(head.preSkip)
    .u32(head.inputSampleRate)
    .i16(head.outputGain)
    .u8(head.channelMappingFamily);
  if (head.channelMappingFamily !== 0) {
    if (head.streamCount === undefined || head.coupledCount === undefined || head.channelMapping?.length !== head.channels) {
      throw new Mp4Error('INVALID_CONFIG', 'dOps: mapping family other than 0 needs a channel mapping table');
    }
    w.u8(head.streamCount).u8(head.coupledCount);
    for (const c of head.channelMapping) w.u8(c);
  }
  return box('dOps', w.done());
}

/** Decodes a dOps payload back to the OpusHead fields (version 1 as OpusHead carries it). */
export function decodeDops(r: ByteReader): OpusHead {
  const version = r.u8('dOps Version');
  if (version !== 0) throw new Mp4Error(r.code, `dOps Version ${version}`, r.base + r.pos - 1);
  const head: OpusHead = {
    version: 1,
    channels: r.u8('dOps OutputChannelCount'),
    preSkip: r.u16('dOps PreSkip'),
    inputSampleRate: r.u32('dOps InputSampleRate'),
    outputGain: r.i16('dOps OutputGain'),
    channelMappingFamily: r.u8('dOps ChannelMappingFamily'),
  };
  if (head.channelMappingFamily !== 0) {
    head.streamCount = r.u8('dOps StreamCount');
    head.coupledCount = r.u8('dOps CoupledCount');
    head.channelMapping = [...r.bytes(head.channels, 'dOps ChannelMapping')];
  }
  return head;
}

/** The OpusHead identification header (little-endian) for the same fields. */
export function encodeOpusHead(head: OpusHead): Buffer {
  const mapped = head.channelMappingFamily !== 0;
  const b = Buffer.alloc(19 + (mapped ? 2 + head.channels : 0));
  b.write('OpusHead', 0, 'latin1');
  b.writeUInt8(head.version, 8);
  b.writeUInt8(head.channels, 9);
  b.writeUInt16LE(head.preSkip, 10);
  b.writeUInt32LE(head.inputSampleRate, 12);
  b.writeInt16LE(head.outputGain, 16);
  b.writeUInt8(head.channelMappingFamily, 18);
  if (mapped) {
    b.writeUInt8(head.streamCount ?? 0, 19);
    b.writeUInt8(head.coupledCount ?? 0, 20);
    (head.channelMapping ?? []).forEach((c, i) => b.writeUInt8(c, 21 + i));
  }
  return b;
}

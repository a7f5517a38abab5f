import { ByteReader, ByteWriter, box } from '../bytes';
import { childBoxes } from '../reader/box-header';

/**
 * Visual and audio sample entries (14496-12 12.1.3, 12.2.3): the fixed fields, then child
 * boxes (the codec configuration: avcC, hvcC, av1C, esds, dOps).
 */
export interface VisualSampleEntry {
  kind: 'visual';
  type: string;
  width: number;
  height: number;
  children: ChildBox[];
}

export interface AudioSampleEntry {
  kind: 'audio';
  type: string;
  channels: number;
  /** 0 when the rate does not fit the 16.16 field (the timescale carries it). */
  sampleRate: number;
  children: ChildBox[];
}

export type SampleEntry = VisualSampleEntry | AudioSampleEntry;

/** A child box by type and payload (after its header). */
export interface ChildBox {
  type: string;
  payload: Buffer;
}

export const VISUAL_ENTRY_TYPES = new Set(['avc1', 'avc3', 'hvc1', 'hev1', 'av01', 'vp09', 'mp4v']);
export const AUDIO_ENTRY_TYPES = new Set(['mp4a', 'Opus', 'fLaC', 'ac-3', 'ec-3']);

const header = (w: ByteWriter) => w.zeros(6).u16(1); // reserved, data_reference_index 1

export function encodeSampleEntry(entry: SampleEntry): Buffer {
  const w = header(new ByteWriter(128));
  if (entry.kind === 'visual') {
    w.u16(0).u16(0).zeros(12) // pre_defined, reserved, pre_defined[3]
      .u16(entry.width)
      .u16(entry.height)
      .u32(0x00480000) // 72 dpi
      .u32(0x00480000)
      .u32(0) // reserved
      .u16(1) // frame_count
      .zeros(32) // compressorname: empty
      .u16(0x0018) // depth: colour, no alpha
      .i16(-1); // pre_defined
  } else {
    w.zeros(8) // reserved
      .u16(entry.channels)
      .u16(16) // samplesize
      .u16(0) // pre_defined
      .u16(0) // reserved
      .u32(entry.sampleRate <= 0xffff ? entry.sampleRate * 0x10000 : 0);
  }
  for (const child of entry.children) w.bytes(box(child.type, child.payload));
  return box(entry.type, w.done());
}

/** Decodes a sample entry whose payload is `r` (positioned after the entry's box header). */
export function decodeSampleEntry(r: ByteReader, type: string): SampleEntry | { kind: 'other'; type: string } {
  const visual = VISUAL_ENTRY_TYPES.has(type);
  if (!visual && !AUDIO_ENTRY_TYPES.has(type)) return { kind: 'other', type };
  r.skip(8, 'sample entry header');
  const children = (start: number): ChildBox[] => {
    const boxes = childBoxes(r.buf, start, r.end, r.base);
    r.pos = r.end;
    return boxes.map((c) => ({ type: c.type, payload: Buffer.from(r.buf.buffer, r.buf.byteOffset + c.start + c.headerSize, c.size - c.headerSize) }));
  };
  if (visual) {
    r.skip(16, 'visual sample entry');
    const width = r.u16('width');
    const height = r.u16('height');
    r.skip(50, 'visual sample entry');
    return { kind: 'visual', type, width, height, children: children(r.pos) };
  }
  r.skip(8, 'audio sample entry');
  const channels = r.u16('channelcount');
  r.skip(6, 'audio sample entry');
  const sampleRate = Math.floor(r.u32('samplerate') / 0x10000);
  return { kind: 'audio', type, channels, sampleRate, children: children(r.pos) };
}

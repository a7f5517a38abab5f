import { removeEmulationPrevention } from '@fanout/rtmp';

/**
 * HEVC in FLV for the slate: ffmpeg 5.1's FLV muxer cannot write HEVC, so the renderer writes an
 * Annex B elementary stream and this turns it into Enhanced RTMP tags (an hvc1 SequenceStart with
 * an HEVCDecoderConfigurationRecord, then CodedFrames of 4-byte length-prefixed NAL units).
 * Only what our own x265 encode produces needs handling: one layer, no B-frames.
 */

const NAL_VPS = 32;
const NAL_SPS = 33;
const NAL_PPS = 34;
const NAL_AUD = 35;
const NAL_PREFIX_SEI = 39;

export const nalType = (nal: Uint8Array): number => ((nal[0] as number) >> 1) & 0x3f;
const isVcl = (type: number): boolean => type < 32;
/** IRAP pictures (BLA, IDR, CRA): where a decoder can start. */
const isIrap = (type: number): boolean => type >= 16 && type <= 23;

/** The NAL units of an Annex B stream (start codes removed, views into `stream`). */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  const starts: { at: number; code: number }[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0) {
      if (stream[i + 2] === 1) {
        starts.push({ at: i, code: 3 });
        i += 2;
      } else if (stream[i + 2] === 0 && i + 3 < stream.length && stream[i + 3] === 1) {
        starts.push({ at: i, code: 4 });
        i += 3;
      }
    }
  }
  const out: Uint8Array[] = [];
  for (let n = 0; n < starts.length; n++) {
    const s = starts[n] as { at: number; code: number };
    const end = n + 1 < starts.length ? (starts[n + 1] as { at: number }).at : stream.length;
    let stop = end;
    while (stop > s.at + s.code && stream[stop - 1] === 0) stop--; // trailing_zero_8bits
    if (stop > s.at + s.code) out.push(stream.subarray(s.at + s.code, stop));
  }
  return out;
}

export interface HevcAccessUnit {
  keyframe: boolean;
  /** The picture's NAL units (parameter sets and AUDs left out: they live in the record). */
  nals: Uint8Array[];
}

/**
 * Groups NAL units into access units: a new one starts at an AUD, a parameter set or prefix SEI
 * after a picture, or a slice whose first_slice_segment_in_pic_flag is set.
 */
export function hevcAccessUnits(nals: Uint8Array[]): { vps: Uint8Array[]; sps: Uint8Array[]; pps: Uint8Array[]; units: HevcAccessUnit[] } {
  const vps: Uint8Array[] = [];
  const sps: Uint8Array[] = [];
  const pps: Uint8Array[] = [];
  const units: HevcAccessUnit[] = [];
  let current: HevcAccessUnit | undefined;
  let currentHasPicture = false;
  const open = (): HevcAccessUnit => {
    if (current === undefined || currentHasPicture) {
      current = { keyframe: false, nals: [] };
      currentHasPicture = false;
      units.push(current);
    }
    return current;
  };
  for (const nal of nals) {
    if (nal.length < 2) continue;
    const type = nalType(nal);
    if (type === NAL_VPS || type === NAL_SPS || type === NAL_PPS) {
      const list = type === NAL_VPS ? vps : type === NAL_SPS ? sps : pps;
      if (!list.some((known) => Buffer.compare(known, nal) === 0)) list.push(nal);
      open();
      continue;
    }
    if (type === NAL_AUD) {
      open();
      continue;
    }
    if (type === NAL_PREFIX_SEI) {
      open().nals.push(nal);
      continue;
    }
    if (isVcl(type)) {
      const firstSlice = nal.length > 2 && ((nal[2] as number) & 0x80) !== 0;
      const unit = firstSlice ? open() : (current ?? open());
      unit.nals.push(nal);
      if (isIrap(type)) unit.keyframe = true;
      currentHasPicture = true;
      continue;
    }
    (current ?? open()).nals.push(nal); // suffix SEI, end of sequence, filler: with the picture
  }
  return { vps, sps, pps, units: units.filter((u) => u.nals.some((n) => isVcl(nalType(n)))) };
}

/** An HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1) for the parameter sets of our own encode (its chroma format and bit depth given). */
export function hevcDecoderConfigRecord(vps: Uint8Array[], sps: Uint8Array[], pps: Uint8Array[], chromaFormatIdc = 1, bitDepth = 8): Buffer {
  const first = sps[0];
  if (first === undefined) throw new Error('HEVC stream without an SPS');
  const rbsp = removeEmulationPrevention(first.subarray(2));
  // sps_video_parameter_set_id(4) sps_max_sub_layers_minus1(3) sps_temporal_id_nesting_flag(1),
  // then profile_tier_level's 12 general bytes, byte-aligned.
  const maxSubLayersMinus1 = ((rbsp[0] as number) >> 1) & 0x07;
  const temporalIdNested = (rbsp[0] as number) & 0x01;
  const general = rbsp.subarray(1, 13);
  const head = Buffer.alloc(23);
  head[0] = 1; // configurationVersion
  Buffer.from(general).copy(head, 1); // profile space/tier/idc, compatibility flags, constraint flags, level
  head.writeUInt16BE(0xf000, 13); // reserved + min_spatial_segmentation_idc 0
  head[15] = 0xfc; // reserved + parallelismType 0
  head[16] = 0xfc | chromaFormatIdc; // reserved + chroma_format_idc
  head[17] = 0xf8 | (bitDepth - 8); // reserved + bit_depth_luma_minus8
  head[18] = 0xf8 | (bitDepth - 8); // reserved + bit_depth_chroma_minus8
  head.writeUInt16BE(0, 19); // avgFrameRate unspecified
  head[21] = (0 << 6) | ((maxSubLayersMinus1 + 1) << 3) | (temporalIdNested << 2) | 0x03; // lengthSizeMinusOne 3
  const arrays: [number, Uint8Array[]][] = [
    [NAL_VPS, vps],
    [NAL_SPS, sps],
    [NAL_PPS, pps],
  ];
  head[22] = arrays.length;
  const parts: Buffer[] = [head];
  for (const [type, list] of arrays) {
    const header = Buffer.alloc(3);
    header[0] = 0x80 | type; // array_completeness 1
    header.writeUInt16BE(list.length, 1);
    parts.push(header);
    for (const nal of list) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(nal.length);
      parts.push(length, Buffer.from(nal));
    }
  }
  return Buffer.concat(parts);
}

/** Enhanced RTMP video tag bodies for hvc1. */
export function hevcSequenceStartTag(record: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x80 | (1 << 4) | 0]), Buffer.from('hvc1', 'latin1'), record]);
}

export function hevcCodedFramesTag(unit: HevcAccessUnit): Buffer {
  const parts: Buffer[] = [Buffer.from([0x80 | ((unit.keyframe ? 1 : 2) << 4) | 1]), Buffer.from('hvc1', 'latin1'), Buffer.from([0, 0, 0])];
  for (const nal of unit.nals) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(nal.length);
    parts.push(length, Buffer.from(nal));
  }
  return Buffer.concat(parts);
}

/** Back to Annex B (parameter sets before every keyframe): for checking a slate with ffprobe. */
export function annexBFromHevcTags(record: { vps: Uint8Array[]; sps: Uint8Array[]; pps: Uint8Array[] }, frames: { keyframe: boolean; payload: Buffer }[]): Buffer {
  const start = Buffer.from([0, 0, 0, 1]);
  const parts: Buffer[] = [];
  for (const frame of frames) {
    if (frame.keyframe) for (const nal of [...record.vps, ...record.sps, ...record.pps]) parts.push(start, Buffer.from(nal));
    for (let pos = 0; pos + 4 <= frame.payload.length; ) {
      const length = frame.payload.readUInt32BE(pos);
      parts.push(start, frame.payload.subarray(pos + 4, pos + 4 + length));
      pos += 4 + length;
    }
  }
  return Buffer.concat(parts);
}

import { BitReader, removeEmulationPrevention } from './bit-reader';
import { MediaTagError, need } from './errors';

/** Facts from an H.264 sequence parameter set. */
export interface H264SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags as the raw byte. */
  constraintFlags: number;
  levelIdc: number;
  /** e.g. 'High', 'Constrained Baseline'. */
  profile: string;
  /** e.g. '3.1', '4.0', '1b'. */
  level: string;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Display size, after frame cropping. */
  width: number;
  height: number;
  frameMbsOnly: boolean;
  /**
   * Frames per second from the VUI timing info (time_scale / 2·num_units_in_tick), when the
   * encoder wrote it (x264, NVENC and QuickSync do). Undefined when absent or unreadable.
   */
  frameRate?: number;
}

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1) plus the first SPS decoded. */
export interface AvcDecoderConfig extends H264SpsInfo {
  configurationVersion: number;
  /** NALU length field size in bytes (1, 2 or 4). */
  nalLengthSize: number;
  /** Views into the record, not copies. */
  sps: Uint8Array[];
  pps: Uint8Array[];
}

/** profile_idc values whose SPS carries chroma_format_idc, bit depths and scaling matrices. */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Parses an AVC sequence header (the payload of a sequence-start video tag). */
export function parseAvcDecoderConfig(record: Uint8Array): AvcDecoderConfig {
  need(record, 0, 6, 'AVCDecoderConfigurationRecord');
  const configurationVersion = record[0] as number;
  if (configurationVersion !== 1) throw new MediaTagError('MALFORMED', `AVCDecoderConfigurationRecord: version ${configurationVersion}`);
  const nalLengthSize = ((record[4] as number) & 0x03) + 1;
  if (nalLengthSize === 3) throw new MediaTagError('MALFORMED', 'AVCDecoderConfigurationRecord: NALU length size 3');
  let pos = 5;
  const sps: Uint8Array[] = [];
  const pps: Uint8Array[] = [];
  const spsCount = (record[pos] as number) & 0x1f;
  pos += 1;
  for (let i = 0; i < spsCount; i++) pos = readNal(record, pos, sps, 'SPS');
  need(record, pos, 1, 'AVCDecoderConfigurationRecord PPS count');
  const ppsCount = record[pos] as number;
  pos += 1;
  for (let i = 0; i < ppsCount; i++) pos = readNal(record, pos, pps, 'PPS');
  const first = sps[0];
  if (first === undefined) throw new MediaTagError('MALFORMED', 'AVCDecoderConfigurationRecord: no SPS');
  return { configurationVersion, nalLengthSize, sps, pps, ...parseH264Sps(first) };
}

function readNal(record: Uint8Array, pos: number, out: Uint8Array[], what: string): number {
  need(record, pos, 2, `AVCDecoderConfigurationRecord ${what} length`);
  const length = ((record[pos] as number) << 8) | (record[pos + 1] as number);
  need(record, pos + 2, length, `AVCDecoderConfigurationRecord ${what}`);
  out.push(record.subarray(pos + 2, pos + 2 + length));
  return pos + 2 + length;
}

/** Parses an H.264 SPS NAL unit (with its one-byte NAL header, emulation prevention still in). */
export function parseH264Sps(nal: Uint8Array): H264SpsInfo {
  need(nal, 0, 4, 'H.264 SPS');
  if (((nal[0] as number) & 0x1f) !== 7) throw new MediaTagError('MALFORMED', `H.264 SPS: NAL unit type ${(nal[0] as number) & 0x1f}`);
  const r = new BitReader(removeEmulationPrevention(nal.subarray(1)), 'H.264 SPS');
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  r.ue(); // seq_parameter_set_id

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new MediaTagError('MALFORMED', `H.264 SPS: chroma_format_idc ${chromaFormatIdc}`);
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = r.ue() + 8;
    bitDepthChroma = r.ue() + 8;
    if (bitDepthLuma > 14 || bitDepthChroma > 14) throw new MediaTagError('MALFORMED', 'H.264 SPS: bit depth above 14');
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      // seq_scaling_matrix_present_flag
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) {
        if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const picOrderCntType = r.ue();
  if (picOrderCntType === 0) {
    r.ue(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (picOrderCntType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    if (cycle > 255) throw new MediaTagError('MALFORMED', `H.264 SPS: num_ref_frames_in_pic_order_cnt_cycle ${cycle}`);
    for (let i = 0; i < cycle; i++) r.se();
  } else if (picOrderCntType !== 2) {
    throw new MediaTagError('MALFORMED', `H.264 SPS: pic_order_cnt_type ${picOrderCntType}`);
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  r.skip(1); // direct_8x8_inference_flag

  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 0 ? 1 : chromaFormatIdc === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 0 ? 1 : chromaFormatIdc === 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
  let cropX = 0;
  let cropY = 0;
  if (r.flag()) {
    cropX = (r.ue() + r.ue()) * cropUnitX;
    cropY = (r.ue() + r.ue()) * cropUnitY;
  }
  const codedWidth = widthMbs * 16;
  const codedHeight = heightMapUnits * 16 * (frameMbsOnly ? 1 : 2);
  if (cropX >= codedWidth || cropY >= codedHeight) throw new MediaTagError('MALFORMED', 'H.264 SPS: cropping larger than the picture');
  const frameRate = r.bitsLeft > 0 && r.flag() ? vuiFrameRate(r) : undefined;

  return {
    ...(frameRate !== undefined ? { frameRate } : {}),
    profileIdc,
    constraintFlags,
    levelIdc,
    profile: h264ProfileName(profileIdc, constraintFlags),
    level: levelIdc === 11 && (constraintFlags & 0x10) !== 0 && (profileIdc === 66 || profileIdc === 77 || profileIdc === 88) ? '1b' : levelIdc === 9 ? '1b' : formatLevel(levelIdc / 10),
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width: codedWidth - cropX,
    height: codedHeight - cropY,
    frameMbsOnly,
  };
}

/**
 * The frame rate in vui_parameters() (H.264 E.1.1), read up to its timing info; undefined when
 * there is none or the VUI is cut short (a truncated VUI does not make the SPS unusable).
 */
function vuiFrameRate(r: BitReader): number | undefined {
  try {
    if (r.flag()) {
      // aspect_ratio_info: aspect_ratio_idc, and sar_width/sar_height for Extended_SAR (255)
      if (r.bits(8) === 255) r.skip(32);
    }
    if (r.flag()) r.skip(1); // overscan_info_present_flag → overscan_appropriate_flag
    if (r.flag()) {
      r.skip(4); // video_format, video_full_range_flag
      if (r.flag()) r.skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
    }
    if (r.flag()) {
      r.ue(); // chroma_sample_loc_type_top_field
      r.ue(); // chroma_sample_loc_type_bottom_field
    }
    if (!r.flag()) return undefined; // timing_info_present_flag
    const unitsInTick = r.bits(32);
    const timeScale = r.bits(32);
    if (unitsInTick === 0 || timeScale === 0) return undefined;
    const fps = timeScale / (2 * unitsInTick);
    return fps > 0 && fps <= 1_000 ? Math.round(fps * 1_000) / 1_000 : undefined;
  } catch {
    return undefined;
  }
}

function skipScalingList(r: BitReader, size: number): void {
  let lastScale = 8;
  let nextScale = 8;
  for (let j = 0; j < size; j++) {
    if (nextScale !== 0) {
      const delta = r.se();
      nextScale = (((lastScale + delta) % 256) + 256) % 256;
    }
    lastScale = nextScale === 0 ? lastScale : nextScale;
  }
}

function formatLevel(level: number): string {
  return level.toFixed(1);
}

export function h264ProfileName(profileIdc: number, constraintFlags = 0): string {
  const set1 = (constraintFlags & 0x40) !== 0;
  const set3 = (constraintFlags & 0x10) !== 0;
  switch (profileIdc) {
    case 66:
      return set1 ? 'Constrained Baseline' : 'Baseline';
    case 77:
      return 'Main';
    case 88:
      return 'Extended';
    case 100:
      return 'High';
    case 110:
      return set3 ? 'High 10 Intra' : 'High 10';
    case 122:
      return set3 ? 'High 4:2:2 Intra' : 'High 4:2:2';
    case 244:
      return set3 ? 'High 4:4:4 Intra' : 'High 4:4:4 Predictive';
    case 44:
      return 'CAVLC 4:4:4 Intra';
    default:
      return `Profile ${profileIdc}`;
  }
}

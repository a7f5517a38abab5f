import { BitReader, removeEmulationPrevention } from './bit-reader';
import { MediaTagError, need } from './errors';

/** Facts from an HEVC sequence parameter set. */
export interface HevcSpsInfo {
  generalProfileSpace: number;
  /** 0 = Main tier, 1 = High tier. */
  generalTierFlag: number;
  generalProfileIdc: number;
  generalLevelIdc: number;
  /** e.g. 'Main', 'Main 10'. */
  profile: string;
  /** e.g. '4.1' (general_level_idc / 30). */
  level: string;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Display size, after the conformance window. */
  width: number;
  height: number;
}

/** HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1) plus the first SPS decoded. */
export interface HevcDecoderConfig extends HevcSpsInfo {
  configurationVersion: number;
  /** NALU length field size in bytes. */
  nalLengthSize: number;
  /** Views into the record, not copies. */
  vps: Uint8Array[];
  sps: Uint8Array[];
  pps: Uint8Array[];
}

const HEVC_NAL_VPS = 32;
const HEVC_NAL_SPS = 33;
const HEVC_NAL_PPS = 34;
const HVCC_HEADER_SIZE = 23;

/** Parses an hvcC record (the payload of an hvc1 SequenceStart). */
export function parseHevcDecoderConfig(record: Uint8Array): HevcDecoderConfig {
  need(record, 0, HVCC_HEADER_SIZE, 'HEVCDecoderConfigurationRecord');
  const configurationVersion = record[0] as number;
  if (configurationVersion !== 1) throw new MediaTagError('MALFORMED', `HEVCDecoderConfigurationRecord: version ${configurationVersion}`);
  const nalLengthSize = ((record[21] as number) & 0x03) + 1;
  const arrays = record[22] as number;
  const vps: Uint8Array[] = [];
  const sps: Uint8Array[] = [];
  const pps: Uint8Array[] = [];
  let pos = HVCC_HEADER_SIZE;
  for (let a = 0; a < arrays; a++) {
    need(record, pos, 3, 'HEVCDecoderConfigurationRecord array');
    const nalType = (record[pos] as number) & 0x3f;
    const count = ((record[pos + 1] as number) << 8) | (record[pos + 2] as number);
    pos += 3;
    for (let i = 0; i < count; i++) {
      need(record, pos, 2, 'HEVCDecoderConfigurationRecord NAL length');
      const length = ((record[pos] as number) << 8) | (record[pos + 1] as number);
      need(record, pos + 2, length, 'HEVCDecoderConfigurationRecord NAL unit');
      const nal = record.subarray(pos + 2, pos + 2 + length);
      pos += 2 + length;
      if (nalType === HEVC_NAL_VPS) vps.push(nal);
      else if (nalType === HEVC_NAL_SPS) sps.push(nal);
      else if (nalType === HEVC_NAL_PPS) pps.push(nal);
    }
  }
  const first = sps[0];
  if (first === undefined) throw new MediaTagError('MALFORMED', 'HEVCDecoderConfigurationRecord: no SPS');
  return { configurationVersion, nalLengthSize, vps, sps, pps, ...parseHevcSps(first) };
}

/** Parses an HEVC SPS NAL unit (with its two-byte NAL header, emulation prevention still in). */
export function parseHevcSps(nal: Uint8Array): HevcSpsInfo {
  need(nal, 0, 3, 'HEVC SPS');
  const nalType = ((nal[0] as number) >> 1) & 0x3f;
  if (nalType !== HEVC_NAL_SPS) throw new MediaTagError('MALFORMED', `HEVC SPS: NAL unit type ${nalType}`);
  const r = new BitReader(removeEmulationPrevention(nal.subarray(2)), 'HEVC SPS');
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.bits(3);
  r.skip(1); // sps_temporal_id_nesting_flag

  // profile_tier_level(1, sps_max_sub_layers_minus1)
  const generalProfileSpace = r.bits(2);
  const generalTierFlag = r.bits(1);
  const generalProfileIdc = r.bits(5);
  const compatibility = r.bits(32);
  r.skip(48); // progressive/interlaced/non-packed/frame-only flags + 43 reserved bits + inbld
  const generalLevelIdc = r.bits(8);
  const subProfilePresent: boolean[] = [];
  const subLevelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subProfilePresent.push(r.flag());
    subLevelPresent.push(r.flag());
  }
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subProfilePresent[i]) r.skip(88);
    if (subLevelPresent[i]) r.skip(8);
  }

  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw new MediaTagError('MALFORMED', `HEVC SPS: chroma_format_idc ${chromaFormatIdc}`);
  const separateColourPlane = chromaFormatIdc === 3 ? r.flag() : false;
  const codedWidth = r.ue();
  const codedHeight = r.ue();
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  let cropX = 0;
  let cropY = 0;
  if (r.flag()) {
    cropX = (r.ue() + r.ue()) * subWidthC;
    cropY = (r.ue() + r.ue()) * subHeightC;
  }
  if (codedWidth === 0 || codedHeight === 0 || cropX >= codedWidth || cropY >= codedHeight) {
    throw new MediaTagError('MALFORMED', 'HEVC SPS: empty picture or conformance window larger than the picture');
  }
  const bitDepthLuma = r.ue() + 8;
  const bitDepthChroma = r.ue() + 8;

  return {
    generalProfileSpace,
    generalTierFlag,
    generalProfileIdc,
    generalLevelIdc,
    profile: hevcProfileName(generalProfileIdc, compatibility),
    level: (generalLevelIdc / 30).toFixed(1),
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width: codedWidth - cropX,
    height: codedHeight - cropY,
  };
}

export function hevcProfileName(profileIdc: number, compatibilityFlags = 0): string {
  // When general_profile_idc is 0, the lowest compatibility flag names the profile.
  let idc = profileIdc;
  if (idc === 0) {
    for (let j = 1; j < 32; j++) {
      if ((compatibilityFlags >>> (31 - j)) & 1) {
        idc = j;
        break;
      }
    }
  }
  switch (idc) {
    case 1:
      return 'Main';
    case 2:
      return 'Main 10';
    case 3:
      return 'Main Still Picture';
    case 4:
      return 'Range Extensions';
    case 5:
      return 'High Throughput';
    case 9:
      return 'Screen Content Coding';
    default:
      return `Profile ${profileIdc}`;
  }
}

import { describe, expect, it } from 'vitest';
import {
  BitReader,
  audioStreamInfo,
  parseAacConfig,
  parseAudioTag,
  parseAvcDecoderConfig,
  parseFlacConfig,
  parseH264Sps,
  parseHevcDecoderConfig,
  parseOpusConfig,
  parseVideoTag,
  removeEmulationPrevention,
  videoStreamInfo,
} from '.';
import { BitWriter, addEmulationPrevention, expectMediaError, hex, onlyTypedErrors, withGarbage } from '../../test/flv/helpers';
import { AVC_SEQUENCE_HEADER_320x180, AVC_SEQUENCE_HEADER_640x360, FLAC_HEADER_48K_STEREO, HVCC_1280x718, OPUS_HEAD_STEREO } from '../../test/flv/tag-fixtures';

/** AVC sequence header tag bodies recorded with ffmpeg 5.1 + libx264; the record starts at byte 5. */
const AVC_RECORDS = [
  {
    name: 'High 640x360 (crops 368 coded lines to 360)',
    bytes: AVC_SEQUENCE_HEADER_640x360.subarray(5),
    value: { profile: 'High', profileIdc: 100, level: '3.0', width: 640, height: 360, chromaFormatIdc: 1, nalLengthSize: 4, frameMbsOnly: true, frameRate: 30 },
  },
  {
    name: 'High 320x180',
    bytes: AVC_SEQUENCE_HEADER_320x180.subarray(5),
    value: { profile: 'High', level: '1.3', width: 320, height: 180, frameRate: 30 },
  },
  {
    name: 'Constrained Baseline 320x240 (-profile:v baseline)',
    bytes: hex('0142c00dffe100186742c00dd90141fb011000000300100000030320f142a48001000568cb83cb20'),
    value: { profile: 'Constrained Baseline', profileIdc: 66, level: '1.3', width: 320, height: 240, frameRate: 25 },
  },
  {
    name: 'High 4:4:4 Predictive 640x358 (-pix_fmt yuv444p, crop unit 1)',
    bytes: hex('01f4001effe1001b67f4001e919b281405ff1780880000030008000003019078b16cb001000668ebe3c44844'),
    value: { profile: 'High 4:4:4 Predictive', chromaFormatIdc: 3, width: 640, height: 358 },
  },
  {
    name: 'High 4:2:2 10-bit 1920x1080 (-pix_fmt yuv422p10le)',
    bytes: hex('017a0028ffe1001c677a0028b6cd940780227e27011000000300100000030320f183196001000668ebe3cb22c0'),
    value: { profile: 'High 4:2:2', level: '4.0', chromaFormatIdc: 2, bitDepthLuma: 10, bitDepthChroma: 10, width: 1920, height: 1080 },
  },
  {
    name: 'interlaced High 704x476 (field pairs, crop unit 4)',
    bytes: hex('0164001effe1001a6764001eacd940b07bf5808800000300080000030190f8a14cb001000768fba3cb3002c0'),
    value: { frameMbsOnly: false, width: 704, height: 476, frameRate: 25 },
  },
];

describe('parseAvcDecoderConfig', () => {
  it.each(AVC_RECORDS)('reads $name', ({ bytes, value }) => {
    expect(parseAvcDecoderConfig(bytes)).toMatchObject(value);
    expect(parseAvcDecoderConfig(withGarbage(bytes))).toMatchObject(value);
  });

  it.each(AVC_RECORDS)('fails only with typed errors on every truncation of $name', ({ bytes }) => {
    for (let cut = 0; cut < bytes.length; cut++) onlyTypedErrors(() => parseAvcDecoderConfig(bytes.subarray(0, cut)));
  });

  it('returns the SPS and PPS as views into the record', () => {
    const record = AVC_SEQUENCE_HEADER_640x360.subarray(5);
    const config = parseAvcDecoderConfig(record);
    expect(config.sps).toHaveLength(1);
    expect(config.pps).toHaveLength(1);
    expect((config.sps[0] as Uint8Array).buffer).toBe(record.buffer);
    expect(config.sps[0]?.[0]).toBe(0x67);
    expect(config.pps[0]?.[0]).toBe(0x68);
  });

  it('rejects a record without an SPS', () => {
    expectMediaError(() => parseAvcDecoderConfig(hex('016400 1eff e0 00')), 'MALFORMED');
  });

  it('rejects a configuration version other than 1', () => {
    expectMediaError(() => parseAvcDecoderConfig(hex('026400 1eff e0 00')), 'MALFORMED');
  });
});

/** Builds an SPS exercising the branches real x264 output does not: scaling lists, POC type 1, field coding, cropping. */
function handBuiltSps(): Buffer {
  const w = new BitWriter()
    .u(8, 100) // profile_idc High
    .u(8, 0) // constraint flags
    .u(8, 40) // level_idc
    .ue(0) // seq_parameter_set_id
    .ue(1) // chroma_format_idc 4:2:0
    .ue(0) // bit_depth_luma_minus8
    .ue(0) // bit_depth_chroma_minus8
    .flag(false) // qpprime_y_zero_transform_bypass_flag
    .flag(true); // seq_scaling_matrix_present_flag
  for (let i = 0; i < 8; i++) {
    w.flag(i % 2 === 0); // seq_scaling_list_present_flag[i]
    if (i % 2 === 0) {
      const size = i < 6 ? 16 : 64;
      // A few explicit deltas, then delta = -8 brings nextScale to 0 ("use the rest as is").
      w.se(4).se(-2).se(1);
      if (size === 64) w.se(-11);
      else w.se(-11);
    }
  }
  w.ue(0) // log2_max_frame_num_minus4
    .ue(1) // pic_order_cnt_type 1
    .flag(false) // delta_pic_order_always_zero_flag
    .se(-3) // offset_for_non_ref_pic
    .se(2) // offset_for_top_to_bottom_field
    .ue(3); // num_ref_frames_in_pic_order_cnt_cycle
  // offset_for_ref_frame: -2^29 codes as 30 zero bits, which must come out as 00 00 03 0x.
  w.se(1).se(-(2 ** 29)).se(0);
  w.ue(4) // max_num_ref_frames
    .flag(false) // gaps_in_frame_num_value_allowed_flag
    .ue(119) // pic_width_in_mbs_minus1 → 1920
    .ue(33) // pic_height_in_map_units_minus1 → 34 map units × 2 fields × 16 = 1088
    .flag(false) // frame_mbs_only_flag → field coding
    .flag(true) // mb_adaptive_frame_field_flag
    .flag(true) // direct_8x8_inference_flag
    .flag(true) // frame_cropping_flag
    .ue(2) // left: 2 × crop unit X 2 = 4
    .ue(0)
    .ue(0)
    .ue(2) // bottom: 2 × crop unit Y (2 × 2) = 8
    .flag(false) // vui_parameters_present_flag
    .trailing();
  return Buffer.concat([hex('67'), addEmulationPrevention(w.bytes())]);
}

describe('parseH264Sps', () => {
  it('reads scaling lists, POC type 1 and field cropping from a hand-built SPS with emulation prevention', () => {
    const nal = handBuiltSps();
    expect(nal.includes(hex('000003'))).toBe(true);
    expect(parseH264Sps(nal)).toMatchObject({ profile: 'High', frameMbsOnly: false, width: 1916, height: 1080 });
  });

  it('reads the frame rate from VUI timing past every optional VUI field, and none from a VUI cut short', () => {
    const sps = (vui: (w: BitWriter) => void) => {
      const w = new BitWriter().u(8, 66).u(8, 0).u(8, 30).ue(0).ue(0).ue(2).ue(0).flag(false).ue(39).ue(22).flag(true).flag(true).flag(false);
      w.flag(true); // vui_parameters_present_flag
      vui(w);
      return Buffer.concat([hex('67'), addEmulationPrevention(w.trailing().bytes())]);
    };
    const full = sps((w) =>
      w
        .flag(true).u(8, 255).u(16, 4).u(16, 3) // Extended_SAR 4:3
        .flag(true).flag(false) // overscan
        .flag(true).u(3, 5).flag(false).flag(true).u(8, 1).u(8, 1).u(8, 1) // video signal + colour description
        .flag(true).ue(1).ue(1) // chroma sample locations
        .flag(true).u(32, 1001).u(32, 60000).flag(true), // timing: 60000 / (2 × 1001)
    );
    expect(parseH264Sps(full)).toMatchObject({ width: 640, height: 368, frameRate: 29.97 });
    const noTiming = sps((w) => w.flag(false).flag(false).flag(false).flag(false).flag(false));
    expect(parseH264Sps(noTiming).frameRate).toBeUndefined();
    const cut = sps((w) => w.flag(true).u(8, 255).u(8, 4)); // sar_width cut in half
    expect(parseH264Sps(cut)).toMatchObject({ width: 640, height: 368 });
    expect(parseH264Sps(cut).frameRate).toBeUndefined();
  });

  it('rejects a NAL unit that is not an SPS', () => {
    expectMediaError(() => parseH264Sps(hex('68ebe3cb22c0')), 'MALFORMED');
  });

  it('rejects an Exp-Golomb code longer than 32 bits', () => {
    expectMediaError(() => parseH264Sps(hex('67640028 00000000 0000')), 'MALFORMED');
  });

  it('rejects cropping larger than the picture', () => {
    const w = new BitWriter().u(8, 66).u(8, 0).u(8, 30).ue(0).ue(0).ue(2).ue(0).flag(false).ue(0).ue(0).flag(true).flag(true).flag(true);
    w.ue(8).ue(0).ue(0).ue(0).flag(false).trailing();
    expectMediaError(() => parseH264Sps(Buffer.concat([hex('67'), w.bytes()])), 'MALFORMED');
  });
});

describe('removeEmulationPrevention and BitReader', () => {
  it('drops each 03 that follows two zero bytes, and only those', () => {
    expect(Buffer.from(removeEmulationPrevention(hex('00000301 0000 0300 03 000003')))).toEqual(hex('000001 0000 00 03 0000'));
  });

  it('returns the input itself when there is nothing to remove', () => {
    const input = hex('010203');
    expect(removeEmulationPrevention(input)).toBe(input);
  });

  it('reads ue and se codes the writer produced', () => {
    const values = [0, 1, 2, 3, 7, 8, 255, 65535, 2 ** 31 - 2];
    const w = new BitWriter();
    for (const v of values) w.ue(v).se(-v).se(v);
    const r = new BitReader(w.bytes());
    for (const v of values) {
      expect(r.ue()).toBe(v);
      expect(r.se()).toBe(v === 0 ? 0 : -v);
      expect(r.se()).toBe(v);
    }
  });

  it('throws TRUNCATED when reading past the end', () => {
    const r = new BitReader(hex('ff'));
    r.bits(7);
    expectMediaError(() => r.bits(2), 'TRUNCATED');
  });
});

describe('parseHevcDecoderConfig', () => {
  it('reads 1280x718 Main 3.1 from an x265 hvcC (conformance window crops 720 to 718)', () => {
    const value = { profile: 'Main', generalProfileIdc: 1, level: '3.1', width: 1280, height: 718, chromaFormatIdc: 1, bitDepthLuma: 8, nalLengthSize: 4 };
    expect(parseHevcDecoderConfig(HVCC_1280x718)).toMatchObject(value);
    expect(parseHevcDecoderConfig(withGarbage(HVCC_1280x718))).toMatchObject(value);
  });

  it('collects VPS, SPS and PPS', () => {
    const config = parseHevcDecoderConfig(HVCC_1280x718);
    expect([config.vps.length, config.sps.length, config.pps.length]).toEqual([1, 1, 1]);
  });

  it('fails only with typed errors on every truncation', () => {
    for (let cut = 0; cut < HVCC_1280x718.length; cut++) onlyTypedErrors(() => parseHevcDecoderConfig(HVCC_1280x718.subarray(0, cut)));
    expectMediaError(() => parseHevcDecoderConfig(HVCC_1280x718.subarray(0, 22)), 'TRUNCATED');
  });
});

/** AudioSpecificConfig bytes built from fields, so the escape paths are covered. */
function asc(build: (w: BitWriter) => BitWriter): Buffer {
  return build(new BitWriter()).bytes();
}

const AAC_CONFIGS = [
  { name: 'AAC-LC 44.1 kHz mono (ffmpeg aac, sine default)', bytes: hex('1208'), value: { objectType: 2, sampleRate: 44100, channelConfiguration: 1, channels: 1 } },
  { name: 'AAC-LC 48 kHz stereo (ffmpeg aac)', bytes: hex('1190'), value: { objectType: 2, sampleRate: 48000, channels: 2 } },
  { name: 'AAC-LC 7.1 (channel configuration 7 is 8 channels)', bytes: hex('11b8'), value: { sampleRate: 48000, channelConfiguration: 7, channels: 8 } },
  {
    name: 'explicit 24-bit sampling frequency escape',
    bytes: asc((w) => w.u(5, 2).u(4, 15).u(24, 22222).u(4, 1).u(3, 0)),
    value: { objectType: 2, sampleRate: 22222, channels: 1 },
  },
  {
    name: 'escaped audio object type (31 + 6 bits → USAC 42)',
    bytes: asc((w) => w.u(5, 31).u(6, 10).u(4, 3).u(4, 2)),
    value: { objectType: 42, sampleRate: 48000, channels: 2 },
  },
  {
    name: 'HE-AAC explicit SBR: 24 kHz core, 48 kHz output',
    bytes: asc((w) => w.u(5, 5).u(4, 6).u(4, 2).u(4, 3).u(5, 2)),
    value: { objectType: 5, sampleRate: 24000, extensionSampleRate: 48000, coreObjectType: 2, channels: 2 },
  },
  {
    name: 'channel configuration 0 leaves the channel count to the PCE',
    bytes: asc((w) => w.u(5, 2).u(4, 4).u(4, 0).u(3, 0)),
    value: { sampleRate: 44100, channelConfiguration: 0 },
  },
];

describe('parseAacConfig', () => {
  it.each(AAC_CONFIGS)('reads $name', ({ bytes, value }) => {
    expect(parseAacConfig(bytes)).toMatchObject(value);
    expect(parseAacConfig(withGarbage(bytes))).toMatchObject(value);
  });

  it('leaves channels undefined for channel configuration 0', () => {
    expect(parseAacConfig(asc((w) => w.u(5, 2).u(4, 4).u(4, 0).u(3, 0))).channels).toBeUndefined();
  });

  it('rejects reserved sampling frequency indexes 13 and 14', () => {
    expectMediaError(() => parseAacConfig(asc((w) => w.u(5, 2).u(4, 13).u(4, 2).u(3, 0))), 'MALFORMED');
  });

  it('rejects a config cut inside the explicit frequency', () => {
    expectMediaError(() => parseAacConfig(asc((w) => w.u(5, 2).u(4, 15).u(7, 1))), 'TRUNCATED');
  });
});

describe('parseOpusConfig and parseFlacConfig', () => {
  it('reads channels and input rate from an ffmpeg OpusHead', () => {
    expect(parseOpusConfig(withGarbage(OPUS_HEAD_STEREO))).toEqual({ version: 1, channels: 2, preSkip: 312, inputSampleRate: 48000, outputGain: 0, channelMappingFamily: 0 });
  });

  it('rejects an OpusHead with the wrong magic', () => {
    const bad = Buffer.from(OPUS_HEAD_STEREO);
    bad[0] = 0x6f;
    expectMediaError(() => parseOpusConfig(bad), 'MALFORMED');
  });

  it('reads STREAMINFO from an ffmpeg FLAC header, with or without the fLaC signature', () => {
    const value = { sampleRate: 48000, channels: 2, bitsPerSample: 16, minBlockSize: 4608, maxBlockSize: 4608, totalSamples: 4800 };
    expect(parseFlacConfig(withGarbage(FLAC_HEADER_48K_STEREO))).toEqual(value);
    expect(parseFlacConfig(FLAC_HEADER_48K_STEREO.subarray(4))).toEqual(value);
  });

  it('rejects a FLAC header whose first block is not STREAMINFO', () => {
    const bad = Buffer.from(FLAC_HEADER_48K_STEREO);
    bad[4] = 0x04;
    expectMediaError(() => parseFlacConfig(bad), 'MALFORMED');
  });

  it('fails only with typed errors on every truncation', () => {
    for (let cut = 0; cut < FLAC_HEADER_48K_STEREO.length; cut++) onlyTypedErrors(() => parseFlacConfig(FLAC_HEADER_48K_STEREO.subarray(0, cut)));
    for (let cut = 0; cut < OPUS_HEAD_STEREO.length; cut++) onlyTypedErrors(() => parseOpusConfig(OPUS_HEAD_STEREO.subarray(0, cut)));
  });
});

describe('videoStreamInfo and audioStreamInfo', () => {
  it('summarise H.264 and HEVC sequence headers for the dashboard', () => {
    expect(videoStreamInfo(parseVideoTag(AVC_SEQUENCE_HEADER_640x360))).toEqual({ codec: 'h264', width: 640, height: 360, profile: 'High', level: '3.0', frameRate: 30 });
    expect(videoStreamInfo(parseVideoTag(Buffer.concat([hex('90'), Buffer.from('hvc1'), HVCC_1280x718])))).toEqual({
      codec: 'hevc',
      width: 1280,
      height: 718,
      profile: 'Main',
      level: '3.1',
    });
  });

  it('return undefined for coded frames and codecs without a size in their record', () => {
    expect(videoStreamInfo(parseVideoTag(hex('2701000021000000')))).toBeUndefined();
    expect(videoStreamInfo(parseVideoTag(Buffer.concat([hex('90'), Buffer.from('av01'), hex('810c0000')])))).toBeUndefined();
  });

  it('summarise AAC, HE-AAC, Opus and FLAC sequence headers', () => {
    expect(audioStreamInfo(parseAudioTag(hex('af001190')))).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
    const heAac = asc((w) => w.u(5, 5).u(4, 6).u(4, 2).u(4, 3).u(5, 2));
    expect(audioStreamInfo(parseAudioTag(Buffer.concat([hex('90'), Buffer.from('mp4a'), heAac])))).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(audioStreamInfo(parseAudioTag(Buffer.concat([hex('90'), Buffer.from('Opus'), OPUS_HEAD_STEREO])))).toEqual({ codec: 'opus', sampleRate: 48000, channels: 2 });
    expect(audioStreamInfo(parseAudioTag(Buffer.concat([hex('90'), Buffer.from('fLaC'), FLAC_HEADER_48K_STEREO])))).toEqual({ codec: 'flac', sampleRate: 48000, channels: 2 });
    expect(audioStreamInfo(parseAudioTag(hex('af01214c')))).toBeUndefined();
  });
});

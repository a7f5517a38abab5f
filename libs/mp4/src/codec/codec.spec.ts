import { describe, expect, it } from 'vitest';
import { Mp4Error, av1Sample, checkLengthPrefixed, mp3SampleSamples, opusPacketSamples, parseAacConfig, parseAv1C, parseAvcC, parseHvcC, parseMp3Header } from '..';

const toc = (config: number, code: number, stereo = 0) => (config << 3) | (stereo << 2) | code;

describe('Opus packet duration from the TOC byte (RFC 6716 3.1)', () => {
  it.each([
    { name: 'SILK NB 10 ms, one frame', packet: [toc(0, 0)], samples: 480 },
    { name: 'SILK NB 20 ms, one frame', packet: [toc(1, 0)], samples: 960 },
    { name: 'SILK WB 40 ms', packet: [toc(10, 0)], samples: 1920 },
    { name: 'SILK MB 60 ms, one frame', packet: [toc(7, 0)], samples: 2880 },
    { name: 'SILK 60 ms, two frames (code 1) = 120 ms', packet: [toc(3, 1)], samples: 5760 },
    { name: 'Hybrid SWB 10 ms', packet: [toc(12, 0)], samples: 480 },
    { name: 'Hybrid FB 20 ms, two frames of different size (code 2)', packet: [toc(15, 2), 10], samples: 1920 },
    { name: 'CELT NB 2.5 ms', packet: [toc(16, 0)], samples: 120 },
    { name: 'CELT FB 5 ms stereo', packet: [toc(29, 0, 1)], samples: 240 },
    { name: 'CELT FB 20 ms', packet: [toc(31, 0)], samples: 960 },
    { name: 'CELT FB 20 ms, code 3 with 6 frames (VBR, padding bits set)', packet: [toc(31, 3), 0xc6], samples: 5760 },
  ])('$name: $samples samples at 48 kHz', ({ packet, samples }) => {
    expect(opusPacketSamples(Uint8Array.from(packet))).toBe(samples);
  });

  it.each([
    { name: 'an empty packet', packet: [] },
    { name: 'code 3 without its frame count byte', packet: [toc(31, 3)] },
    { name: 'code 3 with zero frames', packet: [toc(31, 3), 0] },
    { name: 'more than 120 ms (3 x 60 ms)', packet: [toc(3, 3), 3] },
  ])('rejects $name with INVALID_SAMPLE', ({ packet }) => {
    expect(() => opusPacketSamples(Uint8Array.from(packet))).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }));
  });
});

describe('AAC AudioSpecificConfig (14496-3 1.6.2.1)', () => {
  it.each([
    { name: 'AAC-LC 44.1 kHz stereo', hex: '1210', value: { objectType: 2, sampleRate: 44100, outputSampleRate: 44100, channels: 2, frameLength: 1024 } },
    { name: 'AAC-LC 48 kHz stereo', hex: '1190', value: { objectType: 2, sampleRate: 48000, outputSampleRate: 48000, channels: 2, frameLength: 1024 } },
    { name: 'AAC-LC 44.1 kHz mono', hex: '1208', value: { objectType: 2, sampleRate: 44100, outputSampleRate: 44100, channels: 1, frameLength: 1024 } },
    { name: 'AAC-LC 960-sample frames', hex: '1214', value: { objectType: 2, sampleRate: 44100, outputSampleRate: 44100, channels: 2, frameLength: 960 } },
    { name: 'HE-AAC, explicit SBR 24 -> 48 kHz', hex: '2b118800', value: { objectType: 2, sampleRate: 24000, outputSampleRate: 48000, channels: 2, frameLength: 1024 } },
    { name: 'AAC-LC 7.1 (channel configuration 7)', hex: '11b8', value: { objectType: 2, sampleRate: 48000, outputSampleRate: 48000, channels: 8, frameLength: 1024 } },
  ])('$name', ({ hex, value }) => {
    expect(parseAacConfig(Buffer.from(hex, 'hex'))).toEqual(value);
  });

  it.each([
    { name: 'an empty config', hex: '', code: 'INVALID_CONFIG' },
    { name: 'object type 0', hex: '0010', code: 'INVALID_CONFIG' },
    { name: 'a reserved sampling frequency index', hex: '1690', code: 'INVALID_CONFIG' },
    { name: 'a reserved channel configuration', hex: '1240', code: 'INVALID_CONFIG' },
    { name: 'a non-GA object type (ALS, 36)', hex: 'f88640', code: 'UNSUPPORTED_CODEC' },
  ])('rejects $name', ({ hex, code }) => {
    expect(() => parseAacConfig(Buffer.from(hex, 'hex'))).toThrow(expect.objectContaining({ code }));
  });
});

describe('MP3 frame headers', () => {
  it('reads an MPEG-1 Layer III 128 kbit/s 44.1 kHz header: 1152 samples, 417 bytes', () => {
    expect(parseMp3Header(Buffer.from('fffb9000', 'hex'), 0)).toEqual({ sampleRate: 44100, samples: 1152, length: 417, channels: 2 });
  });

  it('reads an MPEG-2 Layer III 24 kHz mono header: 576 samples', () => {
    expect(parseMp3Header(Buffer.from('fff384c0', 'hex'), 0)).toMatchObject({ sampleRate: 24000, samples: 576, channels: 1 });
  });

  it('counts the samples of two whole frames in one sample', () => {
    const frame = Buffer.alloc(417);
    Buffer.from('fffb9000', 'hex').copy(frame);
    expect(mp3SampleSamples(Buffer.concat([frame, frame]), 44100)).toBe(2304);
  });

  it('rejects Layer II, a missing sync word and a rate that is not the track rate', () => {
    expect(() => parseMp3Header(Buffer.from('fffd9000', 'hex'), 0)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CODEC' }));
    expect(() => parseMp3Header(Buffer.from('00fb9000', 'hex'), 0)).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }));
    expect(() => mp3SampleSamples(Buffer.from('fffb9000', 'hex'), 48000)).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }));
  });
});

describe('AVC / HEVC configuration records and length-prefixed NAL units', () => {
  it('reads the NAL length size of avcC and hvcC', () => {
    expect(parseAvcC(Buffer.from('0142c01effe100046742c01e01000268ce', 'hex'))).toEqual({ lengthSize: 4, profile: 0x42, level: 0x1e });
    const hvcC = Buffer.concat([Buffer.from('01', 'hex'), Buffer.alloc(20), Buffer.from('0f', 'hex'), Buffer.from('01', 'hex'), Buffer.from('a00001000240', 'hex'), Buffer.from('01', 'hex')]);
    expect(parseHvcC(hvcC)).toEqual({ lengthSize: 4 });
  });

  it.each([
    { name: 'a short avcC', hex: '0142c0' },
    { name: 'configurationVersion 0', hex: '0042c01effe100046742c01e01000268ce' },
    { name: 'NAL length size 3', hex: '0142c01efee100046742c01e01000268ce' },
    { name: 'no SPS', hex: '0142c01effe0' },
    { name: 'an SPS longer than the record', hex: '0142c01effe100ff6742' },
  ])('rejects an avcC with $name', ({ hex }) => {
    expect(() => parseAvcC(Buffer.from(hex, 'hex'))).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('accepts whole NAL units and rejects truncated, zero-length and overrunning ones', () => {
    expect(() => checkLengthPrefixed(Buffer.from('00000002658800000001 41'.replace(/ /g, ''), 'hex'), 4)).not.toThrow();
    for (const hex of ['000000', '00000000', '0000000565', '0002658800']) {
      expect(() => checkLengthPrefixed(Buffer.from(hex, 'hex'), 4)).toThrow(Mp4Error);
    }
  });
});

describe('AV1 samples (AV1-ISOBMFF 2.4)', () => {
  const td = Buffer.from('1200', 'hex'); // temporal delimiter with obu_size 0
  const seq = Buffer.from('0a0b00000000042c47ffdf8000', 'hex'); // sequence header, 11 bytes
  const frame = Buffer.from('3206112233445566', 'hex'); // frame OBU, 6 bytes
  const padding = Buffer.from('7a020000', 'hex');

  it('drops temporal delimiters and padding, keeping the other OBUs in order', () => {
    expect(av1Sample(Buffer.concat([td, seq, frame, padding]))).toEqual(Buffer.concat([seq, frame]));
  });

  it('returns the very same bytes when there is nothing to drop', () => {
    const data = Buffer.concat([seq, frame]);
    expect(av1Sample(data)).toBe(data);
  });

  it('rejects a set forbidden bit, an OBU overrunning the sample and a sample of delimiters only', () => {
    expect(() => av1Sample(Buffer.from('b200', 'hex'))).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }));
    expect(() => av1Sample(Buffer.from('3210aa', 'hex'))).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }));
    expect(() => av1Sample(td)).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }));
  });

  it('checks the av1C marker and version byte', () => {
    expect(parseAv1C(Buffer.from('81000c00', 'hex'))).toEqual({ profile: 0, level: 0 });
    expect(() => parseAv1C(Buffer.from('01000c00', 'hex'))).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

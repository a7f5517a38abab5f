import { describe, expect, it } from 'vitest';
import {
  type ByteReader,
  Mp4Error,
  NON_SYNC_SAMPLE_FLAGS,
  SYNC_SAMPLE_FLAGS,
  decodeBox,
  decodeDops,
  decodeEsds,
  decodeFtyp,
  decodeHdlr,
  decodeMdhd,
  decodeMfro,
  decodeMvhd,
  decodeSampleEntry,
  decodeSidx,
  decodeTfdt,
  decodeTfhd,
  decodeTfra,
  decodeTkhd,
  decodeTrex,
  decodeTrun,
  encodeDops,
  encodeEsds,
  encodeFtyp,
  encodeHdlr,
  encodeMdhd,
  encodeMfra,
  encodeMvhd,
  encodeOpusHead,
  encodeSampleEntry,
  encodeSidx,
  encodeTfdt,
  encodeTfhd,
  encodeTfra,
  encodeTkhd,
  encodeTrex,
  encodeTrun,
  parseOpusHead,
} from '..';

/**
 * One table drives encoding and decoding: each fixture's bytes were written out by hand from
 * ISO/IEC 14496-12 / 14496-14, the Opus-in-ISOBMFF spec and 14496-15, not produced by the code.
 */
interface Fixture {
  name: string;
  hex: string;
  value: unknown;
  encode(): Buffer;
  decode(bytes: Buffer): unknown;
}

function fixture<T>(name: string, type: string, hex: string, value: T, encode: (v: T) => Buffer, decode: (r: ByteReader) => T): Fixture {
  return { name, hex: hex.replace(/\s+/g, ''), value, encode: () => encode(value), decode: (bytes) => decodeBox(bytes, type, decode) };
}

const MATRIX = '00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000';
const AVCC = '0142c01e ffe1 0004 6742c01e 01 0002 68ce';
const VISUAL_320x240 = '000000000000 0001 0000 0000 000000000000000000000000 0140 00f0 00480000 00480000 00000000 0001' + '00'.repeat(32) + '0018 ffff';
const AUDIO_2CH_48K = '000000000000 0001 0000000000000000 0002 0010 0000 0000 bb800000';
const DOPS_STEREO = '00 02 0138 0000bb80 0000 00';
const stereoHead = { version: 1, channels: 2, preSkip: 312, inputSampleRate: 48000, outputGain: 0, channelMappingFamily: 0 };
const surroundHead = { version: 1, channels: 6, preSkip: 312, inputSampleRate: 48000, outputGain: -256, channelMappingFamily: 1, streamCount: 4, coupledCount: 2, channelMapping: [0, 4, 1, 2, 3, 5] };

const FIXTURES: Fixture[] = [
  fixture('ftyp iso6 with isom, mp41', 'ftyp', '0000001c 66747970 69736f36 00000000 69736f36 69736f6d 6d703431', { majorBrand: 'iso6', minorVersion: 0, compatibleBrands: ['iso6', 'isom', 'mp41'] }, encodeFtyp, decodeFtyp),
  fixture('mvhd v0, ms timescale, 10 s', 'mvhd', `0000006c 6d766864 00000000 00000000 00000000 000003e8 00002710 00010000 0100 0000 0000000000000000 ${MATRIX} ${'00'.repeat(24)} 00000003`, { timescale: 1000, duration: 10000, nextTrackId: 3 }, encodeMvhd, decodeMvhd),
  fixture('tkhd v0 video 320x240', 'tkhd', `0000005c 746b6864 00000003 00000000 00000000 00000001 00000000 00000000 0000000000000000 0000 0000 0000 0000 ${MATRIX} 01400000 00f00000`, { trackId: 1, duration: 0, width: 320, height: 240, audio: false }, encodeTkhd, decodeTkhd),
  fixture('tkhd v0 audio, 61 s', 'tkhd', `0000005c 746b6864 00000003 00000000 00000000 00000002 00000000 0000ee48 0000000000000000 0000 0001 0100 0000 ${MATRIX} 00000000 00000000`, { trackId: 2, duration: 61000, width: 0, height: 0, audio: true }, encodeTkhd, decodeTkhd),
  fixture('mdhd v0 44.1 kHz, und', 'mdhd', '00000020 6d646864 00000000 00000000 00000000 0000ac44 00000000 55c4 0000', { timescale: 44100, duration: 0, language: 'und' }, encodeMdhd, decodeMdhd),
  fixture('hdlr vide', 'hdlr', `0000002d 68646c72 00000000 00000000 76696465 ${'00'.repeat(12)} ${Buffer.from('VideoHandler').toString('hex')} 00`, { handlerType: 'vide', name: 'VideoHandler' }, encodeHdlr, decodeHdlr),
  fixture('trex defaults', 'trex', '00000020 74726578 00000000 00000001 00000001 00000000 00000000 00000000', { trackId: 1, defaultSampleDescriptionIndex: 1, defaultSampleDuration: 0, defaultSampleSize: 0, defaultSampleFlags: 0 }, encodeTrex, decodeTrex),
  fixture('avc1 + avcC, 320x240', 'avc1', `0000006f 61766331 ${VISUAL_320x240} 00000019 61766343 ${AVCC}`, { kind: 'visual', type: 'avc1', width: 320, height: 240, children: [{ type: 'avcC', payload: Buffer.from(AVCC.replace(/ /g, ''), 'hex') }] }, encodeSampleEntry, (r) => decodeSampleEntry(r, 'avc1') as never),
  fixture('Opus + dOps, stereo 48 kHz', 'Opus', `00000037 4f707573 ${AUDIO_2CH_48K} 00000013 644f7073 ${DOPS_STEREO}`, { kind: 'audio', type: 'Opus', channels: 2, sampleRate: 48000, children: [{ type: 'dOps', payload: Buffer.from(DOPS_STEREO.replace(/ /g, ''), 'hex') }] }, encodeSampleEntry, (r) => decodeSampleEntry(r, 'Opus') as never),
  fixture('esds AAC-LC 44.1 kHz stereo (ASC 1210)', 'esds', '00000027 65736473 00000000 03 19 0000 00 04 11 40 15 000000 00000000 00000000 05 02 1210 06 01 02', { esId: 0, objectTypeIndication: 0x40, streamType: 5, bufferSizeDB: 0, maxBitrate: 0, avgBitrate: 0, decoderSpecificInfo: Buffer.from('1210', 'hex') }, encodeEsds, decodeEsds),
  fixture('esds MP3 (MPEG-1 audio, no decoder specific info)', 'esds', '00000023 65736473 00000000 03 15 0000 00 04 0d 6b 15 000000 00000000 00000000 06 01 02', { esId: 0, objectTypeIndication: 0x6b, streamType: 5, bufferSizeDB: 0, maxBitrate: 0, avgBitrate: 0 }, encodeEsds, decodeEsds),
  fixture('dOps stereo, mapping family 0', 'dOps', `00000013 644f7073 ${DOPS_STEREO}`, stereoHead, encodeDops, decodeDops),
  fixture('dOps 5.1, mapping family 1, gain -1 dB', 'dOps', '0000001b 644f7073 00 06 0138 0000bb80 ff00 01 04 02 000401020305', surroundHead, encodeDops, decodeDops),
  fixture('tfhd default-base-is-moof only', 'tfhd', '00000010 74666864 00020000 00000001', { trackId: 1, durationIsEmpty: false, defaultBaseIsMoof: true }, encodeTfhd, decodeTfhd),
  fixture('tfhd with default duration and flags', 'tfhd', '00000018 74666864 00020028 00000002 00000400 02000000', { trackId: 2, defaultSampleDuration: 1024, defaultSampleFlags: SYNC_SAMPLE_FLAGS, durationIsEmpty: false, defaultBaseIsMoof: true }, encodeTfhd, decodeTfhd),
  fixture('tfhd with base data offset, description index, default size', 'tfhd', '00000020 74666864 00000013 00000001 0000000000001000 00000001 000000c8', { trackId: 1, baseDataOffset: 4096, sampleDescriptionIndex: 1, defaultSampleSize: 200, durationIsEmpty: false, defaultBaseIsMoof: false }, encodeTfhd, decodeTfhd),
  fixture('tfdt v1 (64-bit)', 'tfdt', '00000014 74666474 01000000 00000000 00015f90', 90000, encodeTfdt, decodeTfdt),
  fixture('trun data offset + sizes', 'trun', '0000001c 7472756e 00000201 00000002 00000070 00000064 000000c8', { version: 0, flags: 0x201, dataOffset: 0x70, samples: [{ size: 100 }, { size: 200 }] }, encodeTrun, (r) => decodeTrun(r, 10)),
  fixture('trun first-sample-flags + size', 'trun', '0000001c 7472756e 00000205 00000001 00000078 02000000 00000010', { version: 0, flags: 0x205, dataOffset: 0x78, firstSampleFlags: SYNC_SAMPLE_FLAGS, samples: [{ size: 16 }] }, encodeTrun, (r) => decodeTrun(r, 10)),
  fixture(
    'trun v1, every per-sample field, negative composition offset',
    'trun',
    '00000034 7472756e 01000f01 00000002 00000100 00000bb8 00000010 02000000 fffff448 00000bb8 00000020 01010000 00000bb8',
    { version: 1, flags: 0xf01, dataOffset: 0x100, samples: [{ duration: 3000, size: 16, flags: SYNC_SAMPLE_FLAGS, compositionOffset: -3000 }, { duration: 3000, size: 32, flags: NON_SYNC_SAMPLE_FLAGS, compositionOffset: 3000 }] },
    encodeTrun,
    (r) => decodeTrun(r, 10),
  ),
  fixture('trun v0 durations + sizes + composition offsets', 'trun', '0000002c 7472756e 00000b01 00000002 00000080 00000bb8 00000010 00001770 00000bb9 00000020 00000000', { version: 0, flags: 0xb01, dataOffset: 0x80, samples: [{ duration: 3000, size: 16, compositionOffset: 6000 }, { duration: 3001, size: 32, compositionOffset: 0 }] }, encodeTrun, (r) => decodeTrun(r, 10)),
  fixture(
    'sidx v1, two references, the second not starting with a SAP',
    'sidx',
    '00000040 73696478 01000000 00000001 00015f90 000000000000178e 0000000000000064 0000 0002 00001000 00015f90 90000000 00001388 00015f36 00000000',
    { referenceId: 1, timescale: 90000, earliestPresentationTime: 6030, firstOffset: 100, references: [{ size: 4096, duration: 90000, startsWithSap: true }, { size: 5000, duration: 89910, startsWithSap: false }] },
    encodeSidx,
    decodeSidx,
  ),
  fixture('tfra v1, sample numbers in 4 bytes', 'tfra', '0000002e 74667261 01000000 00000001 00000003 00000001 0000000000000bb8 0000000000000400 01 01 00000001', { trackId: 1, entries: [{ time: 3000, moofOffset: 1024, trafNumber: 1, trunNumber: 1, sampleNumber: 1 }] }, encodeTfra, decodeTfra),
];

describe('box fixtures: one table for encode and decode', () => {
  it.each(FIXTURES)('$name encodes to the fixture bytes', (f) => {
    expect(f.encode().toString('hex')).toBe(f.hex);
  });

  it.each(FIXTURES)('$name decodes from the fixture bytes', (f) => {
    expect(f.decode(Buffer.from(f.hex, 'hex'))).toEqual(f.value);
  });

  it.each(FIXTURES)('$name cut at every byte fails with an Mp4Error, never anything else', (f) => {
    const bytes = Buffer.from(f.hex, 'hex');
    for (let n = 0; n < bytes.length; n++) {
      expect(() => f.decode(bytes.subarray(0, n))).toThrow(Mp4Error);
    }
  });

  it.each(FIXTURES)('$name with its size field shortened by one fails with an Mp4Error', (f) => {
    const bytes = Buffer.from(f.hex, 'hex');
    bytes.writeUInt32BE(bytes.length - 1, 0);
    expect(() => f.decode(bytes)).toThrow(Mp4Error);
  });
});

describe('Opus: OpusHead (little-endian, magic) to dOps (big-endian, Version 0)', () => {
  it('turns the OpusHead of RFC 7845 5.1 into the dOps fixture and back', () => {
    const head = Buffer.from('4f707573486561640102380180bb0000000000', 'hex');
    const parsed = parseOpusHead(head);
    expect(parsed).toEqual(stereoHead);
    expect(encodeDops(parsed).subarray(8).toString('hex')).toBe(DOPS_STEREO.replace(/ /g, ''));
    expect(encodeOpusHead(parsed)).toEqual(head);
  });

  it('keeps a family-1 channel mapping table', () => {
    const head = encodeOpusHead(surroundHead);
    expect(head.length).toBe(19 + 2 + 6);
    expect(parseOpusHead(head)).toEqual(surroundHead);
  });
});

describe('mfra', () => {
  it('ends with an mfro whose size is the whole mfra, so a reader finds it from the file end', () => {
    const mfra = encodeMfra([{ trackId: 1, entries: [{ time: 0, moofOffset: 800, trafNumber: 1, trunNumber: 1, sampleNumber: 1 }] }]);
    expect(mfra.toString('latin1', 4, 8)).toBe('mfra');
    expect(mfra.readUInt32BE(0)).toBe(mfra.length);
    const mfro = mfra.subarray(mfra.length - 16);
    expect(decodeBox(mfro, 'mfro', decodeMfro)).toBe(mfra.length);
  });
});

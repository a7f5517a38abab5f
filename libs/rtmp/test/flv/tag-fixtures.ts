import type { AudioTagInfo, VideoTagInfo } from '../../src/flv';
import { ascii, hex } from './helpers';

/**
 * Media tag fixtures. Real bytes were recorded once with ffmpeg 5.1 (libx264,
 * aac, libx265, flac, libopus, ac3, eac3, libmp3lame) and extracted with the
 * FLV reader; Enhanced RTMP packets are built by hand per the veovera
 * enhanced-rtmp v1/v2 spec, around real codec payloads where one exists.
 * Tags cut to their first bytes are marked "(head)": header parsing needs no more.
 */
export interface TagFixture<T> {
  name: string;
  bytes: Buffer;
  value: Partial<Omit<T, 'payload' | 'tracks'>> & { tracks?: Partial<Omit<T extends VideoTagInfo ? VideoTagInfo['tracks'][number] : AudioTagInfo['tracks'][number], 'payload'>>[] };
}

function cat(...parts: (Buffer | string)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? hex(p) : p)));
}

/** ffmpeg -f lavfi -i testsrc2=size=320x180 -c:v libx264 -profile:v high: AVC sequence header tag body. */
export const AVC_SEQUENCE_HEADER_320x180 = hex(
  '17000000000164000dffe1001a6764000dacd941419f9f0110000003001000000303c0f142996001000668ebe3cb22c0fdf8f800',
);
/** ffmpeg testsrc2=size=640x360 libx264 (the interop command): AVC sequence header tag body. */
export const AVC_SEQUENCE_HEADER_640x360 = hex(
  '17000000000164001effe1001a6764001eacd940a02ff970110000030001000003003c0f162d9601000668ebe3cb22c0fdf8f800',
);
/** x265 1280x718 hvcC, VPS/SPS/PPS arrays only (the SEI array dropped). */
export const HVCC_1280x718 = hex(
  '0101600000009000000000005df000fcfdf8f800000f03200001001840010c01ffff01600000030090000003000003005d959809210001002c42010101600000030090000003000003005da00280802d1f596566924caf016808000003000800000300f04022000100074401c172b46240',
);
/** ffmpeg -c:a flac, 48 kHz stereo: 'fLaC' + STREAMINFO block. */
export const FLAC_HEADER_48K_STEREO = hex('664c614300000022120012000000780005110bb802f0000012c0ba43705036a3bb057849a9f54f6928a3');
/** ffmpeg -c:a libopus, 48 kHz stereo: OpusHead. */
export const OPUS_HEAD_STEREO = hex('4f707573486561640102380180bb0000000000');

export const VIDEO_TAG_FIXTURES: TagFixture<VideoTagInfo>[] = [
  {
    name: 'legacy AVC sequence header (ffmpeg, High 320x180)',
    bytes: AVC_SEQUENCE_HEADER_320x180,
    value: { enhanced: false, frameType: 'keyframe', codec: 'h264', codecId: 7, packetType: 'sequence-start', isKeyframe: true, isSequenceHeader: true, isSequenceEnd: false, compositionTimeMs: 0, payloadOffset: 5, payloadLength: 47 },
  },
  {
    name: 'legacy AVC keyframe NALU with 67 ms composition time (ffmpeg, head)',
    bytes: hex('1701000043000002aa0605ffffa6dc45e9bde6d948b7962c'),
    value: { frameType: 'keyframe', codec: 'h264', packetType: 'coded-frames', isKeyframe: true, isSequenceHeader: false, compositionTimeMs: 67, payloadOffset: 5, payloadLength: 19 },
  },
  {
    name: 'legacy AVC inter frame with 100 ms composition time (ffmpeg, head)',
    bytes: hex('2701000064000003f9419a226c42dfd0aa37e237afd97316'),
    value: { frameType: 'inter', codec: 'h264', isKeyframe: false, compositionTimeMs: 100, payloadOffset: 5 },
  },
  {
    name: 'legacy AVC B-frame with 33 ms composition time (ffmpeg, head)',
    bytes: hex('2701000021000002be019e41790b7ff1108a7275718aeb2b'),
    value: { frameType: 'inter', compositionTimeMs: 33 },
  },
  {
    name: 'legacy AVC end of sequence (ffmpeg)',
    bytes: hex('1702000000'),
    value: { codec: 'h264', packetType: 'sequence-end', isSequenceEnd: true, isSequenceHeader: false, payloadOffset: 5, payloadLength: 0 },
  },
  {
    name: 'legacy AVC negative composition time is sign-extended',
    bytes: hex('2701ffffdf00000002'),
    value: { compositionTimeMs: -33 },
  },
  {
    name: 'legacy AVC generated keyframe counts as a keyframe',
    bytes: hex('470100000000000001'),
    value: { frameType: 'generated-keyframe', isKeyframe: true },
  },
  {
    name: 'legacy AVC sequence header ignores a nonzero composition time',
    bytes: hex('170000001e01'),
    value: { compositionTimeMs: 0, isSequenceHeader: true },
  },
  {
    name: 'legacy HEVC codec id 12 (SRS/Tencent extension) sequence header',
    bytes: cat('1c00000000', HVCC_1280x718),
    value: { codec: 'hevc', codecId: 12, isSequenceHeader: true, payloadOffset: 5 },
  },
  {
    name: 'legacy Sorenson H.263 inter frame',
    bytes: hex('22000084'),
    value: { codec: 'h263', codecId: 2, frameType: 'inter', packetType: 'coded-frames', payloadOffset: 1, payloadLength: 3 },
  },
  {
    name: 'legacy On2 VP6 keyframe keeps the adjustment byte in the payload',
    bytes: hex('1400460000'),
    value: { codec: 'vp6', codecId: 4, isKeyframe: true, payloadOffset: 1, payloadLength: 4 },
  },
  {
    name: 'legacy On2 VP6 with alpha channel, disposable frame',
    bytes: hex('35aa'),
    value: { codec: 'vp6a', frameType: 'disposable-inter', payloadOffset: 1 },
  },
  { name: 'legacy screen video', bytes: hex('13bb'), value: { codec: 'screen', codecId: 3 } },
  { name: 'legacy screen video v2', bytes: hex('16cc'), value: { codec: 'screen2', codecId: 6 } },
  { name: 'legacy unknown codec id', bytes: hex('1fdd'), value: { codec: 'unknown', codecId: 15 } },
  {
    name: 'legacy video info/command frame: end of client-side seek',
    bytes: hex('5701'),
    value: { frameType: 'command', packetType: 'command', command: 'end-seek', isKeyframe: false, payloadOffset: 2, payloadLength: 0, tracks: [] },
  },
  {
    name: 'enhanced hvc1 SequenceStart keyframe',
    bytes: cat('90', ascii('hvc1'), HVCC_1280x718),
    value: { enhanced: true, frameType: 'keyframe', codec: 'hevc', fourCc: 'hvc1', packetType: 'sequence-start', isSequenceHeader: true, isKeyframe: true, payloadOffset: 5, payloadLength: HVCC_1280x718.length },
  },
  {
    name: 'enhanced hvc1 CodedFrames inter frame carries a composition time',
    bytes: cat('a1', ascii('hvc1'), 'ffffdf', '00000003020100'),
    value: { frameType: 'inter', codec: 'hevc', packetType: 'coded-frames', isKeyframe: false, compositionTimeMs: -33, payloadOffset: 8, payloadLength: 7 },
  },
  {
    name: 'enhanced hvc1 CodedFramesX keyframe has no composition time',
    bytes: cat('93', ascii('hvc1'), '000000022601'),
    value: { codec: 'hevc', packetType: 'coded-frames', isKeyframe: true, compositionTimeMs: 0, payloadOffset: 5, payloadLength: 6 },
  },
  {
    name: 'enhanced hvc1 SequenceEnd',
    bytes: cat('92', ascii('hvc1')),
    value: { codec: 'hevc', packetType: 'sequence-end', isSequenceEnd: true, payloadOffset: 5, payloadLength: 0 },
  },
  {
    name: 'enhanced avc1 CodedFrames carries a composition time',
    bytes: cat('91', ascii('avc1'), '000043', '0000000165'),
    value: { codec: 'h264', fourCc: 'avc1', compositionTimeMs: 67, payloadOffset: 8, payloadLength: 5 },
  },
  {
    name: 'enhanced av01 SequenceStart with av1C record',
    bytes: cat('90', ascii('av01'), '810c00000a0b0000002cffff'),
    value: { codec: 'av1', fourCc: 'av01', isSequenceHeader: true, payloadOffset: 5, payloadLength: 12 },
  },
  {
    name: 'enhanced av01 CodedFrames has no composition time field',
    bytes: cat('a1', ascii('av01'), '12000a0b00'),
    value: { codec: 'av1', frameType: 'inter', compositionTimeMs: 0, payloadOffset: 5, payloadLength: 5 },
  },
  {
    name: 'enhanced av01 MPEG2TSSequenceStart counts as a sequence header',
    bytes: cat('95', ascii('av01'), '80', '04', '810c0000'),
    value: { codec: 'av1', packetType: 'mpeg2ts-sequence-start', isSequenceHeader: true, payloadOffset: 5 },
  },
  {
    name: 'enhanced vp09 SequenceStart with vpcC record',
    bytes: cat('90', ascii('vp09'), '01000000', '001f80020202', '0000'),
    value: { codec: 'vp9', fourCc: 'vp09', isSequenceHeader: true, payloadOffset: 5 },
  },
  {
    name: 'enhanced vp09 CodedFrames inter frame',
    bytes: cat('a1', ascii('vp09'), '8649834200'),
    value: { codec: 'vp9', frameType: 'inter', compositionTimeMs: 0, payloadOffset: 5, payloadLength: 5 },
  },
  {
    name: 'enhanced vvc1 CodedFrames carries a composition time',
    bytes: cat('91', ascii('vvc1'), '000010', 'aa'),
    value: { codec: 'vvc', compositionTimeMs: 16, payloadOffset: 8 },
  },
  {
    name: 'enhanced vp08 CodedFrames has no composition time field',
    bytes: cat('91', ascii('vp08'), '9d012a'),
    value: { codec: 'vp8', compositionTimeMs: 0, payloadOffset: 5, payloadLength: 3 },
  },
  {
    name: 'enhanced unknown FourCC parses with codec unknown',
    bytes: cat('91', ascii('xyz1'), 'aa'),
    value: { codec: 'unknown', fourCc: 'xyz1', payloadOffset: 5 },
  },
  {
    name: 'enhanced Metadata packet ignores the keyframe flag',
    bytes: cat('94', ascii('hvc1'), '020009', ascii('colorInfo'), '0300000009'),
    value: { packetType: 'metadata', isKeyframe: false, isSequenceHeader: false, payloadOffset: 5 },
  },
  {
    name: 'enhanced command frame carries no FourCC',
    bytes: hex('d100'),
    value: { enhanced: true, frameType: 'command', packetType: 'command', command: 'start-seek', codec: 'unknown', payloadOffset: 2, payloadLength: 0, tracks: [] },
  },
  {
    name: 'enhanced ModEx TimestampOffsetNano before CodedFrames',
    bytes: cat('97', '02', '0f423f', '01', ascii('avc1'), '000021', '00000001'),
    value: { timestampNanoOffset: 999999, codec: 'h264', packetType: 'coded-frames', compositionTimeMs: 33, payloadOffset: 13, payloadLength: 4 },
  },
  {
    name: 'enhanced ModEx with a 16-bit extended size',
    bytes: cat('97', 'ff', '00ff', '00'.repeat(256), 'f3', ascii('hvc1'), 'ab'),
    value: { codec: 'hevc', packetType: 'coded-frames', payloadOffset: 1 + 1 + 2 + 256 + 1 + 4, payloadLength: 1 },
  },
  {
    name: 'enhanced Multitrack OneTrack avc1 with track id',
    bytes: cat('96', '01', ascii('avc1'), '02', '000021', 'aabb'),
    value: { multitrack: 'one-track', codec: 'h264', compositionTimeMs: 33, payloadOffset: 10, payloadLength: 2, tracks: [{ trackId: 2, codec: 'h264', compositionTimeMs: 33, payloadOffset: 10, payloadLength: 2 }] },
  },
  {
    name: 'enhanced Multitrack ManyTracks hvc1 CodedFramesX',
    bytes: cat('96', '13', ascii('hvc1'), '00', '000003', 'aabbcc', '01', '000002', 'ddee'),
    value: {
      multitrack: 'many-tracks',
      codec: 'hevc',
      payloadOffset: 10,
      tracks: [
        { trackId: 0, codec: 'hevc', payloadOffset: 10, payloadLength: 3 },
        { trackId: 1, codec: 'hevc', payloadOffset: 17, payloadLength: 2 },
      ],
    },
  },
  {
    name: 'enhanced Multitrack ManyTracksManyCodecs SequenceStart',
    bytes: cat('96', '20', ascii('hvc1'), '00', '000002', 'aabb', ascii('av01'), '01', '000001', 'cc'),
    value: {
      multitrack: 'many-tracks-many-codecs',
      codec: 'hevc',
      fourCc: 'hvc1',
      isSequenceHeader: true,
      tracks: [
        { trackId: 0, codec: 'hevc', fourCc: 'hvc1', payloadOffset: 10, payloadLength: 2 },
        { trackId: 1, codec: 'av1', fourCc: 'av01', payloadOffset: 20, payloadLength: 1 },
      ],
    },
  },
  {
    name: 'enhanced Multitrack CodedFrames reads each track composition time inside its size',
    bytes: cat('a6', '11', ascii('avc1'), '00', '000004', '000010', 'aa', '01', '000004', 'ffffff', 'bb'),
    value: { tracks: [{ trackId: 0, compositionTimeMs: 16, payloadLength: 1 }, { trackId: 1, compositionTimeMs: -1, payloadLength: 1 }] },
  },
];

export const AUDIO_TAG_FIXTURES: TagFixture<AudioTagInfo>[] = [
  {
    name: 'legacy AAC sequence header (ffmpeg; header flags say 44 kHz whatever the config says)',
    bytes: hex('af00119056e500'),
    value: { enhanced: false, soundFormat: 10, codec: 'aac', packetType: 'sequence-start', isSequenceHeader: true, soundRate: 44100, soundSize: 16, soundChannels: 2, payloadOffset: 2, payloadLength: 5 },
  },
  {
    name: 'legacy AAC raw frame (ffmpeg)',
    bytes: hex('af012140da4608c1c0'),
    value: { codec: 'aac', packetType: 'coded-frames', isSequenceHeader: false, payloadOffset: 2, payloadLength: 7 },
  },
  {
    name: 'legacy MP3 44 kHz stereo (ffmpeg libmp3lame frame head)',
    bytes: hex('2ffffb50c400000a2c432e559480018115'),
    value: { soundFormat: 2, codec: 'mp3', packetType: 'coded-frames', soundRate: 44100, soundSize: 16, soundChannels: 2, payloadOffset: 1, payloadLength: 16 },
  },
  { name: 'legacy MP3 8 kHz implies its rate', bytes: hex('e2fff3'), value: { soundFormat: 14, codec: 'mp3', soundRate: 8000, soundChannels: 1 } },
  { name: 'legacy Nellymoser 8 kHz mono implies its rate', bytes: hex('5200'), value: { codec: 'nellymoser', soundRate: 8000 } },
  { name: 'legacy Nellymoser 16 kHz mono implies its rate', bytes: hex('4600'), value: { codec: 'nellymoser', soundRate: 16000 } },
  { name: 'legacy little-endian PCM 16-bit stereo', bytes: hex('3f0000'), value: { codec: 'pcm-le', soundRate: 44100, soundSize: 16, soundChannels: 2 } },
  { name: 'legacy G.711 A-law 5.5 kHz 8-bit mono', bytes: hex('70d5'), value: { codec: 'g711a', soundRate: 5512, soundSize: 8, soundChannels: 1 } },
  { name: 'legacy G.711 mu-law 11 kHz', bytes: hex('84ff'), value: { codec: 'g711u', soundRate: 11025 } },
  { name: 'legacy Speex 22 kHz', bytes: hex('b800'), value: { codec: 'speex', soundRate: 22050 } },
  { name: 'legacy reserved sound format 12 parses as unknown', bytes: hex('c000'), value: { codec: 'unknown', soundFormat: 12 } },
  {
    name: 'ExAudio Opus SequenceStart with OpusHead (ffmpeg libopus)',
    bytes: cat('90', ascii('Opus'), OPUS_HEAD_STEREO),
    value: { enhanced: true, soundFormat: 9, codec: 'opus', fourCc: 'Opus', packetType: 'sequence-start', isSequenceHeader: true, payloadOffset: 5, payloadLength: 19 },
  },
  {
    name: 'ExAudio Opus CodedFrames',
    bytes: cat('91', ascii('Opus'), 'fcff fe'),
    value: { codec: 'opus', packetType: 'coded-frames', isSequenceHeader: false, payloadOffset: 5, payloadLength: 3 },
  },
  {
    name: 'ExAudio Opus SequenceEnd',
    bytes: cat('92', ascii('Opus')),
    value: { codec: 'opus', packetType: 'sequence-end', isSequenceEnd: true, payloadLength: 0 },
  },
  {
    name: 'ExAudio fLaC SequenceStart with STREAMINFO (ffmpeg flac)',
    bytes: cat('90', ascii('fLaC'), FLAC_HEADER_48K_STEREO),
    value: { codec: 'flac', fourCc: 'fLaC', isSequenceHeader: true, payloadOffset: 5, payloadLength: 42 },
  },
  {
    name: 'ExAudio ac-3 CodedFrames (ffmpeg ac3 frame head)',
    bytes: cat('91', ascii('ac-3'), '0b77480d0c402f842bc1c77aaf5e1be7'),
    value: { codec: 'ac3', fourCc: 'ac-3', packetType: 'coded-frames', payloadOffset: 5, payloadLength: 16 },
  },
  {
    name: 'ExAudio ec-3 CodedFrames (ffmpeg eac3 frame head)',
    bytes: cat('91', ascii('ec-3'), '0b7700bf3287c00021064060e3bd57af'),
    value: { codec: 'eac3', fourCc: 'ec-3', payloadOffset: 5, payloadLength: 16 },
  },
  {
    name: 'ExAudio mp4a SequenceStart with AudioSpecificConfig',
    bytes: cat('90', ascii('mp4a'), '1190'),
    value: { codec: 'aac', fourCc: 'mp4a', isSequenceHeader: true, payloadOffset: 5, payloadLength: 2 },
  },
  {
    name: 'ExAudio .mp3 CodedFrames',
    bytes: cat('91', ascii('.mp3'), 'fffb50c4'),
    value: { codec: 'mp3', fourCc: '.mp3', payloadOffset: 5, payloadLength: 4 },
  },
  {
    name: 'ExAudio MultichannelConfig with native channel flags',
    bytes: cat('94', ascii('Opus'), '01', '06', '0000003f'),
    value: { codec: 'opus', packetType: 'multichannel-config', multichannelConfig: { order: 'native', channelCount: 6, channelFlags: 0x3f }, payloadOffset: 5, payloadLength: 6 },
  },
  {
    name: 'ExAudio MultichannelConfig with custom channel mapping',
    bytes: cat('94', ascii('Opus'), '02', '02', '0001'),
    value: { multichannelConfig: { order: 'custom', channelCount: 2, channelMapping: [0, 1] } },
  },
  {
    name: 'ExAudio MultichannelConfig unspecified order',
    bytes: cat('94', ascii('ac-3'), '00', '02'),
    value: { multichannelConfig: { order: 'unspecified', channelCount: 2 } },
  },
  {
    name: 'ExAudio Multitrack ManyTracksManyCodecs CodedFrames',
    bytes: cat('95', '21', ascii('Opus'), '00', '000003', 'aabbcc', ascii('mp4a'), '01', '000002', 'ddee'),
    value: {
      multitrack: 'many-tracks-many-codecs',
      codec: 'opus',
      tracks: [
        { trackId: 0, codec: 'opus', fourCc: 'Opus', payloadOffset: 10, payloadLength: 3 },
        { trackId: 1, codec: 'aac', fourCc: 'mp4a', payloadOffset: 21, payloadLength: 2 },
      ],
    },
  },
  {
    name: 'ExAudio Multitrack OneTrack',
    bytes: cat('95', '01', ascii('Opus'), '03', 'fc'),
    value: { multitrack: 'one-track', codec: 'opus', payloadOffset: 7, tracks: [{ trackId: 3, payloadOffset: 7, payloadLength: 1 }] },
  },
  {
    name: 'ExAudio ModEx TimestampOffsetNano before CodedFrames',
    bytes: cat('97', '02', '0001f4', '01', ascii('Opus'), 'fc'),
    value: { timestampNanoOffset: 500, codec: 'opus', packetType: 'coded-frames', payloadOffset: 10, payloadLength: 1 },
  },
];

import { mkdirSync, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlvTag } from '@fanout/rtmp';
import { run } from './probe';

/**
 * Real HEVC, AV1 and Opus streams as an Enhanced RTMP publisher sends them. ffmpeg 5.1 cannot
 * write these codecs to FLV, so ffmpeg encodes to MP4 and ffprobe takes it apart (codec
 * configuration from the stream's extradata, access units from `-show_packets -show_data`);
 * the tags are then built per the Enhanced RTMP spec (SequenceStart, CodedFrames with a
 * composition time for hvc1, none for av01), as libs/rtmp's tag fixtures build them.
 */
export interface EnhancedStream {
  /** Sequence headers first, then the frames interleaved by decode time (ms, from 0). */
  tags: FlvTag[];
  video: { codec: string; frames: number; keyframes: number };
  audio: { codec: string; frames: number };
  /** Earliest presentation time per track (s), on the tags' timeline. */
  firstPts: { video: number; audio: number };
}

export function tag(kind: 'video' | 'audio', timestamp: number, data: Buffer): FlvTag {
  return { kind, type: kind === 'video' ? 9 : 8, filtered: false, timestamp, streamId: 0, data, offset: 0 };
}

/** A lavfi test source encoded once (cached in a shared temp dir) into an MP4 with the given codec arguments. */
export function encodeOnce(name: string, seconds: number, size: string, codecArgs: string[]): string {
  const dir = join(tmpdir(), 'fanout-restream-fixtures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${seconds}s-${size}-v1.mp4`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.part.mp4`;
  const result = run('ffmpeg', [
    '-nostdin', '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), ...codecArgs, partial,
  ]);
  if (result.status !== 0) throw new Error(`ffmpeg encode of ${name} failed: ${result.stderr}`);
  renameSync(partial, file);
  return file;
}

/** Bytes of an ffprobe hex dump ("00000000: 0164 000d ...  .d.."). */
function fromHexDump(dump: string | undefined): Buffer {
  const hex = (dump ?? '')
    .split('\n')
    .filter((line) => /^[0-9a-f]{8}: /.test(line))
    .map((line) => line.slice(10, 49).replace(/ /g, ''))
    .join('');
  return Buffer.from(hex, 'hex');
}

const VIDEO_FOURCC: Record<string, string> = { hevc: 'hvc1', av1: 'av01' };
const AUDIO_FOURCC: Record<string, string> = { opus: 'Opus', aac: 'mp4a' };

/** The MP4's streams as Enhanced RTMP tags (hvc1 / av01 video, Opus / mp4a audio). */
export function enhancedTags(file: string): EnhancedStream {
  const probe = (args: string[]) => {
    const result = run('ffprobe', ['-v', 'error', '-of', 'json', '-show_data', ...args, file]);
    if (result.status !== 0) throw new Error(`ffprobe ${file} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as {
      streams?: { index: number; codec_type: string; codec_name: string; time_base: string; extradata?: string }[];
      packets?: { stream_index: number; pts: number; dts: number; flags: string; data: string }[];
    };
  };
  const streams = probe(['-show_entries', 'stream=index,codec_type,codec_name,time_base,extradata']).streams ?? [];
  const packets = probe(['-show_entries', 'packet=stream_index,pts,dts,flags,data']).packets ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const vFourCc = VIDEO_FOURCC[video?.codec_name ?? ''];
  const aFourCc = AUDIO_FOURCC[audio?.codec_name ?? ''];
  if (video === undefined || audio === undefined || vFourCc === undefined || aFourCc === undefined) throw new Error(`${file}: no video + audio pair this helper maps`);
  const ms = (index: number, t: number) => {
    const [num, den] = (streams.find((s) => s.index === index)?.time_base ?? '1/1000').split('/').map(Number) as [number, number];
    return (t * num * 1000) / den;
  };
  const raw = packets.map((p) => ({ video: p.stream_index === video.index, dts: ms(p.stream_index, p.dts), pts: ms(p.stream_index, p.pts), key: p.flags.includes('K'), data: fromHexDump(p.data) }));
  // An RTMP timeline starts at 0: MP4 edit lists and priming start some tracks before it.
  const shift = -Math.min(...raw.map((p) => p.dts));
  raw.sort((a, b) => a.dts - b.dts || Number(b.video) - Number(a.video));
  const four = (s: string) => Buffer.from(s, 'latin1');
  const tags: FlvTag[] = [
    tag('video', 0, Buffer.concat([Buffer.from([0x90]), four(vFourCc), fromHexDump(video.extradata)])),
    tag('audio', 0, Buffer.concat([Buffer.from([0x90]), four(aFourCc), fromHexDump(audio.extradata)])),
  ];
  let vPts = Number.POSITIVE_INFINITY;
  let aPts = Number.POSITIVE_INFINITY;
  for (const p of raw) {
    const ts = Math.round(p.dts + shift);
    if (p.video) {
      const cts = Math.round(p.pts + shift) - ts;
      vPts = Math.min(vPts, ts + cts);
      const b0 = 0x80 | ((p.key ? 1 : 2) << 4) | 1; // CodedFrames
      const ctsBytes = vFourCc === 'hvc1' ? Buffer.from([(cts >> 16) & 0xff, (cts >> 8) & 0xff, cts & 0xff]) : Buffer.alloc(0);
      tags.push(tag('video', ts, Buffer.concat([Buffer.from([b0]), four(vFourCc), ctsBytes, p.data])));
    } else {
      aPts = Math.min(aPts, ts);
      tags.push(tag('audio', ts, Buffer.concat([Buffer.from([0x91]), four(aFourCc), p.data])));
    }
  }
  const v = raw.filter((p) => p.video);
  return {
    tags,
    video: { codec: video.codec_name, frames: v.length, keyframes: v.filter((p) => p.key).length },
    audio: { codec: audio.codec_name, frames: raw.length - v.length },
    firstPts: { video: vPts / 1000, audio: aPts / 1000 },
  };
}

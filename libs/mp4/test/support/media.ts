import type { Mp4Sample, TrackConfig } from '../../src';
import { run } from './tools';

/**
 * Real encoded streams for the interop tests, taken apart by ffprobe itself: codec
 * configuration records from `-show_streams -show_data` (extradata) and access units from
 * `-show_packets -show_data`. ffmpeg's demuxers hand out exactly what an RTMP publisher sends
 * (avcC / hvcC / av1C / AudioSpecificConfig / OpusHead, length-prefixed NAL units, raw audio
 * frames), so no parser of ours sits between the encoder and the muxer under test.
 */
export interface Demuxed {
  tracks: TrackConfig[];
  /** Per track, in decode order, on a millisecond timeline starting at or after 0. */
  samples: Mp4Sample[][];
}

interface Stream {
  index: number;
  codec_type: string;
  codec_name: string;
  time_base: string;
  extradata?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
}

interface Packet {
  stream_index: number;
  pts: number;
  dts: number;
  flags: string;
  data: string;
}

/** Bytes of an ffprobe hex dump ("00000000: 0164 000d ...  .d..").  */
export function fromHexDump(dump: string | undefined): Buffer {
  if (!dump) return Buffer.alloc(0);
  const hex = dump
    .split('\n')
    .filter((line) => /^[0-9a-f]{8}: /.test(line))
    .map((line) => line.slice(10, 49).replace(/ /g, ''))
    .join('');
  return Buffer.from(hex, 'hex');
}

function ffprobeJson<T>(args: string[]): T {
  const result = run('ffprobe', ['-v', 'error', '-of', 'json', ...args]);
  if (result.status !== 0) throw new Error(`ffprobe ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const CODECS: Record<string, TrackConfig['codec']> = { h264: 'avc', hevc: 'hevc', av1: 'av1', aac: 'aac', opus: 'opus', mp3: 'mp3' };

export function demux(file: string): Demuxed {
  const { streams } = ffprobeJson<{ streams: Stream[] }>(['-show_data', '-show_entries', 'stream=index,codec_type,codec_name,time_base,extradata,width,height,sample_rate,channels', file]);
  const { packets } = ffprobeJson<{ packets: Packet[] }>(['-show_data', '-show_entries', 'packet=stream_index,pts,dts,flags,data', file]);
  const tracks: TrackConfig[] = [];
  const order: number[] = [];
  for (const s of streams) {
    const codec = CODECS[s.codec_name];
    if (codec === undefined) throw new Error(`no test mapping for codec ${s.codec_name}`);
    const config = fromHexDump(s.extradata);
    if (codec === 'avc' || codec === 'hevc' || codec === 'av1') tracks.push({ codec, config, width: s.width ?? 0, height: s.height ?? 0 });
    else if (codec === 'aac') tracks.push({ codec, config, sampleRate: Number(s.sample_rate), channels: s.channels });
    else if (codec === 'opus') tracks.push({ codec, config });
    else tracks.push({ codec, sampleRate: Number(s.sample_rate), channels: s.channels ?? 0 });
    order.push(s.index);
  }
  const ms = (stream: Stream, t: number) => {
    const [num, den] = stream.time_base.split('/').map(Number) as [number, number];
    return Math.round((t * num * 1000) / den);
  };
  const raw = packets.map((p) => {
    const stream = streams.find((s) => s.index === p.stream_index) as Stream;
    return { track: order.indexOf(p.stream_index), dts: ms(stream, p.dts), pts: ms(stream, p.pts), keyframe: p.flags.includes('K'), data: fromHexDump(p.data) };
  });
  // Ogg Opus starts before 0 by its pre-skip; RTMP timelines start at 0.
  const shift = Math.max(0, -Math.min(...raw.map((p) => p.dts)));
  const samples: Mp4Sample[][] = tracks.map(() => []);
  for (const p of raw) samples[p.track]!.push({ dtsMs: p.dts + shift, ctsOffsetMs: p.pts - p.dts, data: p.data, keyframe: p.keyframe });
  return { tracks, samples };
}

/** A lavfi test source of `seconds` encoded by ffmpeg into `out` with the given codec arguments. */
export function encode(out: string, seconds: number, codecArgs: string[], { video = true, audio = true, size = '320x240', rate = 30 } = {}): void {
  const inputs = [
    ...(video ? ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`] : []),
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
  ];
  const result = run('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...inputs, '-t', String(seconds), ...codecArgs, out]);
  if (result.status !== 0) throw new Error(`ffmpeg encode to ${out} failed: ${result.stderr}`);
}

import { run } from './tools';

/** ffmpeg with no terminal input and only errors printed; throws with its stderr on failure. */
export function ffmpeg(args: string[]): void {
  const result = run('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args]);
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
}

export interface ProbedStream {
  index: number;
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  nb_read_frames?: string;
  start_time?: string;
}

export interface Probe {
  /** Everything ffprobe printed on stderr at -v warning: empty for a clean file. */
  warnings: string;
  streams: ProbedStream[];
  format: { duration?: string };
}

/** ffprobe -count_frames at -v warning, so that warnings as well as errors are caught. */
export function probe(file: string): Probe {
  const result = run('ffprobe', [
    '-v', 'warning', '-count_frames', '-of', 'json',
    '-show_entries', 'stream=index,codec_type,codec_name,width,height,sample_rate,channels,nb_read_frames,start_time:format=duration',
    file,
  ]);
  if (result.status !== 0) throw new Error(`ffprobe failed (${result.status}): ${result.stderr}`);
  const json = JSON.parse(result.stdout) as Omit<Probe, 'warnings'>;
  return { warnings: result.stderr.trim(), streams: json.streams, format: json.format };
}

/** `ffprobe -v error` with no other output than errors: what a clean file prints (nothing). */
export function probeErrors(file: string): string {
  const result = run('ffprobe', ['-v', 'error', file]);
  return `${result.stderr}`.trim() + (result.status === 0 ? '' : ` (exit ${result.status})`);
}

export interface ProbedPacket {
  stream_index: number;
  pts: number;
  dts: number;
  flags: string;
}

/** Every packet in demux order, with timestamps in each stream's time base. */
export function packets(file: string): ProbedPacket[] {
  const result = run('ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,pts,dts,flags', '-of', 'json', file]);
  if (result.status !== 0) throw new Error(`ffprobe failed (${result.status}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { packets: ProbedPacket[] }).packets;
}

/** How many moofs ffmpeg reads while opening the file, before it reads any packet. */
export function moofsReadAtOpen(file: string): number {
  const result = run('ffprobe', ['-v', 'trace', '-show_entries', 'format=duration', '-of', 'json', file]);
  if (result.status !== 0) throw new Error(`ffprobe failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const header = result.stderr.split('Before avformat_find_stream_info')[0] ?? '';
  return header.split("type:'moof' parent:'root'").length - 1;
}

/** The first packet ffprobe reads after seeking to `seconds` in `stream` (e.g. 'v:0'). */
export function firstPacketAfterSeek(file: string, seconds: number, stream: string): { pts_time: string; flags: string } | undefined {
  const result = run('ffprobe', ['-v', 'error', '-read_intervals', `${seconds}%+#1`, '-select_streams', stream, '-show_entries', 'packet=pts_time,flags', '-of', 'json', file]);
  if (result.status !== 0) throw new Error(`ffprobe failed (${result.status}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { packets: { pts_time: string; flags: string }[] }).packets[0];
}

/** Decodes the whole file, stopping at the first error: '' when it decodes cleanly. */
export function decodeErrors(file: string): string {
  const result = run('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  return result.stderr.trim() + (result.status === 0 ? '' : ` (exit ${result.status})`);
}

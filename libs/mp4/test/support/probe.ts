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

/** Decodes the whole file, stopping at the first error: '' when it decodes cleanly. */
export function decodeErrors(file: string): string {
  const result = run('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  return result.stderr.trim() + (result.status === 0 ? '' : ` (exit ${result.status})`);
}

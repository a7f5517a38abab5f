import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAmf0Sequence } from '../../src/amf';
import {
  type FlvTag,
  parseAacConfig,
  parseAudioTag,
  parseAvcDecoderConfig,
  parseHevcSps,
  parseOnMetaData,
  parseVideoTag,
  readFlv,
  writeFlv,
} from '../../src/flv';

const IN_CI = process.env.CI === 'true';

function toolAvailable(tool: string): boolean {
  const result = spawnSync(tool, ['-version'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

const haveTools = toolAvailable('ffmpeg') && toolAvailable('ffprobe');

function run(tool: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ffprobeJson(args: string[]): Record<string, unknown> {
  const result = run('ffprobe', ['-v', 'error', '-of', 'json', ...args]);
  if (result.status !== 0) throw new Error(`ffprobe failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

// A missing ffmpeg skips locally but fails in CI, where the image must have it.
describe('ffmpeg/ffprobe are installed in CI', () => {
  it.runIf(IN_CI)('finds ffmpeg and ffprobe on PATH', () => {
    expect(haveTools).toBe(true);
  });
});

describe.skipIf(!haveTools)('interop: FLV written by ffmpeg (H.264 + AAC)', () => {
  let dir: string;
  let file: Buffer;
  let tags: FlvTag[];
  let probe: { streams: { codec_type: string; nb_read_frames: string; width?: number; height?: number; sample_rate?: string }[] };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fanout-flv-'));
    const out = join(dir, 'out.flv');
    // The command from the brief, with -nostdin so ffmpeg never waits on the terminal.
    const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine'];
    const result = run('ffmpeg', [...args, '-c:v', 'libx264', '-g', '60', '-c:a', 'aac', '-t', '2', out]);
    if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
    file = readFileSync(out);
    tags = readFlv(file).tags;
    probe = ffprobeJson(['-count_frames', '-show_entries', 'stream=codec_type,nb_read_frames,width,height,sample_rate', out]) as typeof probe;
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const stream = (type: string) => probe.streams.find((s) => s.codec_type === type);

  it('finds as many video frames as ffprobe -count_frames', () => {
    const frames = tags.filter((t) => t.kind === 'video').map((t) => parseVideoTag(t.data)).filter((v) => v.packetType === 'coded-frames');
    expect(frames.length).toBe(Number(stream('video')?.nb_read_frames));
    expect(frames.length).toBe(60);
  });

  it('finds as many audio frames as ffprobe -count_frames', () => {
    const frames = tags.filter((t) => t.kind === 'audio').map((t) => parseAudioTag(t.data)).filter((a) => a.packetType === 'coded-frames');
    expect(frames.length).toBe(Number(stream('audio')?.nb_read_frames));
  });

  it('puts keyframes where ffprobe sees them (every 60 frames: 0 ms and 2000 ms)', () => {
    const packets = ffprobeJson(['-select_streams', 'v', '-show_entries', 'packet=dts,flags', join(dir, 'out.flv')]) as { packets: { dts: number; flags: string }[] };
    const expected = packets.packets.filter((p) => p.flags.includes('K')).map((p) => p.dts);
    const ours = tags
      .filter((t) => t.kind === 'video')
      .map((t) => ({ t, v: parseVideoTag(t.data) }))
      .filter(({ v }) => v.isKeyframe && v.packetType === 'coded-frames')
      .map(({ t }) => t.timestamp);
    expect(ours).toEqual(expected);
    expect(ours[0]).toBe(0);
  });

  it('reads 640x360 from the SPS and the sample rate from the AAC config, as ffprobe does', () => {
    const videoHeader = tags.filter((t) => t.kind === 'video').map((t) => parseVideoTag(t.data)).find((v) => v.isSequenceHeader);
    const audioHeader = tags.filter((t) => t.kind === 'audio').map((t) => parseAudioTag(t.data)).find((a) => a.isSequenceHeader);
    const avc = parseAvcDecoderConfig(videoHeader?.payload ?? Buffer.alloc(0));
    expect([avc.width, avc.height]).toEqual([640, 360]);
    expect([avc.width, avc.height]).toEqual([stream('video')?.width, stream('video')?.height]);
    const aac = parseAacConfig(audioHeader?.payload ?? Buffer.alloc(0));
    expect(aac.sampleRate).toBe(Number(stream('audio')?.sample_rate));
    expect([44100, 48000]).toContain(aac.sampleRate);
  });

  it('reads the onMetaData script tag', () => {
    const script = tags.find((t) => t.kind === 'script');
    const [name, value] = decodeAmf0Sequence(script?.data ?? Buffer.alloc(0));
    expect(name).toBe('onMetaData');
    expect(parseOnMetaData(value)).toMatchObject({ width: 640, height: 360, framerate: 30, videoCodec: 'h264', audioCodec: 'aac' });
  });

  it('rewrites the file byte for byte from the tags it read', () => {
    const header = readFlv(file).header;
    const rewritten = writeFlv(header, tags);
    expect(rewritten.equals(file)).toBe(true);
  });

  it('writes a video-only FLV that ffprobe decodes completely', () => {
    const path = join(dir, 'video-only.flv');
    writeFileSync(path, writeFlv({ hasAudio: false, hasVideo: true }, tags.filter((t) => t.kind === 'video')));
    const reprobe = ffprobeJson(['-count_frames', '-show_entries', 'stream=codec_type,nb_read_frames,width,height', path]) as typeof probe;
    expect(reprobe.streams).toEqual([{ codec_type: 'video', width: 640, height: 360, nb_read_frames: '60' }]);
  });

  it('reads the picture size from the SPS that x265 writes', () => {
    // ffmpeg 5.1 cannot mux HEVC into FLV ("codec not currently supported in container"), so
    // take x265's raw Annex B stream and check our SPS parser on its real parameter sets.
    const path = join(dir, 'x265.hevc');
    const result = run('ffmpeg', [
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
      '-c:v', 'libx265', '-x265-params', 'log-level=none', '-frames:v', '2', '-f', 'hevc', path,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const stream = readFileSync(path);
    const nals: Buffer[] = [];
    let start = -1;
    for (let i = 0; i + 3 <= stream.length; i++) {
      if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
        if (start >= 0) nals.push(stream.subarray(start, stream[i - 1] === 0 ? i - 1 : i));
        start = i + 3;
        i += 2;
      }
    }
    if (start >= 0) nals.push(stream.subarray(start));
    const sps = nals.find((nal) => ((nal[0]! >> 1) & 0x3f) === 33);
    expect(sps).toBeDefined();
    expect(parseHevcSps(sps!)).toMatchObject({ width: 640, height: 360 });
  });
});

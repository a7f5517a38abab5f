import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHevcDecoderConfig, parseVideoTag } from '@fanout/rtmp';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegSlateProvider, SlateError, type SlateParams, renderSlate, slateAvailable, slateSupport } from '../src';
import { annexBFromHevcTags } from '../src/slate/hevc-annexb';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

const dir = mkdtempSync(join(tmpdir(), 'fanout-slate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ProbedStream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  nb_read_frames?: string;
  sample_rate?: string;
  channels?: number;
}

function ffprobe(file: string, format?: string): ProbedStream[] {
  const args = ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,profile,width,height,r_frame_rate,nb_read_frames,sample_rate,channels', '-of', 'json'];
  if (format !== undefined) args.push('-f', format);
  const result = spawnSync('ffprobe', [...args, file], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`ffprobe ${file}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { streams: ProbedStream[] }).streams;
}

/** Frame types in decode order (I/P/B) of the video stream. */
function pictTypes(file: string): string {
  const result = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=pict_type', '-of', 'csv=p=0', file], { encoding: 'utf8', timeout: 60_000 });
  return result.stdout.replace(/[^IPB\n]/g, '').split('\n').filter(Boolean).join('');
}

const h264 = (width: number, height: number, num: number, den = 1): SlateParams => ({
  video: { codec: 'h264', width, height, fps: { num, den }, profile: 'High' },
  audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
});

describe.skipIf(skipWithout('ffmpeg', FFMPEG_AVAILABLE))('renderSlate (real ffmpeg)', () => {
  it('renders 720p30 H.264 + AAC 48 kHz stereo: exactly one 2 s GOP, keyframe first, matching every parameter', async () => {
    const clip = await renderSlate(h264(1280, 720, 30), { cacheDir: dir });
    const [video, audio] = ['video', 'audio'].map((t) => ffprobe(clip.file).find((s) => s.codec_type === t)!);
    expect(video).toMatchObject({ codec_name: 'h264', profile: 'High', width: 1280, height: 720, r_frame_rate: '30/1', nb_read_frames: '60' });
    expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
    expect(Number(audio!.nb_read_frames) * 1024).toBeGreaterThanOrEqual(2 * 48_000); // at least the loop's length of silence
    expect(pictTypes(clip.file)).toBe(`I${'P'.repeat(59)}`);
    expect(clip.video).toHaveLength(60);
    expect(clip.videoFrameMs).toBeCloseTo(33.333, 3);
    expect(clip.audioFrameMs).toBeCloseTo(21.333, 3);
  });

  it('renders 1080p60, and a 29.97 fps rate as 30000/1001', async () => {
    const p60 = await renderSlate(h264(1920, 1080, 60), { cacheDir: dir });
    expect(ffprobe(p60.file).find((s) => s.codec_type === 'video')).toMatchObject({ width: 1920, height: 1080, r_frame_rate: '60/1', nb_read_frames: '120' });
    const ntsc = await renderSlate({ ...h264(640, 360, 30000, 1001), audio: { codec: 'aac', sampleRate: 44_100, channels: 1 } }, { cacheDir: dir });
    const probed = ffprobe(ntsc.file);
    expect(probed.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360, r_frame_rate: '30000/1001', nb_read_frames: '60' });
    expect(probed.find((s) => s.codec_type === 'audio')).toMatchObject({ sample_rate: '44100', channels: 1 });
  });

  it('matches an ingest that is not 4:2:0 8-bit: High 4:4:4 10-bit as x264enc sends by default', async () => {
    const clip = await renderSlate({ ...h264(640, 360, 30), video: { ...h264(640, 360, 30).video, profile: 'High 4:4:4 Predictive', pixelFormat: 'yuv444p10le' } }, { cacheDir: dir });
    const probed = ffprobe(clip.file).find((s) => s.codec_type === 'video');
    expect(probed).toMatchObject({ codec_name: 'h264', profile: 'High 4:4:4 Predictive', width: 640, height: 360, nb_read_frames: '60' });
    const format = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=pix_fmt', '-of', 'csv=p=0', clip.file], { encoding: 'utf8' }).stdout.trim();
    expect(format).toBe('yuv444p10le');
  });

  it('renders HEVC as Enhanced RTMP hvc1 tags that decode to the ingest’s size and rate', async () => {
    const clip = await renderSlate({ video: { codec: 'hevc', width: 1280, height: 720, fps: { num: 30, den: 1 } }, audio: { codec: 'aac', sampleRate: 48_000, channels: 2 } }, { cacheDir: dir });
    const header = parseVideoTag(clip.videoHeader);
    expect(header).toMatchObject({ enhanced: true, fourCc: 'hvc1', isSequenceHeader: true });
    const record = parseHevcDecoderConfig(header.payload);
    expect(record).toMatchObject({ width: 1280, height: 720, profile: 'Main', chromaFormatIdc: 1, bitDepthLuma: 8 });
    const frames = clip.video.map((body) => {
      const tag = parseVideoTag(body);
      return { keyframe: tag.isKeyframe, payload: tag.payload };
    });
    expect(frames.map((f) => f.keyframe)).toEqual([true, ...Array(59).fill(false)]);
    // Back to Annex B: ffprobe decodes every frame (ffmpeg 5.1 cannot read HEVC in FLV itself).
    const annexB = join(dir, 'check.hevc');
    writeFileSync(annexB, annexBFromHevcTags(record, frames));
    expect(ffprobe(annexB, 'hevc')[0]).toMatchObject({ codec_name: 'hevc', profile: 'Main', width: 1280, height: 720, nb_read_frames: '60' });
    expect(ffprobe(clip.file).find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
  });

  it('scales and pads a custom PNG to fit, and rejects what is not a PNG or JPEG, or is over 5 MB', async () => {
    const png = join(dir, 'red.png');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=400x300', '-frames:v', '1', png], { timeout: 30_000 });
    const clip = await renderSlate(h264(640, 360, 25), { cacheDir: dir, image: png });
    const raw = spawnSync('ffmpeg', ['-v', 'error', '-i', clip.file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    const pixel = (x: number, y: number) => [...raw.stdout.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3)];
    const [r, g, b] = pixel(320, 180);
    expect(r).toBeGreaterThan(200);
    expect(g! + b!).toBeLessThan(80);
    expect(pixel(20, 180).every((c) => c < 30)).toBe(true); // 400x300 scaled to 480x360: 80 px bars left and right
    expect(ffprobe(clip.file).find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360, r_frame_rate: '25/1' });

    await expect(renderSlate(h264(640, 360, 25), { cacheDir: dir, image: Buffer.from('GIF89a not a png') })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    await expect(renderSlate(h264(640, 360, 25), { cacheDir: dir, image: Buffer.concat([readFileSync(png), Buffer.alloc(5 * 1024 * 1024)]) })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    await expect(renderSlate(h264(640, 360, 25), { cacheDir: dir, image: join(dir, 'missing.png') })).rejects.toBeInstanceOf(SlateError);
  });

  it('caches by parameters: the same parameters give the same file without a second render, and concurrent requests share one', async () => {
    const calls = join(dir, 'calls.log');
    const counting = join(dir, 'counting-ffmpeg.sh');
    writeFileSync(counting, `#!/bin/sh\necho "$*" >> ${calls}\nexec ffmpeg "$@"\n`);
    chmodSync(counting, 0o755);
    const cacheDir = join(dir, 'cache');
    const params = h264(320, 240, 24);
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => renderSlate(params, { cacheDir, ffmpegPath: counting })));
    expect(b!.file).toBe(a!.file);
    expect(c!.file).toBe(a!.file);
    const mtime = statSync(a!.file).mtimeMs;
    const again = await renderSlate(params, { cacheDir, ffmpegPath: counting });
    expect(again.file).toBe(a!.file);
    expect(statSync(again.file).mtimeMs).toBe(mtime);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(1);
    const other = await renderSlate({ ...params, audio: null }, { cacheDir, ffmpegPath: counting });
    expect(other.file).not.toBe(a!.file);
    expect(other.audio).toHaveLength(0);
    expect(ffprobe(other.file).map((s) => s.codec_type)).toEqual(['video']);
  });

  it('without ffmpeg: slateAvailable() is false, the provider warns once with a clear reason and resolves no slate', async () => {
    const missing = join(dir, 'no-such-ffmpeg');
    expect(await slateAvailable(missing)).toBe(false);
    expect(await slateSupport(missing)).toEqual({ available: false, reason: `ffmpeg not found at ${missing} (ENOENT)` });
    expect(await slateAvailable()).toBe(true);
    const warnings: { o: object; m?: string }[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (o: object, m?: string) => warnings.push({ o, m }) };
    const provider = new FfmpegSlateProvider({ cacheDir: dir, ffmpegPath: missing }, logger);
    expect(await provider.clipFor(h264(640, 360, 30))).toBeUndefined();
    expect(await provider.clipFor(h264(1280, 720, 30))).toBeUndefined();
    expect(provider.lastError?.code).toBe('FFMPEG_MISSING');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.m).toBe('slate unavailable');
    expect(String((warnings[0]!.o as { error: string }).error)).toMatch(/ffmpeg not found at .*no-such-ffmpeg.*nothing sent/);
    await expect(renderSlate(h264(640, 360, 30), { cacheDir: dir, ffmpegPath: missing })).rejects.toMatchObject({ code: 'FFMPEG_MISSING' });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScanResult, scanFragments } from '../src';
import { type Demuxed, demux, encode } from './support/media';
import { type Mp4BoxReport, inspectWithMp4Box } from './support/mp4box';
import { type Muxed, mux } from './support/mux';
import { type Probe, decodeErrors, firstPacketAfterSeek, moofsReadAtOpen, packets, probe, probeErrors } from './support/probe';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

/**
 * Real encoders (ffmpeg 5.1: libx264, libx265, libsvtav1, aac, libopus, libmp3lame) feed the
 * muxer; ffprobe, ffmpeg's decoder and GPAC's parser (mp4box.js) judge what it wrote.
 */
interface Case {
  name: string;
  /**
   * Source container: FLV, as RTMP carries H.264/AAC/MP3; for the codecs that ffmpeg 5.1's FLV
   * muxer cannot hold, MP4 (HEVC with B-frames needs stored dts), Matroska and Ogg.
   */
  file: string;
  seconds: number;
  args: string[];
  video: boolean;
  audio: boolean;
  expect: { video?: { codec: string; width: number; height: number; mp4box: RegExp }; audio?: { codec: string; sampleRate: number; channels: number; mp4box: RegExp } };
}

const CASES: Case[] = [
  {
    name: 'H.264 + AAC from FLV',
    file: 'avc-aac.flv',
    seconds: 4,
    args: ['-c:v', 'libx264', '-g', '30', '-bf', '2', '-c:a', 'aac', '-ar', '44100', '-ac', '2', '-f', 'flv'],
    video: true,
    audio: true,
    expect: { video: { codec: 'h264', width: 320, height: 240, mp4box: /^avc1\.64/ }, audio: { codec: 'aac', sampleRate: 44100, channels: 2, mp4box: /^mp4a\.40\.2$/ } },
  },
  {
    name: 'H.264 + MP3 from FLV',
    file: 'avc-mp3.flv',
    seconds: 3,
    args: ['-c:v', 'libx264', '-g', '30', '-c:a', 'libmp3lame', '-ar', '44100', '-ac', '1', '-f', 'flv'],
    video: true,
    audio: true,
    expect: { video: { codec: 'h264', width: 320, height: 240, mp4box: /^avc1\./ }, audio: { codec: 'mp3', sampleRate: 44100, channels: 1, mp4box: /^mp4a\.6b$/ } },
  },
  {
    name: 'HEVC + AAC from MP4',
    file: 'hevc-aac.mp4',
    seconds: 3,
    args: ['-c:v', 'libx265', '-x265-params', 'log-level=error:keyint=30:min-keyint=30', '-c:a', 'aac', '-ac', '1'],
    video: true,
    audio: true,
    expect: { video: { codec: 'hevc', width: 320, height: 240, mp4box: /^hvc1\./ }, audio: { codec: 'aac', sampleRate: 48000, channels: 1, mp4box: /^mp4a\.40\.2$/ } },
  },
  {
    name: 'AV1 + Opus from Matroska',
    file: 'av1-opus.mkv',
    seconds: 3,
    args: ['-c:v', 'libsvtav1', '-g', '30', '-svtav1-params', 'lp=1', '-c:a', 'libopus', '-ac', '2'],
    video: true,
    audio: true,
    expect: { video: { codec: 'av1', width: 320, height: 240, mp4box: /^av01\./ }, audio: { codec: 'opus', sampleRate: 48000, channels: 2, mp4box: /^Opus$/ } },
  },
  {
    name: 'Opus alone from Ogg',
    file: 'opus.ogg',
    seconds: 5,
    args: ['-c:a', 'libopus', '-ac', '1'],
    video: false,
    audio: true,
    expect: { audio: { codec: 'opus', sampleRate: 48000, channels: 1, mp4box: /^Opus$/ } },
  },
];

const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE);

describe.skipIf(skip)('interop: real encoders in, ffprobe / ffmpeg / mp4box.js judge the muxed file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fanout-mp4-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(CASES)('$name', (c) => {
    let input: Demuxed;
    let muxed: Muxed;
    let out: string;
    let probed: Probe;
    let scan: ScanResult;
    let gpac: Mp4BoxReport;
    const videoIndex = c.video ? 0 : -1;
    const audioIndex = c.video ? 1 : 0;

    beforeAll(() => {
      const source = join(dir, c.file);
      encode(source, c.seconds, c.args, { video: c.video, audio: c.audio });
      input = demux(source);
      muxed = mux(input);
      out = join(dir, `${c.file}.mp4`);
      writeFileSync(out, muxed.file);
      probed = probe(out);
      scan = scanFragments(muxed.file);
      gpac = inspectWithMp4Box(muxed.file);
    });

    it('ffprobe -v error prints nothing, and at -v warning neither', () => {
      expect(probeErrors(out)).toBe('');
      expect(probed.warnings).toBe('');
    });

    it('ffprobe reports the codecs, picture size, sample rate and channels fed in', () => {
      const v = probed.streams.find((s) => s.codec_type === 'video');
      const a = probed.streams.find((s) => s.codec_type === 'audio');
      if (c.expect.video) expect(v).toMatchObject({ codec_name: c.expect.video.codec, width: c.expect.video.width, height: c.expect.video.height });
      else expect(v).toBeUndefined();
      if (c.expect.audio) expect(a).toMatchObject({ codec_name: c.expect.audio.codec, sample_rate: String(c.expect.audio.sampleRate), channels: c.expect.audio.channels });
    });

    it('ffprobe -count_frames finds exactly the frames muxed', () => {
      const counts = probed.streams.map((s) => Number(s.nb_read_frames));
      expect(counts).toEqual(input.samples.map((list) => list.length));
      expect(Math.min(...counts)).toBeGreaterThan(0);
    });

    it('ffmpeg decodes every frame with -xerror and reports no error', () => {
      expect(decodeErrors(out)).toBe('');
    });

    it('starts with a video keyframe, and the first PTS of each stream is the one fed', () => {
      const all = packets(out);
      const timescales = input.tracks.map((t) => (t.codec === 'avc' || t.codec === 'hevc' || t.codec === 'av1' ? 90000 : (probed.streams[input.tracks.indexOf(t)]?.sample_rate ?? 0)));
      input.samples.forEach((list, track) => {
        const mine = all.filter((p) => p.stream_index === track);
        const fedPts = Math.min(...list.map((s) => s.dtsMs + (s.ctsOffsetMs ?? 0)));
        const ptsMs = (Math.min(...mine.map((p) => p.pts)) * 1000) / Number(timescales[track]);
        expect(Math.abs(ptsMs - fedPts)).toBeLessThanOrEqual(0.5);
      });
      if (videoIndex >= 0) expect(all.find((p) => p.stream_index === videoIndex)?.flags).toMatch(/^K/);
    });

    it('has the duration of the input, within one fragment, in ffprobe and in the muxer', () => {
      const duration = Number(probed.format.duration) * 1000;
      const fed = input.samples.flat();
      const span = Math.max(...fed.map((s) => s.dtsMs)) - Math.min(...fed.map((s) => s.dtsMs));
      expect(Math.abs(duration - span)).toBeLessThanOrEqual(muxed.muxer.policy.maxDurationMs);
      expect(Math.abs(duration - c.seconds * 1000)).toBeLessThanOrEqual(muxed.muxer.policy.maxDurationMs);
      expect(Math.abs(scan.durationMs - span)).toBeLessThanOrEqual(muxed.muxer.policy.maxDurationMs);
      expect(scan.init.fragmentDuration).toBe(scan.durationMs); // the mehd patched at finalize
    });

    it('cuts fragments at keyframes, 1-2 s long, every one a complete fragment with an mfra entry', () => {
      expect(scan.tail).toBeUndefined();
      expect(scan.fragments.length).toBe(muxed.muxer.stats.fragments);
      expect(scan.mfra?.tfra.length).toBe(input.tracks.length);
      for (const [i, f] of scan.fragments.entries()) {
        const sync = f.tracks.find((t) => t.trackId === muxed.muxer.trackIds[videoIndex >= 0 ? videoIndex : audioIndex]);
        expect(sync?.startsWithSync).toBe(true);
        if (i < scan.fragments.length - 1) {
          const t = f.tracks[0]!;
          const ms = (t.duration * 1000) / (scan.tracks.find((s) => s.trackId === t.trackId)?.timescale ?? 1);
          expect(ms).toBeGreaterThanOrEqual(muxed.muxer.policy.minDurationMs - 50);
          expect(ms).toBeLessThanOrEqual(muxed.muxer.policy.maxDurationMs + 50);
        }
      }
    });

    it('opens from its sidx, reading one moof instead of all of them, and seeks to a sync sample', () => {
      expect(moofsReadAtOpen(out)).toBe(1);
      const unfinished = join(dir, `${c.file}.unfinished.mp4`);
      writeFileSync(unfinished, muxed.appended);
      expect(moofsReadAtOpen(unfinished)).toBe(scan.fragments.length);
      const target = c.seconds * 0.6;
      const first = firstPacketAfterSeek(out, target, c.video ? 'v:0' : 'a:0');
      expect(first?.flags).toMatch(/^K/);
      expect(Number(first?.pts_time)).toBeLessThanOrEqual(target + 0.05);
      expect(Number(first?.pts_time)).toBeGreaterThan(target - muxed.muxer.policy.maxDurationMs / 1000);
    });

    it('GPAC (mp4box.js) parses it without a warning and reads back every sample, byte for byte', () => {
      expect(gpac.problems).toEqual([]);
      expect(gpac.info?.isFragmented).toBe(true);
      expect(gpac.topLevel).toEqual(['ftyp', 'moov', 'sidx', 'free', ...scan.fragments.flatMap(() => ['moof', 'mdat']), 'mfra']);
      expect(Math.abs((gpac.info?.duration ?? 0) - scan.durationMs)).toBeLessThanOrEqual(1);
      const tracks = gpac.info?.tracks ?? [];
      if (c.expect.video) expect(tracks[videoIndex]).toMatchObject({ codec: expect.stringMatching(c.expect.video.mp4box), video: { width: c.expect.video.width, height: c.expect.video.height } });
      if (c.expect.audio) expect(tracks[audioIndex]).toMatchObject({ codec: expect.stringMatching(c.expect.audio.mp4box), audio: { channel_count: c.expect.audio.channels } });
      input.samples.forEach((list, track) => {
        const got = gpac.samples.filter((s) => s.track === muxed.muxer.trackIds[track]);
        expect(got.length).toBe(list.length);
        expect(got.map((s) => s.size)).toEqual(list.map((s) => s.data.length));
        expect(Buffer.compare(Buffer.from(got[0]!.data), list[0]!.data)).toBe(0);
        expect(Buffer.compare(Buffer.from(got[got.length - 1]!.data), list[list.length - 1]!.data)).toBe(0);
        if (track === videoIndex) expect(got.map((s) => s.is_sync)).toEqual(list.map((s) => s.keyframe));
      });
    });
  });
});

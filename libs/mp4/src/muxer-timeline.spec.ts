import { describe, expect, it } from 'vitest';
import type { Mp4Sample } from '.';
import { mux } from '../test/support/mux';
import { AAC_TRACK, AVC_TRACK, audioSample, nalSample, readBack } from '../test/support/synthetic';

/**
 * An hour of synthetic 30 fps video and 48 kHz AAC (ms timestamps as FLV carries them), to show
 * that audio decode time, counted in codec samples, does not drift from the ms timeline or
 * from video, and that a forward jump of the caller's timeline becomes a gap, not drift.
 */
const HOUR_MS = 3_600_000;
const JUMP_AT_MS = 1_800_000;
const JUMP_MS = 5_000;

function hour({ audioClock = 1 }: { audioClock?: number } = {}): Mp4Sample[][] {
  const jump = (ms: number) => (ms >= JUMP_AT_MS ? ms + JUMP_MS : ms);
  const video: Mp4Sample[] = [];
  for (let i = 0; (i * 1000) / 30 < HOUR_MS; i++) video.push(nalSample(jump(Math.floor((i * 1000) / 30)), i % 60 === 0, 1));
  const audio: Mp4Sample[] = [];
  for (let n = 0; (n * 1024 * 1000) / 48000 < HOUR_MS; n++) audio.push(audioSample(jump(Math.floor(((n * 1024 * 1000) / 48000) * audioClock)), 1));
  return [video, audio];
}

describe('one hour of A/V with a timeline jump', () => {
  const samples = hour();
  const { file, muxer } = mux({ tracks: [AVC_TRACK, AAC_TRACK], samples });
  const back = readBack(file);
  const video = back.samples.get(1)!;
  const audio = back.samples.get(2)!;

  it('keeps every sample, and reads the whole file back', () => {
    expect(video.length).toBe(samples[0]!.length);
    expect(audio.length).toBe(samples[1]!.length);
    expect(back.scan.tail).toBeUndefined();
    expect(back.scan.fragments.length).toBeGreaterThan(1700);
  });

  it('places every audio frame within 1 ms of its ms timestamp, for the whole hour', () => {
    let worst = 0;
    audio.forEach((s, n) => {
      worst = Math.max(worst, Math.abs(s.dts / 48 - samples[1]![n]!.dtsMs));
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('places every video frame exactly at its ms timestamp', () => {
    expect(video.every((s, i) => s.dts === samples[0]![i]!.dtsMs * 90)).toBe(true);
  });

  it('starts audio and video of every fragment within one frame of each other', () => {
    for (const moof of back.moofs) {
      const [v, a] = [moof.trafs.find((t) => t.trackId === 1), moof.trafs.find((t) => t.trackId === 2)];
      if (v && a) expect(Math.abs(v.baseDecodeTime / 90 - a.baseDecodeTime / 48)).toBeLessThanOrEqual(34);
    }
  });

  it('turns the 5 s jump into a 5 s gap in audio decode time and a 5 s longer video frame, re-anchoring audio once', () => {
    const n = samples[1]!.findIndex((s) => s.dtsMs >= JUMP_AT_MS + JUMP_MS);
    const before = audio[n - 1]!;
    const gapMs = (audio[n]!.dts - (before.dts + before.duration)) / 48;
    expect(Math.abs(gapMs - JUMP_MS)).toBeLessThanOrEqual(1);
    expect(audio[n]!.fragment).not.toBe(before.fragment); // a fresh tfdt anchors it
    expect(muxer.stats.audioResyncs).toBe(1);
    const i = samples[0]!.findIndex((s) => s.dtsMs >= JUMP_AT_MS + JUMP_MS);
    expect(Math.abs(video[i - 1]!.duration / 90 - (JUMP_MS + 1000 / 30))).toBeLessThanOrEqual(1);
    expect(Math.abs(back.scan.durationMs - (HOUR_MS + JUMP_MS))).toBeLessThanOrEqual(34);
  });
});

describe('one hour with an audio clock 0.1% slower than the sample count says', () => {
  const samples = hour({ audioClock: 0.999 });
  const { file, muxer } = mux({ tracks: [AVC_TRACK, AAC_TRACK], samples });
  const audio = readBack(file).samples.get(2)!;

  it('re-anchors audio to the ms timeline: it never strays past audioResyncMs plus a frame (3.6 s uncorrected)', () => {
    const limit = muxer.policy.audioResyncMs + 1024 / 48;
    let worst = 0;
    audio.forEach((s, n) => {
      worst = Math.max(worst, Math.abs(s.dts / 48 - samples[1]![n]!.dtsMs));
    });
    expect(worst).toBeLessThanOrEqual(limit);
    // 3.6 s of drift over an hour, taken back at most one frame (21.3 ms) at a time, since a
    // re-anchored fragment may not start at or before the previous frame: ~170 times
    expect(muxer.stats.audioResyncs).toBeGreaterThan(150);
    expect(muxer.stats.audioResyncs).toBeLessThan(180);
  });

  it('keeps audio decode time strictly increasing through every re-anchoring', () => {
    expect(audio.every((s, n) => n === 0 || s.dts > audio[n - 1]!.dts)).toBe(true);
  });
});

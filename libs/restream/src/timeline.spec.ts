import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAME_GAP_MS, OutputTimeline } from './timeline';

describe('OutputTimeline', () => {
  it('passes a fresh broadcast through as it is', () => {
    const t = new OutputTimeline();
    expect([t.map('video', 0), t.map('audio', 21), t.map('video', 33), t.map('data', 40), t.map('data', 10)]).toEqual([0, 21, 33, 40, 33]);
  });

  it('continues one frame after the last timestamp when another publisher resumes, whatever its clock', () => {
    const t = new OutputTimeline();
    for (let ts = 0; ts <= 1_000; ts += 40) t.map('video', ts);
    t.resume();
    expect(t.map('video', 90_000)).toBe(1_040); // one measured frame (40 ms) later
    expect(t.map('audio', 90_010)).toBe(1_050);
    expect(t.map('video', 90_040)).toBe(1_080);
  });

  it('uses the declared frame rate, then the default, for "one frame" before two frames were seen', () => {
    const declared = new OutputTimeline(() => 1_000 / 25);
    declared.map('audio', 500);
    declared.resume();
    expect(declared.map('video', 0)).toBe(540);
    const unknown = new OutputTimeline();
    unknown.map('audio', 500);
    unknown.resume();
    expect(unknown.map('audio', 7)).toBe(500 + DEFAULT_FRAME_GAP_MS);
  });

  it('never goes back per track, and never puts data before the latest media', () => {
    const t = new OutputTimeline();
    t.map('video', 1_000);
    expect(t.map('video', 900)).toBe(1_000);
    t.map('audio', 1_200);
    expect(t.map('audio', 1_100)).toBe(1_200);
    expect(t.map('data', 0)).toBe(1_200);
  });

  it('starts over at the ingest timestamps after reset', () => {
    const t = new OutputTimeline();
    t.map('video', 5_000);
    t.resume();
    t.reset();
    expect(t.map('video', 10)).toBe(10);
    expect(t.last).toBe(10);
  });
});

describe('OutputTimeline, "one frame" when a session resumes', () => {
  it('is the median of recent video intervals, so one late frame does not widen it', () => {
    const t = new OutputTimeline();
    for (const ts of [0, 17, 33, 50, 67, 83, 100, 145]) t.map('video', ts); // the last frame came 45 ms late
    expect(t.frameGapMs()).toBe(17);
    t.resume();
    expect(t.map('video', 90_000)).toBe(162);
  });

  it('takes the declared frame when the measured median is far above it (an encoder on a coarse timestamp grid)', () => {
    const t = new OutputTimeline(() => 1_000 / 30);
    for (const ts of [0, 64, 128, 192, 256, 320]) t.map('video', ts);
    expect(t.frameGapMs()).toBe(33);
    const near = new OutputTimeline(() => 1_000 / 30);
    for (const ts of [0, 40, 80, 120]) near.map('video', ts); // 25 fps against a declared 30: measured
    expect(near.frameGapMs()).toBe(40);
  });

  it('continues from the last video frame when audio ran a few ms ahead, and from the last audio when video had stopped', () => {
    const ahead = new OutputTimeline();
    for (let ts = 0; ts <= 1_000; ts += 40) {
      ahead.map('video', ts);
      ahead.map('audio', ts + 10);
    }
    ahead.resume();
    expect(ahead.map('video', 5_000)).toBe(1_040); // one frame after the video, not after the audio
    expect(ahead.map('audio', 5_010)).toBe(1_050); // the new audio keeps its 10 ms offset
    const stopped = new OutputTimeline();
    for (let ts = 0; ts <= 400; ts += 40) stopped.map('video', ts);
    for (let ts = 400; ts <= 3_000; ts += 20) stopped.map('audio', ts); // video froze, audio went on
    stopped.resume();
    expect(stopped.map('video', 0)).toBe(3_040);
  });
});

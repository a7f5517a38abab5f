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

import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AAC_HEADER } from '../test/support/fakes';
import { type InputRole, InputSwitch, type InputSwitchEvent, type SwitchOutput } from './input-switch';
import type { SlateClip } from './slate/clip';
import { SlateSource } from './slate/slate-source';
import type { IngestSource, IngestSourceEvents, SourceEnd } from './sources/ingest-source';
import { OutputTimeline } from './timeline';

// Tag bodies that carry a label, so the output reads as a script: 'P3' is primary frame 3.
const vh = (label: string) => Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0]), Buffer.from(label)]);
const v = (key: boolean, label: string) => Buffer.concat([Buffer.from([key ? 0x17 : 0x27, 1, 0, 0, 0]), Buffer.from(label)]);
const a = (label: string) => Buffer.concat([Buffer.from([0xaf, 1]), Buffer.from(label)]);
function labelOf(kind: 'video' | 'audio', payload: Buffer): string {
  if (kind === 'video') return (payload[1] === 0 ? 'vh:' : '') + payload.subarray(5).toString();
  if (payload.equals(AAC_HEADER)) return 'ah';
  return `a:${payload.subarray(2).toString()}`;
}

class FakeSource extends EventEmitter<IngestSourceEvents> implements IngestSource {
  readonly kind = 'fake';
  ended = false;
  closedWith: string | undefined;
  close(reason: string): void {
    this.closedWith = reason;
    this.end('lost');
  }
  end(how: SourceEnd = 'lost'): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('ended', how, undefined);
  }
}

/** An encoder at 25 fps (40 ms), a keyframe every `gop` frames, one audio frame per video frame 10 ms after it. */
class Encoder {
  readonly source = new FakeSource();
  n = 0;
  running = true;
  constructor(
    readonly name: string,
    readonly gop = 10,
    /** Source timestamp of frame 0 (its own clock). */
    readonly t0 = 0,
  ) {}
  headers(): void {
    this.source.emit('metadata', { encoder: this.name }, this.t0);
    this.source.emit('video', this.t0, vh(this.name));
    this.source.emit('audio', this.t0, AAC_HEADER);
  }
  frame(): void {
    const ts = this.t0 + this.n * 40;
    const key = this.n % this.gop === 0;
    this.source.emit('video', ts, v(key, `${key ? this.name.toUpperCase() : this.name}${this.n}`));
    this.source.emit('audio', ts + 10, a(`${this.name}${this.n}`));
    this.n += 1;
  }
}

const SLATE_CLIP: SlateClip = {
  params: { video: { codec: 'h264', width: 640, height: 360, fps: { num: 25, den: 1 } }, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } },
  key: 'test',
  file: 'test.flv',
  metadata: { encoder: 'Fanout slate' },
  videoHeader: vh('s'),
  audioHeader: AAC_HEADER,
  video: [v(true, 'S0'), v(false, 's1'), v(false, 's2'), v(false, 's3')],
  audio: [a('s')],
  videoFrameMs: 40,
  audioFrameMs: 40,
};

interface Sent {
  kind: 'video' | 'audio' | 'meta';
  ts: number;
  label: string;
}

function setup(options: { slate?: boolean; stallMs?: number; failbackStableMs?: number } = {}) {
  const clock = () => Date.now();
  const timeline = new OutputTimeline(() => 40);
  const sent: Sent[] = [];
  const events: InputSwitchEvent[] = [];
  const gone: string[] = [];
  const slates: SlateSource[] = [];
  let slateReady = options.slate ?? false;
  const output: SwitchOutput = {
    begin: () => timeline.resume(),
    video: (ts, p) => sent.push({ kind: 'video', ts: timeline.map('video', ts), label: labelOf('video', p) }),
    audio: (ts, p) => sent.push({ kind: 'audio', ts: timeline.map('audio', ts), label: labelOf('audio', p) }),
    metadata: (value, ts) => sent.push({ kind: 'meta', ts: timeline.map('data', ts), label: String((value as { encoder?: string }).encoder) }),
    data: () => undefined,
    lastTimestamp: (kind) => timeline.lastOf(kind),
  };
  const sw = new InputSwitch({
    streamId: 's1',
    output,
    stallMs: options.stallMs ?? 1_500,
    failbackStableMs: options.failbackStableMs ?? 10_000,
    clock,
    wallClock: clock,
    slate: {
      ready: () => slateReady,
      make: () => {
        if (!slateReady) return undefined;
        const s = new SlateSource(SLATE_CLIP, { clock });
        slates.push(s);
        return s;
      },
    },
    allGone: (end) => gone.push(end),
    switched: (e) => events.push(e),
  });
  sw.start();
  const encoders: Encoder[] = [];
  const attach = (role: InputRole, encoder: Encoder, headers = true) => {
    encoders.push(encoder);
    sw.attach(role, encoder.source);
    if (headers) encoder.headers();
    return encoder;
  };
  /** Runs `ms` of wall time in 40 ms steps; each running, attached encoder sends one frame per step. */
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 40) {
      vi.advanceTimersByTime(40);
      for (const e of encoders) if (e.running && !e.source.ended) e.frame();
    }
  };
  const labels = (from = 0) => sent.slice(from).map((s) => s.label);
  const videoTs = () => sent.filter((s) => s.kind === 'video').map((s) => s.ts);
  return { sw, sent, events, gone, slates, attach, encoders, run, labels, videoTs, setSlate: (ready: boolean) => (slateReady = ready), timeline };
}

/** Video timestamps never go back and never jump more than one frame (40 ms). */
function expectContinuous(ts: number[]): void {
  for (let i = 1; i < ts.length; i++) {
    const d = (ts[i] as number) - (ts[i - 1] as number);
    expect(d, `video ${ts[i - 1]} -> ${ts[i]} at ${i}`).toBeGreaterThanOrEqual(0);
    expect(d, `video ${ts[i - 1]} -> ${ts[i]} at ${i}`).toBeLessThanOrEqual(40);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('InputSwitch', () => {
  it('puts the first input on air at once with everything it sends, at its own timestamps', () => {
    const t = setup();
    t.attach('primary', new Encoder('p'));
    t.run(120);
    expect(t.labels()).toEqual(['p', 'vh:p', 'ah', 'P0', 'a:p0', 'p1', 'a:p1', 'p2', 'a:p2']);
    expect(t.sent.filter((s) => s.kind === 'video').map((s) => s.ts)).toEqual([0, 0, 40, 80]);
    expect(t.sw.onAir).toBe('primary');
    expect(t.events).toMatchObject([{ streamId: 's1', onAir: 'primary', previous: 'none', reason: 'publish-start', gapMs: null }]);
    expect(t.sw.stats().inputs.primary.state).toBe('live');
    expect(t.sw.stats().inputs.backup.state).toBe('gone');
  });

  it('without a slate or a backup: nothing is sent while the publisher is gone, and the returning one continues one frame on from its first message', () => {
    const t = setup();
    const p = t.attach('primary', new Encoder('p'));
    t.run(400); // p0..p9, last video at 360
    p.source.end('stopped');
    expect(t.gone).toEqual(['stopped']);
    expect(t.sw.onAir).toBe('none');
    const before = t.sent.length;
    t.run(2_000);
    expect(t.sent.length).toBe(before);
    const q = t.attach('primary', new Encoder('q', 10, 90_000)); // another clock
    t.run(80);
    expect(t.labels(before)).toEqual(['q', 'vh:q', 'ah', 'Q0', 'a:q0', 'q1', 'a:q1']);
    expect(t.sent.slice(before).filter((s) => s.kind === 'video').map((s) => s.ts)).toEqual([400, 400, 440]);
    expect(t.events.map((e) => [e.onAir, e.reason])).toEqual([
      ['primary', 'publish-start'],
      ['none', 'primary-lost'],
      ['primary', 'publisher-returned'],
    ]);
    expect(t.events[2]).toMatchObject({ gapMs: 40, wallGapMs: 2_040 });
    expect(q.source.closedWith).toBeUndefined();
    expectContinuous(t.videoTs());
  });

  it('a process that was blocked or not scheduled for longer than stallMs does not call its encoder stalled: the media waits in the socket', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    t.run(400);
    // 2 s pass with no timer and no read (the event loop was blocked); the watchdog's tick comes first.
    vi.setSystemTime(Date.now() + 2_000);
    vi.advanceTimersToNextTimer();
    expect(t.sw.stats().inputs.primary.state).toBe('live');
    p.frame(); // then the poll phase reads what the encoder sent meanwhile
    t.run(400);
    expect(t.sw.stats().inputs.primary.state).toBe('live');
    expect(t.sw.onAir).toBe('primary');
    expect(t.events).toHaveLength(1);
  });

  it('a stalled encoder with no backup and no slate stays on air, as before slates', () => {
    const t = setup();
    const p = t.attach('primary', new Encoder('p'));
    t.run(400);
    p.running = false;
    t.run(3_000);
    expect(t.sw.stats().inputs.primary.state).toBe('stalled');
    expect(t.sw.onAir).toBe('primary');
    p.running = true;
    t.run(80);
    expect(t.sw.stats().inputs.primary.state).toBe('live');
    expect(t.labels().slice(-4)).toEqual(['P10', 'a:p10', 'p11', 'a:p11']);
    expect(t.events).toHaveLength(1);
  });

  it('with a slate: the slate at once when the publisher is lost (its headers first, one frame on), then the returning publisher at its first keyframe, headers first', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    t.run(400); // last primary video at 360
    const cut = t.sent.length;
    p.source.end('lost');
    expect(t.gone).toEqual(['lost']);
    expect(t.sw.onAir).toBe('slate');
    expect(t.labels(cut)).toEqual(['Fanout slate', 'vh:s', 'ah', 'S0', 'a:s']);
    expect(t.sent.slice(cut).map((s) => s.ts)).toEqual([400, 400, 400, 400, 400]);
    t.run(400);
    // The returning encoder starts with two inter frames (it joined mid-GOP): they are not sent.
    const q = new Encoder('q', 10, 5_000);
    q.n = 8;
    t.attach('primary', q);
    t.run(40); // q8 (inter)
    expect(t.sw.onAir).toBe('slate');
    t.run(40); // q9 (inter)
    const atSwitch = t.sent.length;
    t.run(40); // Q10: keyframe
    expect(t.sw.onAir).toBe('primary');
    const keyAt = t.sent.findIndex((s) => s.label === 'Q10');
    const lastSlate = t.sent.slice(0, keyAt).filter((s) => s.kind === 'video' && /^[sS]\d$/.test(s.label)).at(-1)!;
    expect(t.labels(atSwitch).filter((l) => !/^(a:s|[sS]\d)$/.test(l))).toEqual(['q', 'vh:q', 'ah', 'Q10', 'a:q10']);
    expect(t.sent.slice(atSwitch).find((s) => s.label === 'Q10')!.ts).toBe(lastSlate.ts + 40);
    expect(t.labels()).not.toContain('q8');
    expect(t.labels()).not.toContain('q9');
    expect(t.slates[0]!.ended).toBe(true);
    expect(t.events.map((e) => [e.previous, e.onAir, e.reason, e.gapMs])).toEqual([
      ['none', 'primary', 'publish-start', null],
      ['primary', 'slate', 'primary-lost', 40],
      ['slate', 'primary', 'publisher-returned', 40],
    ]);
    expect(t.events[1]!.wallGapMs).toBe(0);
    expect(t.events[2]!.wallGapMs).toBeLessThanOrEqual(40);
    expectContinuous(t.videoTs());
  });

  it('a publisher that stops its stream (the streamer ended the show) gets no slate: nothing is sent in the grace window, and one that comes back continues', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    t.run(400);
    const cut = t.sent.length;
    p.source.end('stopped');
    expect(t.gone).toEqual(['stopped']);
    expect(t.sw.onAir).toBe('none');
    t.run(1_000);
    expect(t.sent.length).toBe(cut);
    expect(t.slates).toHaveLength(0);
    // Back within the grace window (OBS stopped and started again): on air from its first message.
    t.attach('primary', new Encoder('q', 10, 5_000));
    t.run(80);
    expect(t.sw.onAir).toBe('primary');
    expect(t.events.map((e) => [e.previous, e.onAir, e.reason])).toEqual([
      ['none', 'primary', 'publish-start'],
      ['primary', 'none', 'primary-lost'],
      ['none', 'primary', 'publisher-returned'],
    ]);
    // Lost again, this time as a dropped connection: the slate bridges it.
    t.encoders.at(-1)!.source.end('lost');
    expect(t.sw.onAir).toBe('slate');
  });

  it('a stopped primary with the backup publishing: the backup goes on air, as when it is lost', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    t.attach('backup', new Encoder('b', 10, 9_000));
    t.run(400);
    p.source.end('stopped');
    t.run(400);
    expect(t.sw.onAir).toBe('backup');
  });

  it('keeps the new input’s audio at its offset to its video, and drops its audio from before the switch point', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    t.run(400);
    p.source.end('lost');
    t.run(200);
    const q = t.attach('primary', new Encoder('q', 10, 7_000));
    // Audio a little ahead of its video (as flvmux interleaves), then the keyframe.
    q.source.emit('audio', 6_990, a('early'));
    const atSwitch = t.sent.length;
    q.source.emit('video', 7_000, v(true, 'Q0'));
    q.source.emit('audio', 6_995, a('late-but-older'));
    q.source.emit('audio', 7_010, a('q0'));
    q.source.emit('video', 7_040, v(false, 'q1'));
    const after = t.sent.slice(atSwitch).filter((s) => !s.label.startsWith('a:s'));
    const key = after.find((s) => s.label === 'Q0')!.ts;
    expect(after.map((s) => s.label)).toEqual(['q', 'vh:q', 'ah', 'Q0', 'a:q0', 'q1']);
    expect(after.find((s) => s.label === 'a:q0')!.ts).toBe(key + 10);
    expect(after.find((s) => s.label === 'q1')!.ts).toBe(key + 40);
  });

  it('failover with a slate: primary lost → slate at once → the backup at its next keyframe, every backup frame in order', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    const b = t.attach('backup', new Encoder('b', 10, 50_000));
    t.run(400);
    expect(t.sw.stats().inputs.backup.state).toBe('warm');
    expect(t.labels().some((l) => l.startsWith('b') || l.startsWith('B'))).toBe(false); // nothing forwarded
    t.run(120); // backup at b13
    p.source.end('lost');
    expect(t.gone).toEqual([]); // the backup still publishes: no grace window
    expect(t.sw.onAir).toBe('slate');
    t.run(240); // b13..b18 inter, then B20 is the next keyframe
    expect(t.sw.onAir).toBe('slate');
    t.run(80);
    expect(t.sw.onAir).toBe('backup');
    const fromBackup = t.sent.filter((s) => s.kind === 'video' && /^(vh:)?[bB]/.test(s.label)).map((s) => s.label);
    expect(fromBackup[0]).toBe('vh:b');
    expect(fromBackup[1]).toBe('B20');
    t.run(400);
    const frames = t.labels().filter((l) => /^[bB]\d+$/.test(l)).map((l) => Number(l.slice(1)));
    expect(frames).toEqual(Array.from({ length: frames.length }, (_, i) => 20 + i));
    expect(t.events.map((e) => [e.onAir, e.reason])).toEqual([
      ['primary', 'publish-start'],
      ['slate', 'primary-lost'],
      ['backup', 'backup-keyframe'],
    ]);
    expect(t.events.slice(1).map((e) => e.gapMs)).toEqual([40, 40]);
    expect(b.source.closedWith).toBeUndefined();
    expectContinuous(t.videoTs());
  });

  it('failover without a slate: the backup at once, from its cached keyframe', () => {
    const t = setup();
    const p = t.attach('primary', new Encoder('p'));
    t.attach('backup', new Encoder('b', 10, 50_000));
    t.run(520); // backup sent b0..b12; its cached GOP is B10, b11, b12
    const cut = t.sent.length;
    p.source.end('lost');
    expect(t.sw.onAir).toBe('backup');
    expect(t.labels(cut)).toEqual(['b', 'vh:b', 'ah', 'B10', 'a:b10', 'b11', 'a:b11', 'b12', 'a:b12']);
    const lastPrimary = t.sent.slice(0, cut).filter((s) => s.kind === 'video').at(-1)!.ts;
    expect(t.sent.slice(cut).filter((s) => s.kind === 'video').map((s) => s.ts)).toEqual([lastPrimary + 40, lastPrimary + 40, lastPrimary + 80, lastPrimary + 120]);
    expect(t.events.at(-1)).toMatchObject({ previous: 'primary', onAir: 'backup', reason: 'primary-lost', gapMs: 40 });
    t.run(80);
    expect(t.labels().slice(-4)).toEqual(['b13', 'a:b13', 'b14', 'a:b14']);
    expectContinuous(t.videoTs());
  });

  it('a primary that stops sending media for stallMs is stalled: the slate, then the backup at its keyframe', () => {
    const t = setup({ slate: true, stallMs: 1_500 });
    const p = t.attach('primary', new Encoder('p'));
    t.attach('backup', new Encoder('b', 10));
    t.run(400);
    p.running = false;
    t.run(1_400);
    expect(t.sw.onAir).toBe('primary');
    expect(t.sw.stats().inputs.primary.state).toBe('live');
    t.run(200);
    expect(t.sw.stats().inputs.primary.state).toBe('stalled');
    expect(t.events.at(-1)).toMatchObject({ onAir: 'slate', reason: 'primary-stalled', gapMs: 40 });
    expect(t.events.at(-1)!.wallGapMs).toBeGreaterThanOrEqual(1_500);
    t.run(400);
    expect(t.sw.onAir).toBe('backup');
    expect(t.events.at(-1)).toMatchObject({ onAir: 'backup', reason: 'backup-keyframe' });
    expectContinuous(t.videoTs());
  });

  it('fails back to the primary only after it has been healthy for failbackStableMs, at its keyframe', () => {
    const t = setup({ slate: true, failbackStableMs: 3_000 });
    const p = t.attach('primary', new Encoder('p'));
    t.attach('backup', new Encoder('b', 10));
    t.run(400);
    p.source.end('lost');
    t.run(800);
    expect(t.sw.onAir).toBe('backup');
    const p2 = t.attach('primary', new Encoder('r', 10, 100_000));
    t.run(1_000);
    p2.running = false; // a wobble within the stable period restarts it
    t.run(1_600);
    expect(t.sw.stats().inputs.primary.state).toBe('stalled');
    p2.running = true;
    t.run(2_900);
    expect(t.sw.onAir).toBe('backup');
    t.run(200); // 3 s since it recovered: the next primary keyframe
    t.run(400);
    expect(t.sw.onAir).toBe('primary');
    const failback = t.events.at(-1)!;
    expect(failback).toMatchObject({ previous: 'backup', onAir: 'primary', reason: 'failback', gapMs: 40 });
    const firstBack = t.sent.filter((s) => s.kind === 'video' && /^(vh:)?[rR]\d*$/.test(s.label)).map((s) => s.label);
    expect(firstBack[0]).toBe('vh:r');
    expect(firstBack[1]).toMatch(/^R\d+$/);
    expectContinuous(t.videoTs());
  });

  it('a manual switch holds until the chosen input fails; a pin keeps the backup preferred', () => {
    const t = setup({ slate: true, failbackStableMs: 1_000 });
    t.attach('primary', new Encoder('p'));
    const b = t.attach('backup', new Encoder('b', 10));
    t.run(400);
    expect(t.sw.switchTo('backup')).toBe(true);
    t.run(400);
    expect(t.sw.onAir).toBe('backup');
    expect(t.events.at(-1)).toMatchObject({ previous: 'primary', onAir: 'backup', reason: 'manual', gapMs: 40 });
    t.run(3_000); // the primary is healthy and stable: a manual choice is not undone
    expect(t.sw.onAir).toBe('backup');
    expect(t.sw.switchTo('slate')).toBe(true);
    expect(t.sw.onAir).toBe('slate');
    expect(t.sw.switchTo('primary')).toBe(true);
    t.run(400);
    expect(t.sw.onAir).toBe('primary');

    t.sw.pin('backup');
    t.run(400);
    expect(t.sw.onAir).toBe('backup');
    expect(t.sw.stats().pinned).toBe('backup');
    b.running = false; // the pinned input stalls: the primary takes over …
    t.run(2_000);
    expect(t.sw.onAir).toBe('primary');
    b.running = true; // … and the pinned backup comes back after its stable period
    t.run(600);
    expect(t.sw.onAir).toBe('primary');
    t.run(1_200);
    expect(t.sw.onAir).toBe('backup');
    expect(t.events.at(-1)!.reason).toBe('failback');
    t.sw.pin(null);
    t.run(400);
    expect(t.sw.onAir).toBe('primary');
    expect(t.sw.switchTo('backup')).toBe(true);
    expectContinuous(t.videoTs());
  });

  it('a second publish on the on-air input takes over at once', () => {
    const t = setup({ slate: true });
    const p = t.attach('primary', new Encoder('p'));
    t.run(200);
    const q = new Encoder('q', 10, 9_000);
    const previous = t.sw.attach('primary', q.source);
    expect(previous).toBe(p.source);
    q.headers();
    q.frame();
    expect(t.labels().slice(-5)).toEqual(['q', 'vh:q', 'ah', 'Q0', 'a:q0']);
    expect(t.events.at(-1)).toMatchObject({ previous: 'primary', onAir: 'primary', reason: 'takeover', gapMs: 40 });
    p.frame(); // the replaced source's late events are ignored
    expect(t.labels().at(-1)).toBe('a:q0');
  });

  it('a slate that is not ready yet: the old behaviour, and the slate goes on air once it is', () => {
    const t = setup({ slate: false });
    const p = t.attach('primary', new Encoder('p'));
    t.run(200);
    p.source.end('lost');
    expect(t.sw.onAir).toBe('none');
    t.setSlate(true);
    t.sw.refresh();
    expect(t.sw.onAir).toBe('slate');
    t.run(400);
    expectContinuous(t.videoTs());
  });

  it('loops the slate in real time, continuing timestamps loop after loop, and catches up a bounded amount', () => {
    const clip = SLATE_CLIP;
    const s = new SlateSource(clip, { clock: () => Date.now(), maxCatchUpMs: 200 });
    const got: { kind: string; ts: number; label: string }[] = [];
    s.on('video', (ts, p) => got.push({ kind: 'video', ts, label: labelOf('video', p) }));
    s.on('audio', (ts, p) => got.push({ kind: 'audio', ts, label: labelOf('audio', p) }));
    s.start();
    vi.advanceTimersByTime(400);
    const video = got.filter((g) => g.kind === 'video');
    expect(video.map((g) => g.label)).toEqual(['vh:s', 'S0', 's1', 's2', 's3', 'S0', 's1', 's2', 's3', 'S0', 's1', 's2']);
    expect(video.slice(1).map((g) => g.ts)).toEqual([0, 40, 80, 120, 160, 200, 240, 280, 320, 360, 400]);
    // A blocked event loop: 2 s pass at once; only 200 ms are caught up, timestamps stay contiguous.
    const before = video.length;
    vi.setSystemTime(Date.now() + 2_000);
    vi.advanceTimersByTime(40);
    const after = got.filter((g) => g.kind === 'video').slice(before);
    expect(after.length).toBeLessThanOrEqual(7);
    expect(after[0]!.ts).toBe(440);
    s.close();
    expect(s.ended).toBe(true);
    const count = got.length;
    vi.advanceTimersByTime(400);
    expect(got.length).toBe(count);
  });
});

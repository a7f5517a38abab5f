import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue';
import type { QueueItem } from './media';

/** A test item: `id` says where it came from (`V3.2` = video, GOP 3, frame 2). */
interface Item extends QueueItem {
  readonly id: string;
  readonly seq: number;
  readonly gop: number;
  readonly index: number;
}

/** Builds a plausible A/V stream: GOPs of video with audio interleaved, monotonic timestamps. */
function stream() {
  let seq = 0;
  let gop = -1;
  let index = 0;
  let ts = 0;
  return {
    key(bytes = 1_000, dt = 33): Item {
      gop += 1;
      index = 0;
      ts += dt;
      return { id: `V${gop}.0`, seq: seq++, gop, index, kind: 'video', keyframe: true, bytes, timestampMs: ts };
    },
    inter(bytes = 100, dt = 33): Item {
      index += 1;
      ts += dt;
      return { id: `V${gop}.${index}`, seq: seq++, gop, index, kind: 'video', keyframe: false, bytes, timestampMs: ts };
    },
    audio(bytes = 10, dt = 0): Item {
      ts += dt;
      return { id: `A${seq}`, seq: seq++, gop, index: -1, kind: 'audio', keyframe: false, bytes, timestampMs: ts };
    },
    control(): Item {
      return { id: `C${seq}`, seq: seq++, gop, index: -1, kind: 'control', keyframe: false, bytes: 12, timestampMs: ts };
    },
    data(): Item {
      return { id: `D${seq}`, seq: seq++, gop, index: -1, kind: 'data', keyframe: false, bytes: 200, timestampMs: ts };
    },
    header(kind: 'video' | 'audio'): Item {
      return { id: `H${kind}`, seq: seq++, gop, index: -1, kind, keyframe: kind === 'video', sequenceHeader: true, bytes: 40, timestampMs: ts };
    },
  };
}

function drain(queue: BoundedQueue<Item>): string[] {
  const ids: string[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) ids.push(item.id);
  return ids;
}

describe('BoundedQueue', () => {
  it('delivers everything in order while within bounds', () => {
    const s = stream();
    const q = new BoundedQueue<Item>();
    for (const item of [s.control(), s.header('video'), s.key(), s.audio(), s.inter(), s.audio(), s.inter()]) {
      expect(q.push(item)).toBe('queued');
    }
    expect(q.size).toBe(7);
    expect(q.peek()?.id).toBe('C0');
    expect(drain(q)).toEqual(['C0', 'Hvideo', 'V0.0', 'A3', 'V0.1', 'A5', 'V0.2']);
    expect(q.size).toBe(0);
    expect(q.bytes).toBe(0);
    expect(q.drops).toBe(0);
  });

  it('tracks bytes, media bytes and the queued media duration', () => {
    const s = stream();
    const q = new BoundedQueue<Item>();
    q.push(s.control());
    q.push(s.key(1_000)); // ts 33
    q.push(s.inter(100)); // ts 66
    q.push(s.audio(10, 10)); // ts 76
    expect(q.bytes).toBe(1_122);
    expect(q.mediaBytes).toBe(1_110);
    expect(q.durationMs).toBe(43);
    q.shift();
    q.shift();
    expect(q.durationMs).toBe(10);
    q.clear();
    expect([q.size, q.bytes, q.durationMs]).toEqual([0, 0, 0]);
  });

  it('refuses video inter frames until the first keyframe, while audio flows', () => {
    const s = stream();
    const q = new BoundedQueue<Item>();
    s.key(); // the stream started before this queue existed
    expect(q.push(s.inter())).toBe('dropped');
    expect(q.push(s.audio())).toBe('queued');
    expect(q.awaitingKeyframe).toBe(true);
    expect(q.push(s.key())).toBe('queued');
    expect(q.push(s.inter())).toBe('queued');
    expect(drain(q)).toEqual(['A2', 'V1.0', 'V1.1']);
    expect(q.droppedFrames).toBe(1);
    expect(q.drops).toBe(0); // waiting for the first keyframe is not an overflow episode
  });

  it('drops to the next keyframe when a destination lags', () => {
    const s = stream();
    // Room for one keyframe and a few inter frames.
    const q = new BoundedQueue<Item>({ maxBytes: 1_500, maxDurationMs: 60_000 });
    q.push(s.key(1_000));
    for (let i = 0; i < 5; i++) expect(q.push(s.inter(100))).toBe('queued');
    expect(q.push(s.inter(100))).toBe('dropped'); // V0.6 would exceed 1 500 bytes
    expect(q.dropping).toBe(true);
    expect(q.push(s.audio())).toBe('dropped');
    expect(q.push(s.inter(1))).toBe('dropped'); // tiny, would fit, but its reference V0.6 is gone
    expect(q.push(s.key(1_000))).toBe('queued'); // V1.0 resumes, evicting the stale GOP 0
    expect(q.dropping).toBe(false);
    expect(q.push(s.audio())).toBe('queued');
    expect(q.push(s.inter(100))).toBe('queued');
    expect(drain(q)).toEqual(['V1.0', 'A10', 'V1.1']);
    expect(q.drops).toBe(1);
    expect(q.droppedFrames).toBe(2 + 6); // two refused on arrival, six evicted
    expect(q.droppedAudio).toBe(1);
    expect(q.droppedBytes).toBe(100 + 10 + 1 + 1_000 + 5 * 100);
  });

  it('counts a new drop episode only after frames got in cleanly again', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1_000, maxDurationMs: 60_000 });
    q.push(s.key(800));
    q.push(s.inter(300)); // dropped: episode 1
    q.push(s.inter(10)); // dropped, same episode
    q.push(s.key(800)); // resumes by evicting GOP 0: still episode 1
    expect(q.drops).toBe(1);
    q.push(s.inter(100)); // clean: the episode is over
    q.push(s.inter(300)); // dropped: episode 2
    expect(q.drops).toBe(2);
  });

  it('evicts whole older GOPs first, so a slightly slow destination keeps the current GOP intact', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 3_000, maxDurationMs: 60_000 });
    q.push(s.key(1_000));
    q.push(s.inter(500));
    q.push(s.key(1_000));
    q.push(s.inter(400));
    expect(q.push(s.inter(400))).toBe('queued'); // 3 300 > 3 000: GOP 0 goes, GOP 1 stays whole
    expect(q.dropping).toBe(false);
    expect(q.drops).toBe(1);
    expect(drain(q)).toEqual(['V1.0', 'V1.1', 'V1.2']);
  });

  it('cuts the head GOP the consumer is in the middle of, up to the next keyframe', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 2_000, maxDurationMs: 60_000 });
    q.push(s.key(500));
    q.push(s.inter(300));
    q.push(s.audio(10));
    q.push(s.inter(300));
    expect(q.shift()?.id).toBe('V0.0'); // the writer is mid-GOP
    q.push(s.key(1_200)); // 610 + 1 200 = 1 810
    q.push(s.inter(300)); // 2 110 > 2 000: the rest of GOP 0 is discarded
    expect(drain(q)).toEqual(['V1.0', 'V1.1']);
  });

  it('bounds the queued media duration as well as bytes', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1e9, maxDurationMs: 1_000 });
    q.push(s.key(10, 0));
    for (let i = 0; i < 30; i++) q.push(s.inter(10, 33)); // 990 ms
    expect(q.push(s.inter(10, 33))).toBe('dropped');
    expect(q.durationMs).toBe(990);
    expect(q.push(s.key(10, 33))).toBe('queued');
    expect(q.durationMs).toBe(0);
  });

  it('lets audio after the resumed keyframe flow', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 2_000, maxDurationMs: 60_000 });
    q.push(s.key(1_500));
    q.push(s.inter(400));
    expect(q.push(s.inter(400))).toBe('dropped');
    expect(q.push(s.audio(20))).toBe('dropped');
    q.push(s.key(1_500));
    const after = [s.audio(20), s.audio(20), s.inter(100), s.audio(20)].map((item) => q.push(item));
    expect(after).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(drain(q)).toEqual(['V1.0', 'A5', 'A6', 'V1.1', 'A8']);
  });

  it('keeps control, data and sequence headers through drops, in order', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1_000, maxDurationMs: 60_000 });
    q.push(s.key(600));
    q.push(s.control());
    q.push(s.inter(300));
    q.push(s.data());
    expect(q.push(s.inter(300))).toBe('dropped');
    expect(q.push(s.header('video'))).toBe('queued');
    expect(q.push(s.control())).toBe('queued');
    q.push(s.key(600));
    expect(drain(q)).toEqual(['C1', 'D3', 'Hvideo', 'C6', 'V1.0']);
  });

  it('does not resume on a video sequence header flagged as keyframe', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1_000, maxDurationMs: 60_000 });
    q.push(s.key(900));
    expect(q.push(s.inter(200))).toBe('dropped');
    expect(q.push(s.header('video'))).toBe('queued');
    expect(q.push(s.inter(10))).toBe('dropped');
    expect(q.dropping).toBe(true);
  });

  it('refuses never-dropped items beyond maxControlItems and reports the overflow', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxControlItems: 2 });
    expect(q.push(s.control())).toBe('queued');
    expect(q.push(s.data())).toBe('queued');
    expect(q.overflowed).toBe(false);
    expect(q.push(s.control())).toBe('overflow');
    expect(q.overflowed).toBe(true);
    expect(q.controlItems).toBe(2);
    q.clear();
    expect(q.overflowed).toBe(false);
  });

  it('admits a single keyframe larger than maxBytes rather than stalling forever', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1_000 });
    expect(q.push(s.key(5_000))).toBe('queued');
    expect(q.push(s.inter(10))).toBe('dropped');
    expect(q.push(s.key(5_000))).toBe('queued');
    expect(q.mediaBytes).toBe(5_000);
    expect(drain(q)).toEqual(['V1.0']);
  });

  it('treats every audio frame as a resume point in an audio-only stream', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 100, maxDurationMs: 60_000 });
    for (let i = 0; i < 10; i++) expect(q.push(s.audio(20, 23))).toBe('queued');
    // Never shifted: the oldest frames make room, one at a time.
    expect(q.size).toBe(5);
    expect(q.mediaBytes).toBe(100);
    expect(drain(q)).toEqual(['A5', 'A6', 'A7', 'A8', 'A9']);
    expect(q.droppedAudio).toBe(5);
    expect(q.drops).toBe(1); // one episode: nothing got in cleanly since the first eviction
  });

  it('treats audio as audio-only once video has been silent longer than maxDurationMs', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1_000, maxDurationMs: 1_000 });
    q.push(s.key(900));
    expect(q.push(s.inter(200))).toBe('dropped');
    expect(q.push(s.audio(10, 500))).toBe('dropped'); // video may still come: wait for a keyframe
    expect(q.push(s.audio(10, 600))).toBe('queued'); // 1 100 ms without video: audio-only now
    expect(q.dropping).toBe(false);
    expect(q.push(s.inter(10))).toBe('dropped'); // video came back without a keyframe
    expect(q.push(s.audio(10, 20))).toBe('queued');
  });

  it('never lets the media bytes grow past maxBytes when the consumer never shifts', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 50_000, maxDurationMs: 4_000, maxControlItems: 100 });
    for (let gop = 0; gop < 200; gop++) {
      q.push(s.key(5_000));
      for (let i = 0; i < 59; i++) {
        q.push(s.inter(500));
        q.push(s.audio(50, 0));
      }
      expect(q.mediaBytes).toBeLessThanOrEqual(50_000);
      expect(q.durationMs).toBeLessThanOrEqual(4_000);
    }
    expect(q.size).toBeLessThan(200);
    expect(q.drops).toBeGreaterThan(0);
  });

  it('keeps its backing array compact through a million pushes and shifts (no Array.shift)', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 1e12, maxDurationMs: 1e12 });
    q.push(s.key(1));
    let longest = 0;
    for (let i = 0; i < 1_000_000; i++) {
      q.push(s.inter(1, 0));
      if (i % 1_000 === 999) for (let j = 0; j < 1_000; j++) q.shift();
      longest = Math.max(longest, q['slots'].length);
    }
    expect(q.size).toBe(1);
    expect(longest).toBeLessThanOrEqual(2_100);
  });

  it('keeps its backing array compact when a stalled consumer forces constant eviction', () => {
    const s = stream();
    const q = new BoundedQueue<Item>({ maxBytes: 10_000, maxDurationMs: 1e9, maxControlItems: 50 });
    let longest = 0;
    for (let i = 0; i < 200_000; i++) {
      q.push(i % 30 === 0 ? s.key(1_000) : s.inter(100));
      q.push(s.audio(10));
      if (i % 5_000 === 0) q.push(s.control());
      longest = Math.max(longest, q['slots'].length);
    }
    expect(q.controlItems).toBe(40);
    expect(q.mediaBytes).toBeLessThanOrEqual(10_000);
    expect(longest).toBeLessThan(3_000);
  });

  /** Keyframes roughly one video frame in `gopEvery`. */
  const scriptArb = fc.record({
    consumer: fc.constantFrom('never' as const, 'slow' as const, 'eager' as const),
    gopEvery: fc.integer({ min: 1, max: 40 }),
    maxBytes: fc.integer({ min: 500, max: 20_000 }),
    maxDurationMs: fc.integer({ min: 50, max: 3_000 }),
    ops: fc.array(
      fc.oneof(
        {
          weight: 10,
          arbitrary: fc.record({
            op: fc.constant('video' as const),
            roll: fc.nat(),
            bytes: fc.integer({ min: 1, max: 3_000 }),
            dt: fc.integer({ min: 0, max: 100 }),
          }),
        },
        {
          weight: 8,
          arbitrary: fc.record({
            op: fc.constant('audio' as const),
            bytes: fc.integer({ min: 1, max: 300 }),
            dt: fc.integer({ min: 0, max: 50 }),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ op: 'control' as const }) },
        { weight: 6, arbitrary: fc.record({ op: fc.constant('shift' as const), n: fc.integer({ min: 0, max: 8 }) }) },
      ),
      { minLength: 20, maxLength: 600, size: 'max' },
    ),
  });

  let episodes = 0;
  it('property: after any drop, delivered video resumes on a keyframe and never skips a frame inside a GOP', () => {
    fc.assert(
      fc.property(scriptArb, ({ consumer, gopEvery, maxBytes, maxDurationMs, ops }) => {
        const s = stream();
        const q = new BoundedQueue<Item>({ maxBytes, maxDurationMs, maxControlItems: 10_000 });
        const delivered: Item[] = [];
        const pushedControls: number[] = [];
        let largest = 0;
        let pushedMedia = 0;
        for (const op of ops) {
          if (op.op === 'shift') {
            const n = consumer === 'never' ? 0 : consumer === 'slow' ? Math.min(op.n, 1) : op.n;
            for (let i = 0; i < n; i++) {
              const item = q.shift();
              if (item) delivered.push(item);
            }
          } else if (op.op === 'control') {
            const item = s.control();
            pushedControls.push(item.seq);
            expect(q.push(item)).toBe('queued');
          } else {
            const item =
              op.op === 'audio'
                ? s.audio(op.bytes, op.dt)
                : op.roll % gopEvery === 0
                  ? s.key(op.bytes, op.dt)
                  : s.inter(op.bytes, op.dt);
            largest = Math.max(largest, item.bytes);
            pushedMedia += 1;
            q.push(item);
          }
          // Memory stays bounded whatever the consumer does.
          expect(q.mediaBytes).toBeLessThanOrEqual(Math.max(maxBytes, largest));
          expect(q.durationMs).toBeLessThanOrEqual(maxDurationMs);
        }
        delivered.push(...(function* () {
          for (let item = q.shift(); item; item = q.shift()) yield item;
        })());

        // Order is preserved.
        for (let i = 1; i < delivered.length; i++) expect(delivered[i]!.seq).toBeGreaterThan(delivered[i - 1]!.seq);
        // Every control item arrives.
        expect(delivered.filter((i) => i.kind === 'control').map((i) => i.seq)).toEqual(pushedControls);
        // Every inter frame directly follows its predecessor in the same GOP: nothing it references was dropped.
        let previous: Item | undefined;
        for (const item of delivered.filter((i) => i.kind === 'video')) {
          if (!item.keyframe) {
            expect(previous?.gop).toBe(item.gop);
            expect(item.index).toBe(previous!.index + 1);
          }
          previous = item;
        }
        // Accounting: each media item was delivered or counted as dropped.
        const deliveredMedia = delivered.filter((i) => i.kind === 'video' || i.kind === 'audio').length;
        expect(deliveredMedia + q.droppedFrames + q.droppedAudio).toBe(pushedMedia);
        episodes += q.drops;
      }),
      { numRuns: 300 },
    );
    expect(episodes).toBeGreaterThan(1_000); // the runs do exercise dropping
  });
});

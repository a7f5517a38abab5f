import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FragmentPolicy, Mp4Sample } from '.';
import { interleave, mux } from '../test/support/mux';
import { AAC_TRACK, AVC_TRACK, readBack } from '../test/support/synthetic';

/**
 * Random sample sequences through the muxer and back through the reader: every sample comes
 * back with its bytes (found through trun data offsets), timing and keyframe flag, and every
 * fragment obeys the policy it was cut with.
 */

const nalUnits = fc.array(fc.uint8Array({ minLength: 1, maxLength: 120 }), { minLength: 1, maxLength: 3 }).map((units) =>
  Buffer.concat(
    units.flatMap((u) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(u.length);
      return [len, Buffer.from(u)];
    }),
  ),
);

const videoTrack = fc
  .array(fc.record({ gap: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.constantFrom(0, 10, 20, 50)), cts: fc.integer({ min: 0, max: 150 }), keyframe: fc.boolean(), data: nalUnits }), { minLength: 1, maxLength: 150 })
  .map((list) => {
    let t = 0;
    return list.map(({ gap, cts, keyframe, data }): Mp4Sample => ({ dtsMs: (t += gap), ctsOffsetMs: cts, keyframe, data }));
  });

// AAC frames at 48 kHz (21.33 ms) with up to 5 ms of jitter on their ms timestamps: below the resync bound.
const audioTrack = fc.array(fc.record({ jitter: fc.integer({ min: 0, max: 5 }), data: fc.uint8Array({ minLength: 1, maxLength: 200 }) }), { minLength: 0, maxLength: 200 }).map((list) => {
  let last = 0;
  return list.map(({ jitter, data }, n): Mp4Sample => {
    last = Math.max(last, Math.floor((n * 1024 * 1000) / 48000) + jitter);
    return { dtsMs: last, keyframe: true, data: Buffer.from(data) };
  });
});

const round = (max: number, min = 0) => fc.oneof(fc.integer({ min, max }), fc.constantFrom(50, 100, 200, 500));
const policy = fc.record({ minDurationMs: round(1500), extra: round(2000, 1), maxBytes: fc.integer({ min: 100, max: 20000 }) }).map(
  ({ minDurationMs, extra, maxBytes }): Partial<FragmentPolicy> => ({ minDurationMs, maxDurationMs: minDurationMs + extra, maxBytes }),
);

describe('property: mux then read back', () => {
  it('gives back every sample, its bytes, dts, cts and keyframe flag, and fragments obey the policy', () => {
    fc.assert(
      fc.property(videoTrack, audioTrack, policy, (video, audio, fragment) => {
        const { file, muxer } = mux({ tracks: [AVC_TRACK, AAC_TRACK], samples: [video, audio], fragment });
        const back = readBack(file);
        expect(back.scan.tail).toBeUndefined();
        const p = muxer.policy;

        // Video: everything from the first keyframe on, exactly.
        const first = video.findIndex((s) => s.keyframe);
        const fed = first < 0 ? [] : video.slice(first);
        const got = back.samples.get(1)!;
        expect(got.length).toBe(fed.length);
        fed.forEach((s, i) => {
          const g = got[i]!;
          expect(g.data.equals(s.data)).toBe(true);
          expect(g.dts).toBe(s.dtsMs * 90);
          expect(g.cts).toBe((s.ctsOffsetMs ?? 0) * 90);
          expect(g.sync).toBe(s.keyframe);
          if (i + 1 < fed.length) expect(g.duration).toBe((fed[i + 1]!.dtsMs - s.dtsMs) * 90);
        });

        // Audio: every frame, 1024 ticks long, decode time continuous (the jitter is below audioResyncMs).
        const gotAudio = back.samples.get(2)!;
        expect(gotAudio.map((s) => s.data.length)).toEqual(audio.map((s) => s.data.length));
        gotAudio.forEach((g, n) => {
          expect(g.data.equals(audio[n]!.data)).toBe(true);
          expect(g.duration).toBe(1024);
          expect(g.dts).toBe(gotAudio[0]!.dts + n * 1024);
        });
        expect(muxer.stats.audioResyncs).toBe(0);

        // Fragments: the policy, checked on what was read back.
        let audioIndex = 0;
        for (const moof of back.moofs) {
          const samples = moof.trafs.flatMap((t) => t.samples);
          const bytes = samples.reduce((n, s) => n + s.size, 0);
          if (samples.length > 1) expect(bytes).toBeLessThanOrEqual(p.maxBytes);
          // Each sample's ms timestamp as fed: video dts is exact, audio is found by its position.
          const v = moof.trafs.find((t) => t.trackId === 1)?.samples ?? [];
          const a = moof.trafs.find((t) => t.trackId === 2)?.samples ?? [];
          const audioMs = a.map(() => audio[audioIndex++]!.dtsMs);
          // The first video sample may have been carried over still open (its duration waits
          // for the next frame), so it can be older than the fragment; the others may not.
          const rest = [...v.slice(1).map((s) => s.dts / 90), ...audioMs];
          if (rest.length === 0) continue;
          const startMs = Math.min(...rest);
          // every sample of a fragment lies within maxDurationMs of its earliest
          for (const ms of rest) expect(ms - startMs).toBeLessThan(p.maxDurationMs);
          // a keyframe past minDurationMs always opens a new fragment
          for (const s of v.slice(1)) if (s.sync) expect(s.dts / 90 - startMs).toBeLessThan(p.minDurationMs);
        }
        // Together the fragments hold every sample once, in push order per track.
        const pushed = interleave([fed, audio]).length;
        expect(back.moofs.reduce((n, m) => n + m.trafs.reduce((k, t) => k + t.samples.length, 0), 0)).toBe(pushed);
      }),
      { numRuns: 150 },
    );
  });
});

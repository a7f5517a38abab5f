import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fmp4Muxer, Mp4Error, type TrackConfig, readBoxHeader, readFragment, readInit, scanFragments } from '.';
import { mux } from '../test/support/mux';
import { AAC_TRACK, AVC_TRACK, OPUS_TRACK, audioSample, nalSample, opusSample } from '../test/support/synthetic';

/**
 * Garbage into the reader (random bytes, mutated and truncated muxed files) and into the
 * muxer's configuration: the only outcomes are a result or an Mp4Error, in bounded time.
 * Inputs that once failed live in fixtures/fuzz/ as hex and run first.
 */
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'fuzz');

function valid(): Buffer {
  const video = Array.from({ length: 70 }, (_, i) => nalSample(i * 33, i % 30 === 0, 20 + (i % 7)));
  const audio = Array.from({ length: 110 }, (_, n) => audioSample(Math.floor((n * 1024) / 48), 6));
  const opus = Array.from({ length: 115 }, (_, n) => opusSample(n * 20, 5));
  return mux({ tracks: [AVC_TRACK, AAC_TRACK, OPUS_TRACK], samples: [video, audio, opus], fragment: { minDurationMs: 500 } }).file;
}

/** Runs every reader entry point; returns 'ok', the kind of unusable tail, or the error code. Anything else is thrown. */
function readAll(bytes: Buffer): string {
  try {
    const scan = scanFragments(bytes);
    for (const f of scan.fragments.slice(0, 8)) readFragment(bytes, f.offset, scan.init);
    readInit(bytes);
    return scan.tail ? `tail ${scan.tail.reason}` : 'ok';
  } catch (error) {
    if (error instanceof Mp4Error) return error.code;
    throw error;
  }
}

const base = valid();

describe('fuzz: the box reader', () => {
  // What each committed input must give: a code the reader throws, or 'ok' (a result, the bad
  // part reported as the file's tail). New crashers go in with the outcome they should have.
  const EXPECTED: Record<string, string> = {
    'largesize-beyond-2-53': 'tail malformed',
    'trun-sample-count-max': 'tail malformed',
    'moof-size-zero': 'tail truncated', // size 0 runs to the end of the file, leaving no room for its mdat
    'tfra-entry-count-max': 'tail malformed',
    'trun-data-offset-negative': 'tail malformed',
    'trak-overruns-moov': 'BOX_INVALID',
  };
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.hex')).map((f) => f.slice(0, -4));

  it('has an expected outcome for every regression fixture', () => {
    expect(fixtures.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('regression fixture %s yields its outcome, quickly', (name) => {
    const bytes = Buffer.from(readFileSync(join(FIXTURES, `${name}.hex`), 'utf8').replace(/\s+/g, ''), 'hex');
    const started = performance.now();
    expect(readAll(bytes)).toBe(EXPECTED[name]);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('reads the unmutated file whole', () => {
    expect(scanFragments(base).tail).toBeUndefined();
  });

  it('random bytes: a result or an Mp4Error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        readAll(Buffer.from(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes behind a valid ftyp + moov: a result or an Mp4Error', () => {
    const init = base.subarray(0, readInit(base).length);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        readAll(Buffer.concat([init, bytes]));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated files (bytes flipped, 32-bit fields overwritten with edge values, cut, spliced): a result or an Mp4Error, each quickly', () => {
    const edge = fc.constantFrom(0, 1, 7, 8, 9, 15, 16, 0x7fffffff, 0x80000000, 0xffffffff, base.length, base.length - 8);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(base.length - 1), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('u32' as const), at: fc.nat(base.length - 4), value: edge }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(base.length), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(base.length - 1), value: fc.nat(base.length - 1) }),
    );
    let slowest = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let bytes = Buffer.from(base);
        for (const m of mutations) {
          if (m.kind === 'flip' && m.at < bytes.length) bytes[m.at] = m.value;
          else if (m.kind === 'u32' && m.at + 4 <= bytes.length) bytes.writeUInt32BE(m.value, m.at);
          else if (m.kind === 'cut') bytes = bytes.subarray(0, Math.min(m.at, bytes.length));
          else if (m.kind === 'splice') bytes = Buffer.concat([bytes.subarray(0, m.at), bytes.subarray(m.value)]);
        }
        const started = performance.now();
        readAll(bytes);
        slowest = Math.max(slowest, performance.now() - started);
      }),
      { numRuns: 2000 },
    );
    expect(slowest).toBeLessThan(1000);
  });

  it('a file cut at every byte: whole only at box boundaries, a truncated tail anywhere else', () => {
    const scan = scanFragments(base);
    // The end of every top-level box after the init segment (sidx, free, each mdat, mfra) ends a whole prefix.
    const boundaries = new Set<number>([scan.init.length]);
    for (let at = scan.init.length; at < base.length; ) {
      at = readBoxHeader(base, at, base.length)!.end;
      boundaries.add(at);
    }
    // a moof alone (without its mdat) is not whole
    for (const f of scan.fragments) boundaries.delete(f.offset + base.readUInt32BE(f.offset));
    for (let n = 0; n <= base.length; n++) {
      const outcome = readAll(base.subarray(0, n));
      expect(outcome).toBe(n < scan.init.length ? 'INIT_TRUNCATED' : boundaries.has(n) ? 'ok' : 'tail truncated');
    }
  });
});

describe('fuzz: the muxer configuration and samples', () => {
  const codecs = ['avc', 'hevc', 'av1', 'aac', 'opus', 'mp3'] as const;
  it('random configuration records and sizes: a muxer or an Mp4Error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codecs), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: -2, max: 70000 }), fc.integer({ min: -2, max: 100000 }), (codec, config, a, b) => {
        const track = { codec, config: Buffer.from(config), width: a, height: b, sampleRate: b, channels: a } as unknown as TrackConfig;
        try {
          new Fmp4Muxer({ tracks: [track] });
        } catch (error) {
          if (!(error instanceof Mp4Error)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random sample payloads for every codec: accepted or an Mp4Error, and the file still reads', () => {
    const tracks: TrackConfig[] = [AVC_TRACK, { codec: 'av1', config: Buffer.from('81000c00', 'hex'), width: 64, height: 64 }, AAC_TRACK, OPUS_TRACK, { codec: 'mp3', sampleRate: 44100, channels: 2 }];
    fc.assert(
      fc.property(fc.array(fc.record({ track: fc.integer({ min: 1, max: 5 }), data: fc.uint8Array({ maxLength: 64 }), keyframe: fc.boolean() }), { maxLength: 60 }), (pushes) => {
        const muxer = new Fmp4Muxer({ tracks, writeMode: 'append' });
        const parts = [muxer.init()];
        pushes.forEach((p, i) => {
          try {
            parts.push(...muxer.push(p.track, { dtsMs: i * 10, data: Buffer.from(p.data), keyframe: p.keyframe }).map((f) => f.bytes));
          } catch (error) {
            if (!(error instanceof Mp4Error)) throw error;
          }
        });
        const end = muxer.finalize();
        const file = Buffer.concat([...parts, ...(end.fragment ? [end.fragment.bytes] : []), end.tail]);
        expect(scanFragments(file).tail).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

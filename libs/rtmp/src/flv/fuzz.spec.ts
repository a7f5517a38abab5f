import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseAacConfig,
  parseAudioTag,
  parseAvcDecoderConfig,
  parseFlacConfig,
  parseH264Sps,
  parseHevcDecoderConfig,
  parseHevcSps,
  parseMultichannelConfig,
  parseOpusConfig,
  parseVideoTag,
  readFlv,
} from '.';
import { hex, onlyTypedErrors } from '../../test/flv/helpers';
import { AUDIO_TAG_FIXTURES, HVCC_1280x718, VIDEO_TAG_FIXTURES } from '../../test/flv/tag-fixtures';

/** Every parser that takes untrusted bytes. */
const PARSERS: [string, (b: Buffer) => unknown][] = [
  ['parseVideoTag', parseVideoTag],
  ['parseAudioTag', parseAudioTag],
  ['parseAvcDecoderConfig', parseAvcDecoderConfig],
  ['parseH264Sps', parseH264Sps],
  ['parseHevcDecoderConfig', parseHevcDecoderConfig],
  ['parseHevcSps', parseHevcSps],
  ['parseAacConfig', parseAacConfig],
  ['parseOpusConfig', parseOpusConfig],
  ['parseFlacConfig', parseFlacConfig],
  ['parseMultichannelConfig', parseMultichannelConfig],
  ['readFlv', readFlv],
];

/**
 * Hostile inputs kept as fixtures (gortmplib testdata/fuzz style), each run
 * through every parser. Add any input fast-check ever shrinks to here.
 */
const FUZZ_REGRESSIONS = [
  hex('97ff'), // ModEx with a 16-bit size and nothing after it
  hex('9606'), // multitrack nested in multitrack
  hex('67640000000000000000'), // SPS whose ue() never ends
  hex('464c5601050000000900000000ffffff'),
];

/** Random bytes biased towards the values that select interesting branches. */
const headerByte = fc.constantFrom(0x17, 0x27, 0x1c, 0x90, 0x91, 0x93, 0x96, 0x97, 0xa1, 0xd1, 0xaf, 0x2f, 0x94, 0x95, 0x46);
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc.tuple(headerByte, fc.constantFrom('hvc1', 'avc1', 'av01', 'Opus', 'mp4a', 'fLaC'), fc.uint8Array({ maxLength: 40 })).map(([h, cc, rest]) =>
    Buffer.concat([Buffer.from([h]), Buffer.from(cc), rest]),
  ),
);

describe('parsers on random bytes', () => {
  it.each(PARSERS)('%s returns a result or throws a MediaTagError, nothing else', (_name, parse) => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        onlyTypedErrors(() => parse(Buffer.from(bytes)));
      }),
      { numRuns: 1000 },
    );
  });

  it.each(PARSERS)('%s survives the committed fuzz regressions', (_name, parse) => {
    for (const bytes of FUZZ_REGRESSIONS) onlyTypedErrors(() => parse(bytes));
  });

  it('tag parsers survive single-byte mutations of every fixture', () => {
    const fixtures: [Buffer, (b: Buffer) => unknown][] = [
      ...VIDEO_TAG_FIXTURES.map((f): [Buffer, (b: Buffer) => unknown] => [f.bytes, parseVideoTag]),
      ...AUDIO_TAG_FIXTURES.map((f): [Buffer, (b: Buffer) => unknown] => [f.bytes, parseAudioTag]),
      [HVCC_1280x718, parseHevcDecoderConfig],
    ];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (which, at, value) => {
        const [bytes, parse] = fixtures[which % fixtures.length] as [Buffer, (b: Buffer) => unknown];
        if (bytes.length === 0) return;
        const mutated = Buffer.from(bytes);
        mutated[at % mutated.length] = value;
        onlyTypedErrors(() => parse(mutated));
      }),
      { numRuns: 3000 },
    );
  });

  it('payload views always stay inside the input', () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const buf = Buffer.from(bytes);
        for (const parse of [parseVideoTag, parseAudioTag]) {
          try {
            const info = parse(buf);
            for (const t of info.tracks) {
              expect(t.payloadOffset).toBeGreaterThanOrEqual(0);
              expect(t.payloadOffset + t.payloadLength).toBeLessThanOrEqual(buf.length);
              expect(t.payload.length).toBe(t.payloadLength);
            }
          } catch {
            // typed errors are covered above
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

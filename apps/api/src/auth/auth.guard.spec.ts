import { describe, expect, it } from 'vitest';
import { parseBearer } from './auth.guard';

describe('parseBearer', () => {
  const cases: [string | undefined, string | null | undefined][] = [
    [undefined, undefined],
    ['Bearer fo_pat_abc', 'fo_pat_abc'],
    ['bearer fo_pat_abc', 'fo_pat_abc'],
    ['Bearer   fo_pat_abc  ', 'fo_pat_abc'],
    ['Bearer', null],
    ['Bearer ', null],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer a b', null],
    ['', null],
  ];
  for (const [header, expected] of cases) {
    it(`reads ${JSON.stringify(header)} as ${JSON.stringify(expected)}`, () => {
      expect(parseBearer(header)).toBe(expected);
    });
  }
});

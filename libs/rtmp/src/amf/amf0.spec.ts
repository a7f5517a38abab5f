import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AmfTypedObject,
  AmfValue,
  AmfXmlDocument,
  RtmpError,
  amfEcmaArray,
  decodeAmf0,
  decodeAmf0Sequence,
  encodeAmf0,
  isAmfEcmaArray,
} from '..';
import { hex } from '../../test/support/bytes';

interface Case {
  name: string;
  bytes: Buffer;
  value: AmfValue;
}

const shared = { a: 1 };

/** One table drives both directions: decode(bytes) equals value, encode(value) equals bytes. */
const AMF0_CASES: Case[] = [
  { name: 'number 0', bytes: hex('00 0000000000000000'), value: 0 },
  { name: 'number 1.5', bytes: hex('00 3ff8000000000000'), value: 1.5 },
  { name: 'number -Infinity', bytes: hex('00 fff0000000000000'), value: -Infinity },
  { name: 'boolean true', bytes: hex('01 01'), value: true },
  { name: 'boolean false', bytes: hex('01 00'), value: false },
  { name: 'string', bytes: hex('02 0007 636f6e6e656374'), value: 'connect' },
  { name: 'empty string', bytes: hex('02 0000'), value: '' },
  { name: 'utf-8 string', bytes: hex('02 0003 e282ac'), value: '€' },
  { name: 'null', bytes: hex('05'), value: null },
  { name: 'undefined', bytes: hex('06'), value: undefined },
  {
    name: 'object keeps key order',
    bytes: hex('03 0001 62 00 4000000000000000 | 0001 61 02 0001 78 | 000009'),
    value: { b: 2, a: 'x' },
  },
  { name: 'empty object', bytes: hex('03 000009'), value: {} },
  {
    name: 'ECMA array',
    bytes: hex('08 00000001 | 0008 6475726174696f6e 00 0000000000000000 | 000009'),
    value: amfEcmaArray({ duration: 0 }),
  },
  {
    name: 'strict array',
    bytes: hex('0a 00000002 | 00 3ff0000000000000 | 02 0001 61'),
    value: [1, 'a'],
  },
  { name: 'date (time zone 0)', bytes: hex('0b 4273bf3685800000 0000'), value: new Date(1_356_998_400_000) },
  { name: 'XML document', bytes: hex('0f 00000004 3c612f3e'), value: new AmfXmlDocument('<a/>') },
  {
    name: 'typed object',
    bytes: hex('10 0003 466f6f | 0001 78 01 01 | 000009'),
    value: new AmfTypedObject('Foo', { x: true }),
  },
  {
    name: 'reference to an earlier object',
    bytes: hex('0a 00000002 | 03 0001 61 00 3ff0000000000000 000009 | 07 0001'),
    value: [shared, shared],
  },
  {
    name: 'nested object in object',
    bytes: hex('03 0001 6f 03 0001 6e 05 000009 000009'),
    value: { o: { n: null } },
  },
];

describe('AMF0 shared table', () => {
  for (const c of AMF0_CASES) {
    it(`decodes ${c.name}`, () => {
      const { value, offset } = decodeAmf0(c.bytes);
      expect(value).toEqual(c.value);
      expect(offset).toBe(c.bytes.length);
    });
    it(`encodes ${c.name}`, () => {
      expect(encodeAmf0(c.value).toString('hex')).toBe(c.bytes.toString('hex'));
    });
  }

  it('keeps ECMA arrays distinguishable from objects after decoding', () => {
    const decoded = decodeAmf0(hex('08 00000000 000009')).value;
    expect(isAmfEcmaArray(decoded)).toBe(true);
    expect(isAmfEcmaArray(decodeAmf0(hex('03 000009')).value)).toBe(false);
  });

  it('decodes a reference as the same JS object', () => {
    const value = decodeAmf0(hex('0a 00000002 03 000009 07 0001')).value as object[];
    expect(value[0]).toBe(value[1]);
  });

  it('encodes strings over 65535 bytes as long strings and decodes them back', () => {
    const long = 'x'.repeat(70_000);
    const bytes = encodeAmf0(long);
    expect(bytes[0]).toBe(0x0c);
    expect(bytes.readUInt32BE(1)).toBe(70_000);
    expect(decodeAmf0(bytes).value).toBe(long);
  });

  it('decodes a short long-string', () => {
    expect(decodeAmf0(hex('0c 00000002 6869')).value).toBe('hi');
  });

  it('decodes the unsupported marker as undefined', () => {
    expect(decodeAmf0(hex('0d')).value).toBeUndefined();
  });

  it('decodes an ECMA array whose count disagrees with its entries (real encoders)', () => {
    expect(decodeAmf0(hex('08 00000000 0001 61 05 000009')).value).toEqual({ a: null });
  });

  it('stores a __proto__ key as an own property instead of polluting the prototype', () => {
    const value = decodeAmf0(hex('03 0009 5f5f70726f746f5f5f 03 0001 78 01 01 000009 000009')).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('decodes a connect command body as a sequence', () => {
    const body = encodeAmf0('connect', 1, { app: 'live', tcUrl: 'rtmp://h/live' });
    expect(decodeAmf0Sequence(body)).toEqual(['connect', 1, { app: 'live', tcUrl: 'rtmp://h/live' }]);
  });
});

describe('AMF0 errors', () => {
  const failures: Array<[string, Buffer, string]> = [
    ['truncated number', hex('00 0000'), 'AMF_TRUNCATED'],
    ['truncated string', hex('02 0005 6162'), 'AMF_TRUNCATED'],
    ['unterminated object', hex('03 0001 61 05'), 'AMF_TRUNCATED'],
    ['empty input', hex(''), 'AMF_TRUNCATED'],
    ['movie clip marker', hex('04'), 'AMF_UNKNOWN_MARKER'],
    ['record set marker', hex('0e'), 'AMF_UNKNOWN_MARKER'],
    ['marker 0x20', hex('20'), 'AMF_UNKNOWN_MARKER'],
    ['reference out of range', hex('07 0000'), 'AMF_BAD_REFERENCE'],
    ['strict array count beyond the input', hex('0a ffffffff 05'), 'AMF_TRUNCATED'],
  ];
  for (const [name, bytes, code] of failures) {
    it(`rejects ${name} with ${code}`, () => {
      expect(() => decodeAmf0(bytes)).toThrow(expect.objectContaining({ code }));
    });
  }

  it('rejects hostile nesting deeper than maxDepth with AMF_DEPTH', () => {
    const depth = 10_000;
    const nested = Buffer.concat([...Array.from({ length: depth }, () => hex('0a 00000001')), hex('05')]);
    expect(() => decodeAmf0(nested, 0, { maxDepth: 32 })).toThrow(expect.objectContaining({ code: 'AMF_DEPTH' }));
    const objects = Buffer.concat(Array.from({ length: 100 }, () => hex('03 0001 61')));
    expect(() => decodeAmf0(objects, 0, { maxDepth: 32 })).toThrow(expect.objectContaining({ code: 'AMF_DEPTH' }));
  });

  it('accepts nesting exactly at maxDepth', () => {
    const nested = Buffer.concat([...Array.from({ length: 4 }, () => hex('0a 00000001')), hex('05')]);
    expect(decodeAmf0(nested, 0, { maxDepth: 4 }).value).toEqual([[[[null]]]]);
  });
});

/** AMF0 values that round-trip exactly (no NaN: it is not equal to itself; -0 encodes as -0). */
const amf0Value: fc.Arbitrary<AmfValue> = fc.letrec<{ value: AmfValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.string({ maxLength: 20 }).map((s) => new AmfXmlDocument(s)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/^\d+$/.test(k)), tie('value'), { maxKeys: 4 })
      .map((d) => ({ ...d })),
    fc
      .dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/^\d+$/.test(k)), tie('value'), { maxKeys: 4 })
      .map((d) => amfEcmaArray({ ...d })),
    fc
      .tuple(fc.string({ maxLength: 8 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/^\d+$/.test(k)), tie('value'), { maxKeys: 3 }))
      .map(([name, props]) => new AmfTypedObject(name, { ...props })),
  ),
})).value;

describe('AMF0 properties', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.array(amf0Value, { maxLength: 4 }), (values) => {
        const decoded = decodeAmf0Sequence(encodeAmf0(...values));
        expect(decoded).toEqual(values);
        // and re-encodes to the same bytes
        expect(encodeAmf0(...decoded).equals(encodeAmf0(...values))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('anything decoded from random bytes re-encodes to an equal value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let values: AmfValue[];
        try {
          values = decodeAmf0Sequence(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(RtmpError);
          return;
        }
        const again = decodeAmf0Sequence(encodeAmf0(...values));
        expect(again).toEqual(values);
      }),
      { numRuns: 2000 },
    );
  });

  it('throws only RtmpError on mutated valid input', () => {
    const valid = encodeAmf0('connect', 1, { app: 'live', list: [1, 'two', { three: null }], when: new Date(0) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(valid.length), (mutations, cut) => {
        const bytes = Buffer.from(valid.subarray(0, cut));
        for (const [at, v] of mutations) if (at < bytes.length) bytes[at] = v;
        try {
          decodeAmf0Sequence(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(RtmpError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmfTypedObject, AmfValue, AmfXmlDocument, RtmpError, amfEcmaArray, decodeAmf0, decodeAmf3 } from '..';
import { hex } from '../../test/support/bytes';

const AMF3_CASES: Array<{ name: string; bytes: Buffer; value: AmfValue }> = [
  { name: 'undefined', bytes: hex('00'), value: undefined },
  { name: 'null', bytes: hex('01'), value: null },
  { name: 'false', bytes: hex('02'), value: false },
  { name: 'true', bytes: hex('03'), value: true },
  { name: 'integer 0', bytes: hex('04 00'), value: 0 },
  { name: 'integer 127 (1-byte U29)', bytes: hex('04 7f'), value: 127 },
  { name: 'integer 128 (2-byte U29)', bytes: hex('04 8100'), value: 128 },
  { name: 'integer 16384 (3-byte U29)', bytes: hex('04 818000'), value: 16384 },
  { name: 'integer 2097152 (4-byte U29)', bytes: hex('04 80c08000'), value: 2_097_152 },
  { name: 'integer 268435455 (largest)', bytes: hex('04 bfffffff'), value: 268_435_455 },
  { name: 'integer -1 (sign-extended 29 bits)', bytes: hex('04 ffffffff'), value: -1 },
  { name: 'double', bytes: hex('05 3ff8000000000000'), value: 1.5 },
  { name: 'string', bytes: hex('06 0b 68656c6c6f'), value: 'hello' },
  { name: 'empty string', bytes: hex('06 01'), value: '' },
  { name: 'string reference', bytes: hex('09 05 01 | 06 05 6162 | 06 00'), value: ['ab', 'ab'] },
  { name: 'XML document', bytes: hex('07 09 3c612f3e'), value: new AmfXmlDocument('<a/>') },
  { name: 'XML', bytes: hex('0b 09 3c612f3e'), value: new AmfXmlDocument('<a/>') },
  { name: 'date', bytes: hex('08 01 0000000000000000'), value: new Date(0) },
  { name: 'dense array', bytes: hex('09 05 01 04 01 04 02'), value: [1, 2] },
  { name: 'associative array', bytes: hex('09 03 | 03 6b 06 03 76 | 01 | 04 05'), value: amfEcmaArray({ 0: 5, k: 'v' }) },
  { name: 'anonymous dynamic object', bytes: hex('0a 0b 01 | 03 61 04 01 | 01'), value: { a: 1 } },
  { name: 'typed sealed object', bytes: hex('0a 13 07 466f6f 03 78 | 03'), value: new AmfTypedObject('Foo', { x: true }) },
  {
    name: 'traits reference',
    bytes: hex('09 05 01 | 0a 13 07 466f6f 03 78 03 | 0a 01 02'),
    value: [new AmfTypedObject('Foo', { x: true }), new AmfTypedObject('Foo', { x: false })],
  },
  { name: 'object reference', bytes: hex('09 05 01 | 0a 0b 01 01 | 0a 02'), value: [{}, {}] },
  { name: 'byte array', bytes: hex('0c 07 010203'), value: Buffer.from([1, 2, 3]) },
  { name: 'vector of int', bytes: hex('0d 05 00 ffffffff 00000001'), value: [-1, 1] },
  { name: 'vector of double', bytes: hex('0f 03 00 3ff0000000000000'), value: [1] },
  { name: 'vector of object', bytes: hex('10 03 00 01 04 07'), value: [7] },
  {
    name: 'externalizable ArrayCollection (Flex)',
    bytes: hex('0a 07 43 666c65782e6d6573736167696e672e696f2e4172726179436f6c6c656374696f6e | 09 03 01 04 01'),
    value: [1],
  },
];

describe('AMF3 decoding', () => {
  for (const c of AMF3_CASES) {
    it(`decodes ${c.name}`, () => {
      const { value, offset } = decodeAmf3(c.bytes);
      expect(value).toEqual(c.value);
      expect(offset).toBe(c.bytes.length);
    });
  }

  it('decodes AMF3 values embedded in AMF0 with the avmplus marker 0x11', () => {
    expect(decodeAmf0(hex('11 06 0b 68656c6c6f')).value).toBe('hello');
  });

  it('decodes the same object twice through an object reference as one JS object', () => {
    const value = decodeAmf3(hex('09 05 01 0a 0b 01 01 0a 02')).value as object[];
    expect(value[0]).toBe(value[1]);
  });

  const failures: Array<[string, Buffer, string]> = [
    ['unknown marker', hex('12'), 'AMF_UNKNOWN_MARKER'],
    ['string reference out of range', hex('06 02'), 'AMF_BAD_REFERENCE'],
    ['object reference out of range', hex('0a 04'), 'AMF_BAD_REFERENCE'],
    ['traits reference out of range', hex('0a 05'), 'AMF_BAD_REFERENCE'],
    ['truncated U29', hex('04 ff'), 'AMF_TRUNCATED'],
    ['unknown externalizable class', hex('0a 07 03 58'), 'AMF_UNSUPPORTED'],
    ['array count beyond the input', hex('09 ffffff7f 01'), 'AMF_TRUNCATED'],
  ];
  for (const [name, bytes, code] of failures) {
    it(`rejects ${name} with ${code}`, () => {
      expect(() => decodeAmf3(bytes)).toThrow(expect.objectContaining({ code }));
    });
  }

  it('rejects hostile nesting with AMF_DEPTH', () => {
    const nested = Buffer.concat([...Array.from({ length: 1000 }, () => hex('09 03 01')), hex('01')]);
    expect(() => decodeAmf3(nested, 0, { maxDepth: 32 })).toThrow(expect.objectContaining({ code: 'AMF_DEPTH' }));
  });

  it('throws only RtmpError on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeAmf3(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(RtmpError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

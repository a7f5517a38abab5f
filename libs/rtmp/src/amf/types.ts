/**
 * The JavaScript model of AMF values, shared by AMF0 and AMF3.
 *
 * | AMF                         | TypeScript                                             |
 * |-----------------------------|--------------------------------------------------------|
 * | number, AMF3 integer/double | `number`                                               |
 * | boolean                     | `boolean`                                              |
 * | string, long string         | `string` (strings over 65535 UTF-8 bytes encode long)  |
 * | null / undefined            | `null` / `undefined`                                   |
 * | anonymous object            | plain object {@link AmfObject}, insertion order kept   |
 * | ECMA array                  | plain object tagged by {@link amfEcmaArray}            |
 * | strict array                | `AmfValue[]`                                           |
 * | date                        | `Date` (AMF0 time zone is ignored, written as 0)       |
 * | XML document / AMF3 XML     | {@link AmfXmlDocument}                                 |
 * | typed object                | {@link AmfTypedObject}                                 |
 * | AMF3 ByteArray              | `Uint8Array`                                           |
 * | reference                   | the same JS object as the one referenced               |
 *
 * Plain objects keep insertion order for string keys; like every JS object, keys that look
 * like array indices ("0", "1") enumerate first. RTMP commands never use such keys.
 */
export type AmfValue =
  | number
  | boolean
  | string
  | null
  | undefined
  | Date
  | AmfObject
  | AmfValue[]
  | AmfTypedObject
  | AmfXmlDocument
  | Uint8Array;

export interface AmfObject {
  [key: string]: AmfValue;
}

const ECMA_ARRAY = Symbol.for('@fanout/rtmp.amfEcmaArray');

/** Tags a plain object so it encodes as an AMF0 ECMA array (marker 0x08). Returns the same object. */
export function amfEcmaArray<T extends AmfObject>(object: T): T {
  Object.defineProperty(object, ECMA_ARRAY, { value: true, enumerable: false });
  return object;
}

export function isAmfEcmaArray(value: unknown): value is AmfObject {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ECMA_ARRAY] === true;
}

export class AmfTypedObject {
  constructor(
    readonly className: string,
    readonly properties: AmfObject,
  ) {}
}

export class AmfXmlDocument {
  constructor(readonly xml: string) {}
}

export function isAmfObject(value: unknown): value is AmfObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

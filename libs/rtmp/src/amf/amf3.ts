import { RtmpError } from '../errors';
import { AmfBudget } from './budget';
import { ByteReader } from './reader';
import { AmfObject, AmfTypedObject, AmfValue, AmfXmlDocument, amfEcmaArray } from './types';

/** AMF3 type markers (AMF3 spec section 3.1). */
export const Amf3Marker = {
  Undefined: 0x00,
  Null: 0x01,
  False: 0x02,
  True: 0x03,
  Integer: 0x04,
  Double: 0x05,
  String: 0x06,
  XmlDocument: 0x07,
  Date: 0x08,
  Array: 0x09,
  Object: 0x0a,
  Xml: 0x0b,
  ByteArray: 0x0c,
  VectorInt: 0x0d,
  VectorUint: 0x0e,
  VectorDouble: 0x0f,
  VectorObject: 0x10,
  Dictionary: 0x11,
} as const;

interface Traits {
  readonly className: string;
  readonly dynamic: boolean;
  readonly externalizable: boolean;
  readonly members: readonly string[];
}

/** Flex classes whose externalised form is a single AMF3 value. */
const EXTERNALIZABLE_WRAPPERS = new Set([
  'flex.messaging.io.ArrayCollection',
  'flex.messaging.io.ObjectProxy',
  'flex.messaging.io.ArrayList',
]);

/** The three reference tables of one AMF3 decoding scope (AMF3 spec section 2.2). */
export class Amf3Context {
  readonly strings: string[] = [];
  readonly objects: AmfValue[] = [];
  readonly traits: Traits[] = [];
}

function u29(r: ByteReader): number {
  let result = 0;
  for (let i = 0; i < 3; i++) {
    const b = r.u8();
    result = (result << 7) | (b & 0x7f);
    if ((b & 0x80) === 0) return result;
  }
  return ((result << 8) | r.u8()) >>> 0;
}

function objectRef(ctx: Amf3Context, index: number): AmfValue {
  if (index >= ctx.objects.length) {
    throw new RtmpError('AMF_BAD_REFERENCE', `AMF3 object reference ${index} of ${ctx.objects.length}`);
  }
  return ctx.objects[index];
}

function string(r: ByteReader, ctx: Amf3Context): string {
  const header = u29(r);
  if ((header & 1) === 0) {
    const index = header >>> 1;
    const s = ctx.strings[index];
    if (s === undefined) throw new RtmpError('AMF_BAD_REFERENCE', `AMF3 string reference ${index}`);
    return s;
  }
  const s = r.utf8(header >>> 1);
  if (s.length > 0) ctx.strings.push(s);
  return s;
}

function setProperty(target: AmfObject, key: string, value: AmfValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Decodes one AMF3 value (the marker included). `depth` counts enclosing containers. */
export function decodeAmf3Value(r: ByteReader, ctx: Amf3Context, depth = 0, budget: AmfBudget = AmfBudget.of({})): AmfValue {
  budget.count();
  const enter = (): void => budget.enter(depth);
  const marker = r.u8();
  switch (marker) {
    case Amf3Marker.Undefined:
      return undefined;
    case Amf3Marker.Null:
      return null;
    case Amf3Marker.False:
      return false;
    case Amf3Marker.True:
      return true;
    case Amf3Marker.Integer: {
      const v = u29(r);
      return v & 0x10000000 ? v - 0x20000000 : v;
    }
    case Amf3Marker.Double:
      return r.f64();
    case Amf3Marker.String:
      return string(r, ctx);
    case Amf3Marker.XmlDocument:
    case Amf3Marker.Xml: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      const xml = new AmfXmlDocument(r.utf8(header >>> 1));
      ctx.objects.push(xml);
      return xml;
    }
    case Amf3Marker.Date: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      const date = new Date(r.f64());
      ctx.objects.push(date);
      return date;
    }
    case Amf3Marker.ByteArray: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      const bytes = Buffer.from(r.bytes(header >>> 1));
      ctx.objects.push(bytes);
      return bytes;
    }
    case Amf3Marker.Array: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      enter();
      const denseCount = header >>> 1;
      const dense: AmfValue[] = [];
      let assoc: AmfObject | undefined;
      const index = ctx.objects.length;
      ctx.objects.push(dense);
      for (;;) {
        const key = string(r, ctx);
        if (key === '') break;
        if (!assoc) {
          assoc = amfEcmaArray({});
          ctx.objects[index] = assoc;
        }
        setProperty(assoc, key, decodeAmf3Value(r, ctx, depth + 1, budget));
      }
      r.need(denseCount);
      for (let i = 0; i < denseCount; i++) dense.push(decodeAmf3Value(r, ctx, depth + 1, budget));
      if (!assoc) return dense;
      dense.forEach((v, i) => setProperty(assoc, String(i), v));
      return assoc;
    }
    case Amf3Marker.Object: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      enter();
      let traits: Traits;
      if ((header & 2) === 0) {
        const t = ctx.traits[header >>> 2];
        if (!t) throw new RtmpError('AMF_BAD_REFERENCE', `AMF3 traits reference ${header >>> 2}`);
        traits = t;
      } else {
        const externalizable = (header & 4) !== 0;
        const dynamic = (header & 8) !== 0;
        const count = header >>> 4;
        const className = string(r, ctx);
        r.need(count);
        const members: string[] = [];
        for (let i = 0; i < count; i++) members.push(string(r, ctx));
        traits = { className, dynamic, externalizable, members };
        ctx.traits.push(traits);
      }
      if (traits.externalizable) {
        if (!EXTERNALIZABLE_WRAPPERS.has(traits.className)) {
          throw new RtmpError('AMF_UNSUPPORTED', `AMF3 externalizable class ${traits.className}`);
        }
        const slot = ctx.objects.length;
        ctx.objects.push(null);
        const inner = decodeAmf3Value(r, ctx, depth + 1, budget);
        ctx.objects[slot] = inner;
        return inner;
      }
      const properties: AmfObject = {};
      const result: AmfValue = traits.className ? new AmfTypedObject(traits.className, properties) : properties;
      ctx.objects.push(result);
      for (const member of traits.members) setProperty(properties, member, decodeAmf3Value(r, ctx, depth + 1, budget));
      if (traits.dynamic) {
        for (;;) {
          const key = string(r, ctx);
          if (key === '') break;
          setProperty(properties, key, decodeAmf3Value(r, ctx, depth + 1, budget));
        }
      }
      return result;
    }
    case Amf3Marker.VectorInt:
    case Amf3Marker.VectorUint:
    case Amf3Marker.VectorDouble:
    case Amf3Marker.VectorObject: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      enter();
      const count = header >>> 1;
      r.u8(); // fixed-length flag
      const items: AmfValue[] = [];
      ctx.objects.push(items);
      if (marker === Amf3Marker.VectorObject) string(r, ctx); // element type name
      r.need(count);
      for (let i = 0; i < count; i++) {
        if (marker === Amf3Marker.VectorInt) items.push(r.u32() | 0);
        else if (marker === Amf3Marker.VectorUint) items.push(r.u32());
        else if (marker === Amf3Marker.VectorDouble) items.push(r.f64());
        else items.push(decodeAmf3Value(r, ctx, depth + 1, budget));
      }
      return items;
    }
    case Amf3Marker.Dictionary: {
      const header = u29(r);
      if ((header & 1) === 0) return objectRef(ctx, header >>> 1);
      enter();
      const count = header >>> 1;
      r.u8(); // weak-keys flag
      const dict: AmfObject = amfEcmaArray({});
      ctx.objects.push(dict);
      r.need(count);
      for (let i = 0; i < count; i++) {
        const key = decodeAmf3Value(r, ctx, depth + 1, budget);
        setProperty(dict, String(key), decodeAmf3Value(r, ctx, depth + 1, budget));
      }
      return dict;
    }
    default:
      throw new RtmpError('AMF_UNKNOWN_MARKER', `AMF3 marker 0x${marker.toString(16)} at ${r.offset - 1}`);
  }
}

/** Decodes one AMF3 value from a buffer with a fresh reference context. */
export function decodeAmf3(
  buffer: Buffer,
  offset = 0,
  options: { maxDepth?: number; maxValues?: number } = {},
): { value: AmfValue; offset: number } {
  const r = new ByteReader(buffer, offset);
  const value = decodeAmf3Value(r, new Amf3Context(), 0, AmfBudget.of(options));
  return { value, offset: r.offset };
}

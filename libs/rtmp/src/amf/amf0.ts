import { RtmpError } from '../errors';
import { AmfBudget } from './budget';
import { decodeAmf3Value, Amf3Context } from './amf3';
import { ByteReader, ByteWriter } from './reader';
import {
  AmfObject,
  AmfTypedObject,
  AmfValue,
  AmfXmlDocument,
  amfEcmaArray,
  isAmfEcmaArray,
  isAmfObject,
} from './types';

/** AMF0 type markers (AMF0 spec section 2.1). */
export const Amf0Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  MovieClip: 0x04,
  Null: 0x05,
  Undefined: 0x06,
  Reference: 0x07,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  Date: 0x0b,
  LongString: 0x0c,
  Unsupported: 0x0d,
  RecordSet: 0x0e,
  XmlDocument: 0x0f,
  TypedObject: 0x10,
  AvmPlus: 0x11,
} as const;

export interface Amf0DecodeOptions {
  /** Nesting depth limit (objects and arrays). */
  maxDepth?: number;
  /** Values (scalars, containers and properties' values) one message may hold before decoding stops with AMF_LIMIT. */
  maxValues?: number;
}

/** Decoder state for one AMF0 message: the reference table is per message (AMF0 spec 2.9). */
class Amf0Decoder {
  private readonly references: AmfValue[] = [];
  private amf3: Amf3Context | undefined;

  constructor(
    private readonly r: ByteReader,
    private readonly budget: AmfBudget,
  ) {}

  value(depth: number): AmfValue {
    this.budget.count();
    const marker = this.r.u8();
    switch (marker) {
      case Amf0Marker.Number:
        return this.r.f64();
      case Amf0Marker.Boolean:
        return this.r.u8() !== 0;
      case Amf0Marker.String:
        return this.r.utf8(this.r.u16());
      case Amf0Marker.LongString:
        return this.r.utf8(this.r.u32());
      case Amf0Marker.Null:
        return null;
      case Amf0Marker.Undefined:
      case Amf0Marker.Unsupported:
        return undefined;
      case Amf0Marker.Object: {
        const object: AmfObject = {};
        this.enter(depth);
        this.references.push(object);
        this.properties(object, depth);
        return object;
      }
      case Amf0Marker.EcmaArray: {
        this.r.u32(); // associative count: a hint only, real encoders get it wrong
        const object = amfEcmaArray({});
        this.enter(depth);
        this.references.push(object);
        this.properties(object, depth);
        return object;
      }
      case Amf0Marker.TypedObject: {
        const className = this.r.utf8(this.r.u16());
        const properties: AmfObject = {};
        const typed = new AmfTypedObject(className, properties);
        this.enter(depth);
        this.references.push(typed);
        this.properties(properties, depth);
        return typed;
      }
      case Amf0Marker.StrictArray: {
        const count = this.r.u32();
        // Every element takes at least one byte: reject impossible counts before allocating.
        this.r.need(count);
        this.enter(depth);
        const array: AmfValue[] = [];
        this.references.push(array);
        for (let i = 0; i < count; i++) array.push(this.value(depth + 1));
        return array;
      }
      case Amf0Marker.Reference: {
        const index = this.r.u16();
        if (index >= this.references.length) {
          throw new RtmpError('AMF_BAD_REFERENCE', `AMF0 reference ${index} of ${this.references.length}`);
        }
        return this.references[index];
      }
      case Amf0Marker.Date: {
        const ms = this.r.f64();
        this.r.i16(); // time zone: reserved, should be 0
        return new Date(ms);
      }
      case Amf0Marker.XmlDocument:
        return new AmfXmlDocument(this.r.utf8(this.r.u32()));
      case Amf0Marker.AvmPlus:
        this.amf3 ??= new Amf3Context();
        return decodeAmf3Value(this.r, this.amf3, depth, this.budget);
      default:
        throw new RtmpError('AMF_UNKNOWN_MARKER', `AMF0 marker 0x${marker.toString(16)} at ${this.r.offset - 1}`);
    }
  }

  private enter(depth: number): void {
    this.budget.enter(depth);
  }

  private properties(target: AmfObject, depth: number): void {
    for (;;) {
      const keyLength = this.r.u16();
      if (keyLength === 0) {
        // Empty key: either object-end, or (rarely) a real empty-named property.
        this.r.need(1);
        if (this.r.buffer[this.r.offset] === Amf0Marker.ObjectEnd) {
          this.r.offset++;
          return;
        }
      }
      const key = this.r.utf8(keyLength);
      const value = this.value(depth + 1);
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
}

/** Decodes one AMF0 value at `offset`; returns it with the offset after it. */
export function decodeAmf0(
  buffer: Buffer,
  offset = 0,
  options: Amf0DecodeOptions = {},
): { value: AmfValue; offset: number } {
  const r = new ByteReader(buffer, offset);
  const value = new Amf0Decoder(r, AmfBudget.of(options)).value(0);
  return { value, offset: r.offset };
}

/** Decodes every AMF0 value from `offset` to the end of `buffer`. References span the whole sequence. */
export function decodeAmf0Sequence(buffer: Buffer, offset = 0, options: Amf0DecodeOptions = {}): AmfValue[] {
  const r = new ByteReader(buffer, offset);
  const decoder = new Amf0Decoder(r, AmfBudget.of(options));
  const values: AmfValue[] = [];
  while (r.remaining > 0) values.push(decoder.value(0));
  return values;
}

/** Encoder state for one AMF0 message: repeated complex values are written as references. */
class Amf0Encoder {
  private readonly seen = new Map<object, number>();

  constructor(readonly w: ByteWriter) {}

  value(value: AmfValue): void {
    const w = this.w;
    if (value === null) return w.u8(Amf0Marker.Null);
    if (value === undefined) return w.u8(Amf0Marker.Undefined);
    switch (typeof value) {
      case 'number':
        w.u8(Amf0Marker.Number);
        return w.f64(value);
      case 'boolean':
        w.u8(Amf0Marker.Boolean);
        return w.u8(value ? 1 : 0);
      case 'string':
        return this.string(value);
      default:
        break;
    }
    if (value instanceof Date) {
      w.u8(Amf0Marker.Date);
      w.f64(value.getTime());
      return w.i16(0);
    }
    if (value instanceof AmfXmlDocument) {
      w.u8(Amf0Marker.XmlDocument);
      return this.utf8Long(value.xml);
    }
    if (value instanceof Uint8Array) {
      throw new RtmpError('AMF_UNSUPPORTED', 'AMF0 has no byte array type');
    }
    const ref = this.seen.get(value);
    if (ref !== undefined && ref <= 0xffff) {
      w.u8(Amf0Marker.Reference);
      return w.u16(ref);
    }
    this.seen.set(value, this.seen.size);
    if (Array.isArray(value)) {
      w.u8(Amf0Marker.StrictArray);
      w.u32(value.length);
      for (const item of value) this.value(item);
      return;
    }
    if (value instanceof AmfTypedObject) {
      w.u8(Amf0Marker.TypedObject);
      this.utf8Short(value.className);
      return this.properties(value.properties);
    }
    if (isAmfEcmaArray(value)) {
      w.u8(Amf0Marker.EcmaArray);
      w.u32(Object.keys(value).length);
      return this.properties(value);
    }
    if (isAmfObject(value)) {
      w.u8(Amf0Marker.Object);
      return this.properties(value);
    }
    throw new RtmpError('AMF_UNSUPPORTED', `cannot encode ${Object.prototype.toString.call(value)} as AMF0`);
  }

  private string(value: string): void {
    if (Buffer.byteLength(value, 'utf8') > 0xffff) {
      this.w.u8(Amf0Marker.LongString);
      this.utf8Long(value);
    } else {
      this.w.u8(Amf0Marker.String);
      this.utf8Short(value);
    }
  }

  private utf8Short(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0xffff) throw new RtmpError('AMF_UNSUPPORTED', 'AMF0 key or class name longer than 65535 bytes');
    this.w.u16(n);
    this.w.utf8(s);
  }

  private utf8Long(s: string): void {
    this.w.u32(Buffer.byteLength(s, 'utf8'));
    this.w.utf8(s);
  }

  private properties(object: AmfObject): void {
    for (const key of Object.keys(object)) {
      this.utf8Short(key);
      this.value(object[key]);
    }
    this.w.u16(0);
    this.w.u8(Amf0Marker.ObjectEnd);
  }
}

/** Encodes AMF0 values back to back (a command or data message body). */
export function encodeAmf0(...values: AmfValue[]): Buffer {
  const w = new ByteWriter();
  const encoder = new Amf0Encoder(w);
  for (const value of values) encoder.value(value);
  return w.toBuffer();
}

/** Appends AMF0 values to an existing writer (references are scoped to this call). */
export function writeAmf0(w: ByteWriter, values: readonly AmfValue[]): void {
  const encoder = new Amf0Encoder(w);
  for (const value of values) encoder.value(value);
}

import { MediaTagError, need } from './errors';

/** FLV TagType values. */
export const FLV_TAG_AUDIO = 8;
export const FLV_TAG_VIDEO = 9;
export const FLV_TAG_SCRIPT = 18;

export type FlvTagKind = 'audio' | 'video' | 'script' | 'unknown';

export interface FlvHeader {
  version: number;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Offset of PreviousTagSize0 (9 for every FLV version 1 file). */
  dataOffset: number;
}

export interface FlvTag {
  kind: FlvTagKind;
  /** The 5-bit TagType. */
  type: number;
  /** The Filter bit (encrypted/pre-processed tag). */
  filtered: boolean;
  /** Milliseconds, 32-bit (TimestampExtended is the upper byte). */
  timestamp: number;
  streamId: number;
  /** A `subarray` view of the tag body. */
  data: Buffer;
  /** Offset of the tag header in the file. */
  offset: number;
}

export interface FlvTagInput {
  type: number;
  timestamp: number;
  data: Uint8Array;
  filtered?: boolean;
}

const FLV_HEADER_SIZE = 9;
const TAG_HEADER_SIZE = 11;
const PREVIOUS_TAG_SIZE = 4;
const MAX_TAG_DATA = 0xffffff;
const KINDS: Readonly<Record<number, FlvTagKind>> = { [FLV_TAG_AUDIO]: 'audio', [FLV_TAG_VIDEO]: 'video', [FLV_TAG_SCRIPT]: 'script' };

export function readFlvHeader(file: Buffer): FlvHeader {
  need(file, 0, FLV_HEADER_SIZE, 'FLV header');
  if (file[0] !== 0x46 || file[1] !== 0x4c || file[2] !== 0x56) throw new MediaTagError('FLV_BAD_SIGNATURE', 'FLV header: missing "FLV" signature');
  const version = file[3] as number;
  if (version !== 1) throw new MediaTagError('FLV_BAD_SIGNATURE', `FLV header: unsupported version ${version}`);
  const flags = file[4] as number;
  const dataOffset = file.readUInt32BE(5);
  if (dataOffset < FLV_HEADER_SIZE) throw new MediaTagError('MALFORMED', `FLV header: DataOffset ${dataOffset} is smaller than the header`);
  return { version, hasAudio: (flags & 0x04) !== 0, hasVideo: (flags & 0x01) !== 0, dataOffset };
}

/**
 * Iterates the tags of an FLV file held in memory, checking every
 * PreviousTagSize. Tag bodies are `subarray` views. A file that ends right
 * after a tag (without its trailing PreviousTagSize) is accepted, since
 * recorders that are killed often stop there; anything shorter is `TRUNCATED`.
 */
export function* iterateFlvTags(file: Buffer): Generator<FlvTag, void, undefined> {
  const header = readFlvHeader(file);
  let pos = header.dataOffset;
  need(file, pos, PREVIOUS_TAG_SIZE, 'FLV PreviousTagSize0');
  if (file.readUInt32BE(pos) !== 0) throw new MediaTagError('FLV_PREVIOUS_TAG_SIZE_MISMATCH', 'FLV: PreviousTagSize0 is not 0');
  pos += PREVIOUS_TAG_SIZE;

  while (pos < file.length) {
    need(file, pos, TAG_HEADER_SIZE, 'FLV tag header');
    const first = file[pos] as number;
    const size = file.readUIntBE(pos + 1, 3);
    const timestamp = (file.readUIntBE(pos + 4, 3) + (file[pos + 7] as number) * 0x1000000) >>> 0;
    const streamId = file.readUIntBE(pos + 8, 3);
    need(file, pos + TAG_HEADER_SIZE, size, 'FLV tag body');
    const bodyStart = pos + TAG_HEADER_SIZE;
    const type = first & 0x1f;
    const tag: FlvTag = {
      kind: KINDS[type] ?? 'unknown',
      type,
      filtered: (first & 0x20) !== 0,
      timestamp,
      streamId,
      data: file.subarray(bodyStart, bodyStart + size),
      offset: pos,
    };
    const end = bodyStart + size;
    if (end < file.length) {
      need(file, end, PREVIOUS_TAG_SIZE, 'FLV PreviousTagSize');
      const previous = file.readUInt32BE(end);
      if (previous !== TAG_HEADER_SIZE + size) {
        throw new MediaTagError('FLV_PREVIOUS_TAG_SIZE_MISMATCH', `FLV: PreviousTagSize ${previous} after the tag at offset ${pos}, expected ${TAG_HEADER_SIZE + size}`);
      }
    }
    yield tag;
    pos = end + PREVIOUS_TAG_SIZE;
  }
}

/** Reads a whole FLV file: header plus every tag. */
export function readFlv(file: Buffer): { header: FlvHeader; tags: FlvTag[] } {
  return { header: readFlvHeader(file), tags: [...iterateFlvTags(file)] };
}

/** FLV header plus PreviousTagSize0 (13 bytes). */
export function encodeFlvHeader(flags: { hasAudio: boolean; hasVideo: boolean }): Buffer {
  const out = Buffer.alloc(FLV_HEADER_SIZE + PREVIOUS_TAG_SIZE);
  out.write('FLV', 0, 'latin1');
  out[3] = 1;
  out[4] = (flags.hasAudio ? 0x04 : 0) | (flags.hasVideo ? 0x01 : 0);
  out.writeUInt32BE(FLV_HEADER_SIZE, 5);
  return out;
}

/** One tag: header, body and its trailing PreviousTagSize. */
export function encodeFlvTag(tag: FlvTagInput): Buffer {
  if (!Number.isInteger(tag.type) || tag.type < 0 || tag.type > 0x1f) throw new MediaTagError('INVALID_ARGUMENT', `FLV tag: type ${tag.type} does not fit 5 bits`);
  if (!Number.isInteger(tag.timestamp) || tag.timestamp < 0 || tag.timestamp > 0xffffffff) {
    throw new MediaTagError('INVALID_ARGUMENT', `FLV tag: timestamp ${tag.timestamp} is not a 32-bit unsigned integer`);
  }
  const size = tag.data.length;
  if (size > MAX_TAG_DATA) throw new MediaTagError('INVALID_ARGUMENT', `FLV tag: body of ${size} bytes exceeds ${MAX_TAG_DATA}`);
  const out = Buffer.allocUnsafe(TAG_HEADER_SIZE + size + PREVIOUS_TAG_SIZE);
  out[0] = tag.type | (tag.filtered ? 0x20 : 0);
  out.writeUIntBE(size, 1, 3);
  out.writeUIntBE(tag.timestamp & 0xffffff, 4, 3);
  out[7] = tag.timestamp >>> 24;
  out.writeUIntBE(0, 8, 3);
  out.set(tag.data, TAG_HEADER_SIZE);
  out.writeUInt32BE(TAG_HEADER_SIZE + size, TAG_HEADER_SIZE + size);
  return out;
}

/** A whole FLV file from a tag list. */
export function writeFlv(flags: { hasAudio: boolean; hasVideo: boolean }, tags: Iterable<FlvTagInput>): Buffer {
  const parts = [encodeFlvHeader(flags)];
  for (const tag of tags) parts.push(encodeFlvTag(tag));
  return Buffer.concat(parts);
}

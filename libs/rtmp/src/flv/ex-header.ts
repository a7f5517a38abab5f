import { MediaTagError, need } from './errors';
import { readFourCc } from './fourcc';

/** Enhanced RTMP AvMultitrackType, shared by audio and video. */
export type MultitrackType = 'one-track' | 'many-tracks' | 'many-tracks-many-codecs';

export const MULTITRACK_TYPES: readonly MultitrackType[] = ['one-track', 'many-tracks', 'many-tracks-many-codecs'];

/** Packet type value that announces a ModEx prefix (same for audio and video). */
export const PACKET_TYPE_MOD_EX = 7;
/** Packet type value that announces multitrack (audio 5, video 6). */
export const AUDIO_PACKET_TYPE_MULTITRACK = 5;
export const VIDEO_PACKET_TYPE_MULTITRACK = 6;

export interface ModExResult {
  /** The packet type that follows the ModEx chain. */
  packetTypeId: number;
  /** Offset just after the ModEx chain. */
  offset: number;
  /** TimestampOffsetNano (0..999999 ns) when a ModEx of that type was present. */
  timestampNanoOffset?: number;
}

/**
 * Walks the ModEx chain that starts at `offset` when `packetTypeId` is ModEx
 * (E-RTMP v2). Every round consumes at least two bytes, so the loop is bounded
 * by the buffer length.
 */
export function readModEx(data: Uint8Array, offset: number, packetTypeId: number, what: string): ModExResult {
  const result: ModExResult = { packetTypeId, offset };
  let pos = offset;
  while (result.packetTypeId === PACKET_TYPE_MOD_EX) {
    need(data, pos, 1, `${what} ModEx size`);
    let size = (data[pos] as number) + 1;
    pos += 1;
    if (size === 256) {
      need(data, pos, 2, `${what} ModEx extended size`);
      size = (((data[pos] as number) << 8) | (data[pos + 1] as number)) + 1;
      pos += 2;
    }
    need(data, pos, size + 1, `${what} ModEx data`);
    const modExStart = pos;
    pos += size;
    const modExType = (data[pos] as number) >> 4;
    result.packetTypeId = (data[pos] as number) & 0x0f;
    pos += 1;
    // 0 = TimestampOffsetNano; the spec requires at least 3 bytes and reads the first three.
    if (modExType === 0 && size >= 3) {
      result.timestampNanoOffset = readUInt24(data, modExStart);
    }
  }
  result.offset = pos;
  return result;
}

export function readUInt24(data: Uint8Array, offset: number): number {
  return ((data[offset] as number) << 16) | ((data[offset + 1] as number) << 8) | (data[offset + 2] as number);
}

export function readInt24(data: Uint8Array, offset: number): number {
  return (readUInt24(data, offset) << 8) >> 8;
}

export function multitrackType(value: number, what: string): MultitrackType {
  const type = MULTITRACK_TYPES[value];
  if (type === undefined) throw new MediaTagError('UNSUPPORTED', `${what}: reserved multitrack type ${value}`);
  return type;
}

export interface TrackHeader {
  fourCc: string;
  trackId: number;
  /** Offset of the track's body. */
  start: number;
  /** End of the track's body (the tag's end unless the multitrack type sizes each track). */
  end: number;
}

/**
 * Reads one track header of an Enhanced RTMP audio or video tag at `pos`: the per-track FourCC
 * (many-tracks-many-codecs), the track id and the 24-bit track size (all but one-track). A tag
 * without multitrack is one track spanning the rest of the tag.
 */
export function readTrackHeader(
  data: Uint8Array,
  pos: number,
  multitrack: MultitrackType | undefined,
  tagFourCc: string | undefined,
  what: 'audio' | 'video',
): TrackHeader {
  const header: TrackHeader = { fourCc: tagFourCc as string, trackId: 0, start: pos, end: data.length };
  if (multitrack === undefined) return header;
  if (multitrack === 'many-tracks-many-codecs') {
    need(data, pos, 4, `${what} track FourCC`);
    header.fourCc = readFourCc(data, pos);
    pos += 4;
  }
  need(data, pos, 1, `${what} track id`);
  header.trackId = data[pos] as number;
  pos += 1;
  if (multitrack !== 'one-track') {
    need(data, pos, 3, `${what} track size`);
    const size = readUInt24(data, pos);
    pos += 3;
    need(data, pos, size, `${what} track`);
    header.end = pos + size;
  }
  header.start = pos;
  return header;
}

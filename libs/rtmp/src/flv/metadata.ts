import { type AudioCodec, LEGACY_SOUND_FORMATS, LEGACY_VIDEO_CODEC_IDS, type VideoCodec, audioCodecFromFourCc, numberToFourCc, videoCodecFromFourCc } from './fourcc';

/** Typed view of an onMetaData object. Absent or wrongly typed fields are undefined. */
export interface StreamMetadata {
  width?: number;
  height?: number;
  /** From `framerate`, or `fps` when `framerate` is absent. */
  framerate?: number;
  /** kbit/s */
  videodatarate?: number;
  /** kbit/s */
  audiodatarate?: number;
  /** The raw id: a legacy CodecID number, a FourCC as UI32 number, or a FourCC string. */
  videocodecid?: number | string;
  videoCodec?: VideoCodec;
  audiocodecid?: number | string;
  audioCodec?: AudioCodec;
  audiosamplerate?: number;
  audiosamplesize?: number;
  /** From `audiochannels`, else 2/1 from `stereo`. */
  audiochannels?: number;
  stereo?: boolean;
  encoder?: string;
  /** Seconds; 0 for live streams. */
  duration?: number;
  filesize?: number;
  /** Every other key, and known keys whose value had the wrong type, as given. */
  extra: Record<string, unknown>;
}

type Kind = 'dimension' | 'rate' | 'nonneg' | 'string' | 'boolean' | 'codec';

const FIELDS: Readonly<Record<string, Kind>> = {
  width: 'dimension',
  height: 'dimension',
  framerate: 'rate',
  fps: 'rate',
  videodatarate: 'nonneg',
  audiodatarate: 'nonneg',
  videocodecid: 'codec',
  audiocodecid: 'codec',
  audiosamplerate: 'rate',
  audiosamplesize: 'nonneg',
  audiochannels: 'dimension',
  stereo: 'boolean',
  encoder: 'string',
  duration: 'nonneg',
  filesize: 'nonneg',
};

/**
 * Reads the fields the dashboard shows out of an already AMF-decoded
 * onMetaData value. Accepts the object itself (AMF0 object or ECMA array as a
 * plain object or Map) or the argument list of `@setDataFrame` /
 * `onMetaData` data messages (e.g. `['onMetaData', {...}]`). Never throws:
 * wrongly typed values land in `extra` instead.
 */
export function parseOnMetaData(value: unknown): StreamMetadata {
  const entries = metadataEntries(value);
  const result: StreamMetadata = { extra: Object.create(null) as Record<string, unknown> };
  const accepted: Record<string, number | string | boolean> = Object.create(null) as Record<string, number | string | boolean>;

  for (const [key, raw] of entries) {
    const kind = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    const checked = kind === undefined ? undefined : check(kind, raw);
    if (checked === undefined) result.extra[key] = raw;
    else accepted[key] = checked;
  }

  assignNumber(result, 'width', accepted.width);
  assignNumber(result, 'height', accepted.height);
  assignNumber(result, 'framerate', accepted.framerate ?? accepted.fps);
  assignNumber(result, 'videodatarate', accepted.videodatarate);
  assignNumber(result, 'audiodatarate', accepted.audiodatarate);
  assignNumber(result, 'audiosamplerate', accepted.audiosamplerate);
  assignNumber(result, 'audiosamplesize', accepted.audiosamplesize);
  assignNumber(result, 'duration', accepted.duration);
  assignNumber(result, 'filesize', accepted.filesize);
  if (typeof accepted.encoder === 'string') result.encoder = accepted.encoder;
  if (typeof accepted.stereo === 'boolean') result.stereo = accepted.stereo;
  if (typeof accepted.audiochannels === 'number') result.audiochannels = accepted.audiochannels;
  else if (result.stereo !== undefined) result.audiochannels = result.stereo ? 2 : 1;

  const videoId = accepted.videocodecid;
  if (typeof videoId === 'number' || typeof videoId === 'string') {
    result.videocodecid = videoId;
    result.videoCodec = videoCodecFromId(videoId);
  }
  const audioId = accepted.audiocodecid;
  if (typeof audioId === 'number' || typeof audioId === 'string') {
    result.audiocodecid = audioId;
    result.audioCodec = audioCodecFromId(audioId);
  }
  return result;
}

/** A legacy CodecID, a FourCC packed in a UI32 (E-RTMP), or a FourCC string → codec name. */
export function videoCodecFromId(id: number | string): VideoCodec {
  if (typeof id === 'string') return videoCodecFromFourCc(id);
  if (id <= 15) return LEGACY_VIDEO_CODEC_IDS[id] ?? 'unknown';
  const fourCc = numberToFourCc(id);
  return fourCc === undefined ? 'unknown' : videoCodecFromFourCc(fourCc);
}

export function audioCodecFromId(id: number | string): AudioCodec {
  if (typeof id === 'string') return audioCodecFromFourCc(id);
  if (id <= 15) return LEGACY_SOUND_FORMATS[id] ?? 'unknown';
  const fourCc = numberToFourCc(id);
  return fourCc === undefined ? 'unknown' : audioCodecFromFourCc(fourCc);
}

function metadataEntries(value: unknown): Iterable<[string, unknown]> {
  if (Array.isArray(value)) {
    // Data message arguments: ['@setDataFrame', 'onMetaData', {...}] or ['onMetaData', {...}].
    const index = value.findIndex((v) => v === 'onMetaData');
    const candidate = index >= 0 ? value[index + 1] : value.find((v) => isRecord(v) || v instanceof Map);
    return candidate === undefined || Array.isArray(candidate) ? [] : metadataEntries(candidate);
  }
  if (value instanceof Map) {
    return [...value.entries()].filter((e): e is [string, unknown] => typeof e[0] === 'string');
  }
  if (isRecord(value)) return Object.entries(value);
  return [];
}

/** Plain objects only (AMF0 object / ECMA array): not Dates, typed objects, byte arrays or Maps. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function check(kind: Kind, raw: unknown): number | string | boolean | undefined {
  switch (kind) {
    case 'dimension':
      return typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? raw : undefined;
    case 'rate':
      return typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? raw : undefined;
    case 'nonneg':
      return typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 ? raw : undefined;
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'codec':
      if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 && raw <= 0xffffffff ? raw : undefined;
      return typeof raw === 'string' && raw.length === 4 ? raw : undefined;
  }
}

type NumericKey = 'width' | 'height' | 'framerate' | 'videodatarate' | 'audiodatarate' | 'audiosamplerate' | 'audiosamplesize' | 'duration' | 'filesize';

function assignNumber(result: StreamMetadata, key: NumericKey, value: number | string | boolean | undefined): void {
  if (typeof value === 'number') result[key] = value;
}

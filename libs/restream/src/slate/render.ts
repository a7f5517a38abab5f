import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLV_TAG_AUDIO, FLV_TAG_SCRIPT, FLV_TAG_VIDEO, type FlvTagInput, encodeAmf0, readFlv, writeFlv } from '@fanout/rtmp';
import { type EngineLogger, noopLogger } from '../logger';
import { type SlateClip, SlateClipError, slateClipFromFlv } from './clip';
import { hevcAccessUnits, hevcCodedFramesTag, hevcDecoderConfigRecord, hevcSequenceStartTag, splitAnnexB } from './hevc-annexb';
import { type SlateParams, describeSlateParams, fpsOf, slateKey } from './params';

export type SlateErrorCode = 'FFMPEG_MISSING' | 'RENDER_FAILED' | 'BAD_IMAGE' | 'BAD_CLIP';

/** Why a slate could not be had. `message` is for logs; the host maps `code` to what it shows. */
export class SlateError extends Error {
  constructor(
    readonly code: SlateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlateError';
  }
}

/** Largest custom slate image accepted (the 5 MB). */
export const MAX_SLATE_IMAGE_BYTES = 5 * 1024 * 1024;
/** Default loop: 2 s, which is exactly one GOP. */
export const DEFAULT_SLATE_LOOP_SECONDS = 2;
export const DEFAULT_SLATE_TITLE = "We'll be right back";

export interface SlateRenderOptions {
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** A PNG or JPEG (path or bytes, at most {@link MAX_SLATE_IMAGE_BYTES}), scaled and padded to fit; default the Fanout card. */
  image?: string | Buffer;
  /** Where rendered slates are kept, one file per parameters + image. */
  cacheDir: string;
  /** Length of the loop (one GOP), default {@link DEFAULT_SLATE_LOOP_SECONDS}. */
  loopSeconds?: number;
  /** Bound on one render (default 60 s). */
  timeoutMs?: number;
}

export type SlateSupport = { available: true; version: string } | { available: false; reason: string };

const support = new Map<string, Promise<SlateSupport>>();

/** Whether `ffmpegPath` runs and has what a slate needs (libx264, libx265, aac, drawtext). Checked once per path. */
export function slateSupport(ffmpegPath = 'ffmpeg'): Promise<SlateSupport> {
  let known = support.get(ffmpegPath);
  if (known === undefined) {
    known = probeFfmpeg(ffmpegPath);
    support.set(ffmpegPath, known);
  }
  return known;
}

export async function slateAvailable(ffmpegPath = 'ffmpeg'): Promise<boolean> {
  return (await slateSupport(ffmpegPath)).available;
}

async function probeFfmpeg(ffmpegPath: string): Promise<SlateSupport> {
  try {
    const version = (await run(ffmpegPath, ['-hide_banner', '-version'], 10_000)).split('\n')[0]?.trim() ?? '';
    const encoders = await run(ffmpegPath, ['-hide_banner', '-encoders'], 10_000);
    const filters = await run(ffmpegPath, ['-hide_banner', '-filters'], 10_000);
    const missing = [
      ...['libx264', 'libx265', 'aac'].filter((e) => !new RegExp(`\\s${e}\\s`).test(encoders)),
      ...['drawtext', 'anullsrc', 'scale', 'pad'].filter((f) => !new RegExp(`\\s${f}\\s`).test(filters)),
    ];
    if (missing.length > 0) return { available: false, reason: `${ffmpegPath} lacks ${missing.join(', ')}` };
    return { available: true, version };
  } catch (error) {
    return { available: false, reason: error instanceof SlateError ? error.message : String(error) };
  }
}

const renders = new Map<string, Promise<SlateClip>>();

/**
 * A slate matching `params`, rendered by ffmpeg once and kept in `cacheDir` under a hash of the
 * parameters and the image: a loop of exactly one GOP (keyframe first, no B-frames), a still
 * picture and silent audio, in the ingest's codec, size, rate and audio layout. Concurrent calls
 * for the same slate share one render; later calls read the cached file. Rejects with a
 * {@link SlateError}.
 */
export function renderSlate(params: SlateParams, options: SlateRenderOptions): Promise<SlateClip> {
  const image = options.image;
  const imageBytes = image === undefined ? Promise.resolve(undefined) : loadImage(image);
  return imageBytes.then((bytes) => {
    const digest = bytes === undefined ? 'default' : createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const loopSeconds = options.loopSeconds ?? DEFAULT_SLATE_LOOP_SECONDS;
    const key = slateKey(params, `${digest}:${loopSeconds}`);
    const file = join(options.cacheDir, `slate-${key}.flv`);
    const inflight = renders.get(file);
    if (inflight !== undefined) return inflight;
    const rendering = (async () => {
      if (!existsSync(file)) await renderToFile(params, { ...options, loopSeconds }, bytes, digest, file);
      try {
        return slateClipFromFlv(await readFile(file), file, params, key);
      } catch (error) {
        await rm(file, { force: true }); // a bad cached file must not stay
        throw new SlateError('BAD_CLIP', error instanceof SlateClipError ? error.message : String(error));
      }
    })().finally(() => renders.delete(file));
    renders.set(file, rendering);
    return rendering;
  });
}

async function loadImage(image: string | Buffer): Promise<Buffer> {
  let bytes: Buffer;
  if (Buffer.isBuffer(image)) {
    bytes = image;
  } else {
    const info = await stat(image).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new SlateError('BAD_IMAGE', `slate image ${image} does not exist`);
    if (info.size > MAX_SLATE_IMAGE_BYTES) throw new SlateError('BAD_IMAGE', `slate image is ${info.size} bytes, more than ${MAX_SLATE_IMAGE_BYTES}`);
    bytes = await readFile(image);
  }
  if (bytes.length > MAX_SLATE_IMAGE_BYTES) throw new SlateError('BAD_IMAGE', `slate image is ${bytes.length} bytes, more than ${MAX_SLATE_IMAGE_BYTES}`);
  const png = bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) throw new SlateError('BAD_IMAGE', 'slate image is neither PNG nor JPEG');
  return bytes;
}

const CHANNEL_LAYOUTS: Readonly<Record<number, string>> = { 1: 'mono', 2: 'stereo', 3: '2.1', 4: 'quad', 5: '5.0', 6: '5.1', 7: '6.1', 8: '7.1' };
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'];

async function renderToFile(params: SlateParams, options: SlateRenderOptions & { loopSeconds: number }, image: Buffer | undefined, digest: string, file: string): Promise<void> {
  const dir = options.cacheDir;
  await mkdir(dir, { recursive: true });
  const v = params.video;
  const rate = `${v.fps.num}/${v.fps.den}`;
  const frames = Math.max(1, Math.round(options.loopSeconds * fpsOf(params)));
  const seconds = (frames * v.fps.den) / v.fps.num;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  const parts: string[] = [];
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  if (image === undefined) {
    const title = `${tmp}.title.txt`;
    const brand = `${tmp}.brand.txt`;
    await writeFile(title, DEFAULT_SLATE_TITLE);
    await writeFile(brand, 'Fanout');
    parts.push(title, brand);
    const font = FONT_FILES.find((f) => existsSync(f));
    const face = font === undefined ? 'font=Sans' : `fontfile=${font}`;
    const big = Math.max(12, Math.round(v.height / 12));
    const small = Math.max(8, Math.round(v.height / 32));
    args.push(
      '-f', 'lavfi', '-i', `color=c=0x10151f:s=${v.width}x${v.height}:r=${rate}`,
    );
    const draw = [
      `drawtext=${face}:textfile=${title}:fontcolor=white:fontsize=${big}:x=(w-text_w)/2:y=(h-text_h)/2-${Math.round(big * 0.3)}`,
      `drawtext=${face}:textfile=${brand}:fontcolor=0x8b93a7:fontsize=${small}:x=(w-text_w)/2:y=(h/2)+${Math.round(big * 0.9)}`,
      `format=${v.pixelFormat ?? 'yuv420p'}`,
      `trim=end_frame=${frames}`,
    ].join(',');
    args.push('-filter_complex', `[0:v]${draw}[v]`);
  } else {
    const imageFile = join(dir, `slate-image-${digest}`);
    if (!existsSync(imageFile)) await writeFile(imageFile, image);
    args.push('-loop', '1', '-framerate', rate, '-i', imageFile);
    args.push('-filter_complex', `[0:v]scale=${v.width}:${v.height}:force_original_aspect_ratio=decrease,pad=${v.width}:${v.height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=${v.pixelFormat ?? 'yuv420p'},trim=end_frame=${frames}[v]`);
  }
  const a = params.audio;
  if (a !== null) args.push('-f', 'lavfi', '-i', `anullsrc=r=${a.sampleRate}:cl=${CHANNEL_LAYOUTS[a.channels] ?? 'stereo'}`);
  // The length comes from trim in the graph, not -frames:v: in ffmpeg 5 the first stream to reach
  // its -frames limit closes the whole output, which would cut the audio short.
  const pixelFormat = v.pixelFormat ?? 'yuv420p';
  const videoOut = ['-map', '[v]', '-r', rate, '-pix_fmt', pixelFormat];
  const audioOut = a === null ? [] : ['-map', '1:a', '-t', seconds.toFixed(6), '-c:a', 'aac', '-b:a', '128k', '-ar', String(a.sampleRate), '-ac', String(a.channels)];
  try {
    if (v.codec === 'h264') {
      args.push(
        ...videoOut,
        // Another pixel format than 4:2:0 8-bit makes x264 pick High 10/4:2:2/4:4:4 by itself.
        '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', ...(pixelFormat === 'yuv420p' ? ['-profile:v', x264Profile(v.profile)] : []),
        '-g', String(frames), '-keyint_min', String(frames), '-sc_threshold', '0', '-bf', '0',
        ...audioOut,
        '-f', 'flv', `${tmp}.flv`,
      );
      parts.push(`${tmp}.flv`);
      await run(options.ffmpegPath ?? 'ffmpeg', args, options.timeoutMs ?? 60_000);
    } else {
      args.push(
        ...videoOut,
        '-c:v', 'libx265', '-preset', 'veryfast', ...(pixelFormat === 'yuv420p' ? ['-profile:v', 'main'] : []),
        '-x265-params', `keyint=${frames}:min-keyint=${frames}:scenecut=0:bframes=0:open-gop=0:info=0:log-level=error`,
        '-f', 'hevc', `${tmp}.hevc`,
      );
      parts.push(`${tmp}.hevc`);
      if (a !== null) {
        args.push(...audioOut, '-f', 'flv', `${tmp}.audio.flv`);
        parts.push(`${tmp}.audio.flv`);
      }
      await run(options.ffmpegPath ?? 'ffmpeg', args, options.timeoutMs ?? 60_000);
      await writeFile(`${tmp}.flv`, await hevcFlv(params, `${tmp}.hevc`, a === null ? undefined : `${tmp}.audio.flv`));
      parts.push(`${tmp}.flv`);
    }
    await rename(`${tmp}.flv`, file);
  } finally {
    await Promise.all(parts.map((p) => rm(p, { force: true })));
  }
}

function x264Profile(profile: string | undefined): string {
  const p = (profile ?? '').toLowerCase();
  if (p.includes('baseline')) return 'baseline';
  if (p === 'main') return 'main';
  return 'high';
}

/** An FLV of the HEVC elementary stream (Enhanced RTMP hvc1 tags) and the AAC audio of an audio-only FLV. */
async function hevcFlv(params: SlateParams, videoFile: string, audioFile: string | undefined): Promise<Buffer> {
  const { vps, sps, pps, units } = hevcAccessUnits(splitAnnexB(await readFile(videoFile)));
  const format = params.video.pixelFormat ?? 'yuv420p';
  const chroma = format.startsWith('yuv444') ? 3 : format.startsWith('yuv422') ? 2 : 1;
  const bitDepth = format.endsWith('10le') ? 10 : 8;
  if (units.length === 0 || !units[0]?.keyframe) throw new SlateError('RENDER_FAILED', 'x265 produced no keyframe first');
  const frameMs = (1_000 * params.video.fps.den) / params.video.fps.num;
  const tags: FlvTagInput[] = [{ type: FLV_TAG_SCRIPT, timestamp: 0, data: encodeAmf0('onMetaData', { width: params.video.width, height: params.video.height, framerate: fpsOf(params), videocodecid: 'hvc1' }) }];
  tags.push({ type: FLV_TAG_VIDEO, timestamp: 0, data: hevcSequenceStartTag(hevcDecoderConfigRecord(vps, sps, pps, chroma, bitDepth)) });
  const media: FlvTagInput[] = units.map((unit, n) => ({ type: FLV_TAG_VIDEO, timestamp: Math.round(n * frameMs), data: hevcCodedFramesTag(unit) }));
  if (audioFile !== undefined) {
    for (const tag of readFlv(await readFile(audioFile)).tags) if (tag.kind === 'audio') media.push({ type: FLV_TAG_AUDIO, timestamp: tag.timestamp, data: Buffer.from(tag.data) });
  }
  media.sort((x, y) => x.timestamp - y.timestamp || (x.type === FLV_TAG_VIDEO ? -1 : 1));
  // Audio sequence header (timestamp 0) stays before the first frames.
  return writeFlv({ hasAudio: audioFile !== undefined, hasVideo: true }, [...tags, ...media]);
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') return reject(new SlateError('FFMPEG_MISSING', `ffmpeg not found at ${command} (${code})`));
      const why = error.killed ? `timed out after ${timeoutMs} ms` : `exited ${String(error.code)}`;
      reject(new SlateError('RENDER_FAILED', `${command} ${why}: ${stderr.trim().slice(-600)}`));
    });
  });
}

/** Where the engine gets its slates: a clip for the ingest's parameters, or none (and why, once). */
export interface SlateProvider {
  /** Resolves undefined when no slate can be had; never rejects. */
  clipFor(params: SlateParams): Promise<SlateClip | undefined>;
}

/**
 * The engine's slates rendered by ffmpeg ({@link renderSlate}). A missing ffmpeg (or a failed
 * render) is logged once as a warning, and `clipFor` resolves undefined: the stream then keeps
 * today's grace behaviour (destinations held, nothing sent).
 */
export class FfmpegSlateProvider implements SlateProvider {
  /** The last failure, for the host's status (null while every render worked). */
  lastError: SlateError | null = null;
  private warned = new Set<string>();

  constructor(
    private readonly options: SlateRenderOptions,
    private readonly logger: EngineLogger = noopLogger,
  ) {}

  async clipFor(params: SlateParams): Promise<SlateClip | undefined> {
    const ffmpeg = this.options.ffmpegPath ?? 'ffmpeg';
    const supported = await slateSupport(ffmpeg);
    if (!supported.available) {
      this.fail(new SlateError('FFMPEG_MISSING', `slate unavailable: ${supported.reason}; streams keep destinations waiting, with nothing sent, while the publisher is gone`));
      return undefined;
    }
    try {
      const clip = await renderSlate(params, this.options);
      this.lastError = null;
      return clip;
    } catch (error) {
      this.fail(error instanceof SlateError ? error : new SlateError('RENDER_FAILED', String(error)), describeSlateParams(params));
      return undefined;
    }
  }

  private fail(error: SlateError, params?: string): void {
    this.lastError = error;
    const key = `${error.code}:${params ?? ''}`;
    if (this.warned.has(key)) return;
    if (this.warned.size > 100) this.warned.clear();
    this.warned.add(key);
    this.logger.warn({ code: error.code, params: params ?? null, error: error.message }, 'slate unavailable');
  }
}

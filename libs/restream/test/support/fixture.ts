import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FlvTag, decodeAmf0Sequence, isAmfObject, readFlv, type AmfObject } from '@fanout/rtmp';

export interface Recording {
  file: string;
  metadata: AmfObject | undefined;
  /** Video and audio tags in file order. */
  media: FlvTag[];
  /** Coded frames (not sequence headers) per track, as the FLV holds them. */
  videoFrames: number;
  audioFrames: number;
  keyframes: number;
}

/**
 * A recorded H.264 + AAC FLV (testsrc2 640x360@30, 1 s GOP, sine), made once by ffmpeg and kept in
 * a temp dir shared by the test files (written under a temporary name, then renamed).
 */
export async function recording(seconds = 4): Promise<Recording> {
  const dir = join(tmpdir(), 'fanout-restream-fixtures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `h264-aac-${seconds}s-v1.flv`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}.part`;
    await new Promise<void>((resolve, reject) => {
      execFile(
        'ffmpeg',
        [
          '-hide_banner', '-loglevel', 'error', '-y',
          '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
          '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
          '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-keyint_min', '30', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
          '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
          '-t', String(seconds), '-f', 'flv', partial,
        ],
        { timeout: 60_000 },
        (error) => (error ? reject(error) : resolve()),
      );
    });
    renameSync(partial, file);
  }
  const { tags } = readFlv(readFileSync(file));
  let metadata: AmfObject | undefined;
  const media: FlvTag[] = [];
  for (const tag of tags) {
    if (tag.kind === 'script') {
      const [name, value] = decodeAmf0Sequence(tag.data);
      if (name === 'onMetaData' && isAmfObject(value)) metadata = value;
    } else if (tag.kind === 'video' || tag.kind === 'audio') {
      media.push(tag);
    }
  }
  const coded = (t: FlvTag): boolean => t.data.length > 1 && t.data[1] === 1;
  return {
    file,
    metadata,
    media,
    videoFrames: media.filter((t) => t.kind === 'video' && coded(t)).length,
    audioFrames: media.filter((t) => t.kind === 'audio' && coded(t)).length,
    keyframes: media.filter((t) => t.kind === 'video' && coded(t) && (t.data[0] as number) >> 4 === 1).length,
  };
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type FlvTag, iterateFlvTags, parseAvcDecoderConfig, parseVideoTag } from '@fanout/rtmp';

/** One video tag of an FLV file, in file order. */
export interface VideoTagEntry {
  timestamp: number;
  sequenceHeader: boolean;
  keyframe: boolean;
  /** MD5 of the whole tag body: equal in two files when the engine passed the frame on unchanged. */
  hash: string;
  /** Sequence headers only: what the SPS says. */
  sps?: { width: number; height: number; frameRate?: number };
}

export interface FlvVideo {
  tags: VideoTagEntry[];
  /** Coded frames only, with the index of their tag. */
  frames: (VideoTagEntry & { tagIndex: number })[];
}

/**
 * The video of an FLV file, tolerating a tail cut mid-tag (a publisher killed with SIGKILL
 * leaves its tee'd copy that way): every tag read up to the damage.
 */
export function flvVideo(file: string): FlvVideo {
  const tags: VideoTagEntry[] = [];
  try {
    for (const tag of iterateFlvTags(readFileSync(file)) as Iterable<FlvTag>) {
      if (tag.kind !== 'video') continue;
      const info = parseVideoTag(tag.data);
      const entry: VideoTagEntry = { timestamp: tag.timestamp, sequenceHeader: info.isSequenceHeader, keyframe: info.isKeyframe, hash: createHash('md5').update(tag.data).digest('hex') };
      if (info.isSequenceHeader && info.codec === 'h264') {
        const config = parseAvcDecoderConfig(info.payload);
        entry.sps = { width: config.width, height: config.height, ...(config.frameRate === undefined ? {} : { frameRate: config.frameRate }) };
      }
      tags.push(entry);
    }
  } catch {
    // a truncated tail: keep what was read
  }
  const frames = tags.flatMap((t, tagIndex) => (t.sequenceHeader ? [] : [{ ...t, tagIndex }]));
  return { tags, frames };
}

/** Runs of equal labels: ['P', 'P', 'S', 'B'] → [{ label: 'P', from: 0, to: 1 }, …]. */
export function runs(labels: string[]): { label: string; from: number; to: number }[] {
  const out: { label: string; from: number; to: number }[] = [];
  labels.forEach((label, i) => {
    const last = out.at(-1);
    if (last !== undefined && last.label === label) last.to = i;
    else out.push({ label, from: i, to: i });
  });
  return out;
}

/**
 * Labels every coded video frame of `video` with the first set its hash is in ('?' none). A
 * publisher killed with SIGKILL has sent its last frames over RTMP but not yet written them to
 * its tee'd copy (ffmpeg buffers file output): up to `tail` unknown frames right after a run of
 * `killed` are its own.
 */
export function labelFrames(video: FlvVideo, sets: Record<string, Set<string>>, killed?: { label: string; tail: number }): string[] {
  const labels = video.frames.map((f) => Object.entries(sets).find(([, set]) => set.has(f.hash))?.[0] ?? '?');
  if (killed === undefined) return labels;
  for (const run of runs(labels)) {
    if (run.label !== '?' || labels[run.from - 1] !== killed.label || run.to - run.from + 1 > killed.tail) continue;
    for (let i = run.from; i <= run.to; i++) labels[i] = killed.label;
  }
  return labels;
}

/** Hashes of every coded video frame of the files. */
export function frameSet(...files: string[]): Set<string> {
  return new Set(files.flatMap((f) => flvVideo(f).frames.map((x) => x.hash)));
}

/** Steps between consecutive video frames that go back or exceed `maxStepMs`. */
export function timelineProblems(video: FlvVideo, labels: string[], maxStepMs: number): string[] {
  const problems: string[] = [];
  for (let i = 1; i < video.frames.length; i++) {
    const d = video.frames[i]!.timestamp - video.frames[i - 1]!.timestamp;
    if (d < 0 || d > maxStepMs) problems.push(`frame ${i} (${labels[i - 1]}→${labels[i]}): ${video.frames[i - 1]!.timestamp} -> ${video.frames[i]!.timestamp}`);
  }
  return problems;
}

/** The sequence header just before the frame at `index`, when that frame is a keyframe with one right before it (a clean switch). */
export function cleanStart(video: FlvVideo, index: number): VideoTagEntry | undefined {
  const frame = video.frames[index]!;
  const before = video.tags[frame.tagIndex - 1];
  return frame.keyframe && before?.sequenceHeader === true ? before : undefined;
}

/** For each run boundary: "P→S 34 ms" (media step from the last frame before to the first after). */
export function switchSteps(video: FlvVideo, labels: string[]): string[] {
  const r = runs(labels);
  return r.slice(1).map((run, i) => `${r[i]!.label}→${run.label} ${video.frames[run.from]!.timestamp - video.frames[run.from - 1]!.timestamp} ms`);
}

/** How far (ms) a file's first video frame comes after its first tag of any kind (ffmpeg: one AAC priming frame, 21 ms). */
export function videoStartOffset(file: string): number {
  let first: number | undefined;
  for (const tag of iterateFlvTags(readFileSync(file)) as Iterable<FlvTag>) {
    if (tag.kind !== 'video' && tag.kind !== 'audio') continue;
    first ??= tag.timestamp;
    if (tag.kind === 'video' && !parseVideoTag(tag.data).isSequenceHeader) return tag.timestamp - first;
  }
  return 0;
}

/** The largest step between consecutive video frames, and the index of the frame after it. */
export function largestStep(video: FlvVideo): { stepMs: number; index: number } {
  let best = { stepMs: 0, index: 0 };
  for (let i = 1; i < video.frames.length; i++) {
    const d = video.frames[i]!.timestamp - video.frames[i - 1]!.timestamp;
    if (d > best.stepMs) best = { stepMs: d, index: i };
  }
  return best;
}

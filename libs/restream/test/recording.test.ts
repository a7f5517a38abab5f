import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type FlvTag, RtmpError, type RtmpPublisher, readFlv } from '@fanout/rtmp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingFileEvent, RecordingSink, type RecordingStats, type RecordingTarget, openRecordingFile, recordingPartPath, recoverRecording } from '../src';
import { type EnhancedStream, encodeOnce, enhancedTags } from './support/enhanced';
import { type Recording, recording } from './support/fixture';
import { Sink, publish, sendTags, waitFor } from './support/harness';
import { decodeErrors, frameCounts, mp4boxCheck, packets, probe, probeErrors, timing } from './support/probe';
import type { ChildConfig } from './support/recording-child';
import { type Rig, closeRig, makeRig } from './support/rig';
import { FFMPEG_AVAILABLE, TMPFS_AVAILABLE, skipWithout } from './support/tools';

/**
 * Recordings of real streams, judged by real tools: every frame the publisher sent (ffprobe
 * -count_frames), a keyframe first, the publisher's A/V offset, the duration, no word from
 * `ffprobe -v error`, a clean decode, and GPAC's parser (mp4box.js) without complaint. Then the
 * failures: a publisher back within the grace window, kill -9, a full disk, the free-space floor,
 * a file system that turns read-only; the RTMP destination loses nothing in any of them.
 */
const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE);
const skipMounts = skip || skipWithout('unshare + tmpfs (a mount namespace)', TMPFS_AVAILABLE);

/** One fragment spans at most this long (the muxer's default policy). */
const FRAGMENT_MS = 2_000;
const CHILD = join(__dirname, 'support', 'recording-child.ts');

let rec: Recording;
let dir: string;
let rig: Rig | undefined;
const publishers: RtmpPublisher[] = [];
const children: ChildProcess[] = [];

interface Recorder {
  events: RecordingFileEvent[];
  sink: RecordingSink;
  /** Resolves with the broadcast's last file once it is closed. */
  finished(timeoutMs?: number): Promise<RecordingFileEvent & { type: 'closed' }>;
  stats(): RecordingStats;
}

function attachRecorder(r: Rig, path: string, wrap: (t: RecordingTarget) => RecordingTarget = (t) => t): Recorder {
  const events: RecordingFileEvent[] = [];
  const sink = r.restreamer.attachSink((ctx) => new RecordingSink({ id: 'rec', name: 'Recording', open: async (part) => wrap(await openRecordingFile(recordingPartPath(path, part))), onFile: (e) => events.push(e) }, ctx));
  const last = () => events.filter((e): e is RecordingFileEvent & { type: 'closed' } => e.type === 'closed').find((e) => e.file.endedBy !== 'codec-change');
  return {
    events,
    sink,
    finished: async (timeoutMs = 20_000) => {
      await waitFor('the recording to be closed', () => last() !== undefined, timeoutMs);
      return last()!;
    },
    stats: () => r.restreamer.stats.sinks.find((s) => s.id === 'rec') as RecordingStats,
  };
}

function ffmpeg(args: string[], timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', ...args], { timeout: timeoutMs }, (error, _stdout, stderr) => (error ? reject(new Error(`ffmpeg failed: ${stderr || error.message}`)) : resolve()));
  });
}

/** The checks every recording must pass: clean in ffprobe, ffmpeg's decoder and GPAC's parser, with these frame counts. */
function expectCleanMp4(file: string, frames: { video: number; audio: number }, codecs: { video: string; audio: string }): void {
  expect(probeErrors(file)).toBe('');
  expect(decodeErrors(file)).toBe('');
  expect(frameCounts(file)).toEqual(frames);
  expect(probe(file).streams.map((s) => s.codec_name).sort()).toEqual([codecs.video, codecs.audio].sort());
  const gpac = mp4boxCheck(readFileSync(file));
  expect(gpac.problems).toEqual([]);
  expect(gpac.fragmented).toBe(true);
  expect(Object.values(gpac.samples).sort((a, b) => a - b)).toEqual([frames.video, frames.audio].sort((a, b) => a - b));
}

/** First-PTS offset between audio and video, and the span, compared with the source's. */
function expectSameTiming(mp4: string, source: { video: number; audio: number; span: number }, audioFrameS: number): void {
  const t = timing(mp4);
  expect(t.firstVideoKey).toBe(true);
  expect(Math.abs(t.audio - t.video - (source.audio - source.video))).toBeLessThanOrEqual(audioFrameS + 0.001);
  expect(Math.abs(t.span - source.span) * 1000).toBeLessThanOrEqual(FRAGMENT_MS);
  // Tighter than the issue asks: the recording is the whole broadcast, so within about a frame.
  expect(Math.abs(t.span - source.span)).toBeLessThanOrEqual(0.05);
  expect(Math.abs(probe(mp4).duration - t.span)).toBeLessThanOrEqual(0.15); // the container counts the last frame and the first PTS offset too
}

function headerCount(tags: FlvTag[]): number {
  return tags.findIndex((t) => t.data.length > 1 && (t.data[0]! & 0x80 ? (t.data[0]! & 0x0f) !== 0 : t.data[1] !== 0));
}

async function startPublisher(url: string, options: Parameters<typeof publish>[1] = {}): Promise<RtmpPublisher> {
  const publisher = await publish(url, options);
  publishers.push(publisher);
  return publisher;
}

describe.skipIf(skip)('RecordingSink on real streams', () => {
  beforeAll(async () => {
    rec = await recording();
    dir = mkdtempSync(join(tmpdir(), 'fanout-recording-'));
  }, 60_000);
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await closeRig(rig, publishers);
    rig = undefined;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a live ffmpeg H.264 + AAC publish: every frame ffmpeg sent, keyframe first, its A/V offset and duration', async () => {
    rig = await makeRig(1);
    const recorder = attachRecorder(rig, join(dir, 'live.mp4'));
    const source = join(dir, 'live-source.flv');
    // What ffmpeg sends is teed to a local FLV: the reference for counts and timing.
    await ffmpeg([
      '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4',
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-flags', '+global_header',
      '-map', '0:v', '-map', '1:a', '-f', 'tee', `[f=flv]${rig.ingest.url}|[f=flv]${source}`,
    ]);
    const done = await recorder.finished();
    expect(done.file).toMatchObject({ path: join(dir, 'live.mp4'), part: 1, status: 'finished', endedBy: 'ingest-ended', videoCodec: 'h264', audioCodec: 'aac' });
    const sent = frameCounts(source);
    expect(sent.video).toBe(120);
    expectCleanMp4(join(dir, 'live.mp4'), sent, { video: 'h264', audio: 'aac' });
    expectSameTiming(join(dir, 'live.mp4'), timing(source), 1024 / 48000);
    expect(rig.sinks[0]!.counts()).toEqual(sent); // the destination got every frame too
    expect(recorder.stats()).toMatchObject({ state: 'idle', droppedFrames: 0, skippedBeforeKeyframe: 0, lastError: null });
  });

  it('ffmpeg -re -c copy of an FLV: the file has exactly the source frames and its timing', async () => {
    rig = await makeRig(1);
    const recorder = attachRecorder(rig, join(dir, 'copy.mp4'));
    await ffmpeg(['-re', '-i', rec.file, '-c', 'copy', '-f', 'flv', rig.ingest.url]);
    await recorder.finished();
    const sent = { video: rec.videoFrames, audio: rec.audioFrames };
    expectCleanMp4(join(dir, 'copy.mp4'), sent, { video: 'h264', audio: 'aac' });
    expectSameTiming(join(dir, 'copy.mp4'), timing(rec.file), 1024 / 44100);
    expect(rig.sinks[0]!.counts()).toEqual(sent);
  });

  const enhanced: { name: string; fourCc: string; make: () => EnhancedStream; codecs: { video: string; audio: string }; audioFrameS: number }[] = [
    {
      name: 'HEVC (x265, B-frames) + Opus',
      fourCc: 'hvc1',
      make: () => enhancedTags(encodeOnce('hevc-opus', 3, '640x360', ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=none:keyint=30:min-keyint=30:scenecut=0', '-tag:v', 'hvc1', '-c:a', 'libopus', '-strict', '-2'])),
      codecs: { video: 'hevc', audio: 'opus' },
      audioFrameS: 0.02,
    },
    {
      name: 'AV1 (SVT-AV1) + AAC as mp4a',
      fourCc: 'av01',
      make: () => enhancedTags(encodeOnce('av1-aac', 3, '320x240', ['-c:v', 'libsvtav1', '-preset', '12', '-g', '30', '-c:a', 'aac'])),
      codecs: { video: 'av1', audio: 'aac' },
      audioFrameS: 1024 / 48000,
    },
  ];

  it.each(enhanced)('Enhanced RTMP from our own client, $name: every frame, and clean', async ({ fourCc, make, codecs, audioFrameS }) => {
    const stream = make();
    rig = await makeRig(1);
    const path = join(dir, `${fourCc}.mp4`);
    const recorder = attachRecorder(rig, path);
    const publisher = await startPublisher(rig.ingest.url, { fourCcList: [fourCc] });
    const headers = headerCount(stream.tags);
    expect(headers).toBe(2);
    await sendTags(publisher, { videocodecid: fourCc, audiocodecid: codecs.audio === 'opus' ? 'Opus' : 'mp4a', encoder: 'test' }, stream.tags.slice(0, headers));
    await rig.waitState('d0', 'live');
    await sendTags(publisher, undefined, stream.tags.slice(headers), { speed: 4 });
    await publisher.close();
    const done = await recorder.finished();
    expect(done.file).toMatchObject({ status: 'finished', videoCodec: codecs.video, audioCodec: codecs.audio });
    const frames = { video: stream.video.frames, audio: stream.audio.frames };
    expectCleanMp4(path, frames, codecs);
    const t = timing(path);
    expect(t.firstVideoKey).toBe(true);
    expect(Math.abs(t.audio - t.video - (stream.firstPts.audio - stream.firstPts.video))).toBeLessThanOrEqual(audioFrameS + 0.001);
    // The harness counts legacy tags; here every message but the two sequence starts is a frame.
    const all = rig.sinks[0]!.all;
    expect({ video: all.filter((m) => m.kind === 'video').length - 1, audio: all.filter((m) => m.kind === 'audio').length - 1 }).toEqual(frames);
  });

  it('the codec configuration changes mid-broadcast (the encoder restarts at another size): part 1 finished, part 2 from there, both clean', async () => {
    const small = join(dir, 'small.flv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-f', 'flv', small]);
    const second = readFlv(readFileSync(small)).tags.filter((t) => t.kind !== 'script');
    rig = await makeRig(1);
    const path = join(dir, 'parts.mp4');
    const recorder = attachRecorder(rig, path);
    const publisher = await startPublisher(rig.ingest.url);
    const headers = headerCount(rec.media);
    await sendTags(publisher, rec.metadata, rec.media.slice(0, headers));
    await rig.waitState('d0', 'live');
    await sendTags(publisher, undefined, rec.media.slice(headers));
    await sendTags(publisher, undefined, second, { timestampOffset: rec.media.at(-1)!.timestamp + 33 });
    await publisher.close();
    await recorder.finished();
    const closed = recorder.events.flatMap((e) => (e.type === 'closed' ? [e.file] : []));
    expect(recorder.stats()).toMatchObject({ droppedFrames: 0, droppedAudioFrames: 0 });
    expect(closed.map((f) => [f.path, f.status, f.endedBy])).toEqual([
      [path, 'finished', 'codec-change'],
      [join(dir, 'parts-part2.mp4'), 'finished', 'ingest-ended'],
    ]);
    expectCleanMp4(path, { video: rec.videoFrames, audio: rec.audioFrames }, { video: 'h264', audio: 'aac' });
    const smallFrames = frameCounts(small);
    expectCleanMp4(join(dir, 'parts-part2.mp4'), smallFrames, { video: 'h264', audio: 'aac' });
    expect(probe(join(dir, 'parts-part2.mp4')).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 320, height: 180 });
    expect(timing(join(dir, 'parts-part2.mp4')).video).toBeLessThan(0.1); // each part starts at its own 0
    expect(rig.sinks[0]!.counts()).toEqual({ video: rec.videoFrames + smallFrames.video, audio: rec.audioFrames + smallFrames.audio });
  });

  it('a publisher that drops and comes back within the grace window: one file, one continuous timeline', async () => {
    rig = await makeRig(1, { graceMs: 3_000 });
    const path = join(dir, 'grace.mp4');
    const recorder = attachRecorder(rig, path);
    const headers = rec.media.slice(0, headerCount(rec.media));
    const media = rec.media.slice(headers.length);
    const keyframes = media.flatMap((t, i) => (t.kind === 'video' && t.data[0] === 0x17 && t.data[1] === 1 ? [i] : []));
    const split = keyframes[2]!; // the first publisher sends two GOPs
    const first = await startPublisher(rig.ingest.url);
    await sendTags(first, rec.metadata, headers);
    await rig.waitState('d0', 'live');
    await sendTags(first, undefined, media.slice(0, split));
    await waitFor('the first half at the destination', () => rig!.sinks[0]!.counts().video === media.slice(0, split).filter((t) => t.kind === 'video').length);
    first.destroy(new RtmpError('SESSION_CLOSED', 'the encoder crashed')); // no unpublish: the connection just drops
    await waitFor('the grace window', () => rig!.ingestEvents.some((e) => e.state === 'grace'));
    // The encoder is back with its clock at 0 again.
    const second = await startPublisher(rig.ingest.url);
    const rest = media.slice(split);
    const t0 = rest[0]!.timestamp;
    await sendTags(second, rec.metadata, headers);
    await sendTags(second, undefined, rest, { timestampOffset: -t0 });
    await second.close();
    await recorder.finished();
    expect(recorder.events.filter((e) => e.type === 'opened')).toHaveLength(1);
    expectCleanMp4(path, { video: rec.videoFrames, audio: rec.audioFrames }, { video: 'h264', audio: 'aac' });
    const pts = (type: 'video' | 'audio') =>
      packets(path)
        .filter((p) => p.codec_type === type)
        .map((p) => Number(p.pts_time))
        .sort((a, b) => a - b);
    const gaps = (list: number[]) => list.slice(1).map((v, i) => v - list[i]!);
    expect(Math.max(...gaps(pts('video')))).toBeLessThan(0.07); // at most about two frames at the join
    expect(Math.max(...gaps(pts('audio')))).toBeLessThan(0.1);
    expect(Math.abs(timing(path).span - timing(rec.file).span)).toBeLessThan(0.1);
    expect(rig.sinks[0]!.connections).toHaveLength(1);
    expect(rig.sinks[0]!.counts()).toEqual({ video: rec.videoFrames, audio: rec.audioFrames });
  });

  it('the file system turns read-only mid-broadcast (EROFS): failed with the reason, the file plays up to its last fragment, the destination loses nothing', async () => {
    rig = await makeRig(1);
    const path = join(dir, 'readonly.mp4');
    let writes = 0;
    const recorder = attachRecorder(rig, path, (target) => ({
      ...target,
      write: async (blocks) => {
        writes += 1;
        if (writes > 3) throw Object.assign(new Error(`EROFS: read-only file system, write`), { code: 'EROFS', errno: -30, syscall: 'write' });
        return target.write(blocks);
      },
    }));
    const publisher = await startPublisher(rig.ingest.url);
    const headers = headerCount(rec.media);
    await sendTags(publisher, rec.metadata, rec.media.slice(0, headers));
    await rig.waitState('d0', 'live');
    await sendTags(publisher, undefined, rec.media.slice(headers), { speed: 4 });
    await waitFor('the recording failed', () => recorder.stats().state === 'failed');
    expect(recorder.stats().lastError).toMatchObject({ reason: 'not-writable', message: expect.stringContaining('the file system is read-only (EROFS') });
    await waitFor('every frame at the destination', () => rig!.sinks[0]!.counts().video === rec.videoFrames && rig!.sinks[0]!.counts().audio === rec.audioFrames);
    expect(rig.restreamer.stats.destinations[0]).toMatchObject({ state: 'live', droppedFrames: 0 });
    const closed = await recorder.finished();
    expect(closed.file).toMatchObject({ status: 'failed', reason: 'not-writable' });
    expect(probeErrors(path)).toBe('');
    expect(decodeErrors(path)).toBe('');
    expect(frameCounts(path).video).toBeGreaterThanOrEqual(30);
    expect(await recoverRecording(path)).toMatchObject({ status: 'recovered', committedFragments: 0, truncatedBytes: 0 });
  });

  describe('the engine in a child process', () => {
    interface Child {
      process: ChildProcess;
      lines: Record<string, unknown>[];
      port: number;
      send(line: string): void;
      wait(what: string, predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
    }

    /** The child engine; in a mount namespace of its own with a tmpfs of `tmpfs.size` at `tmpfs.at` when asked. */
    async function startChild(config: ChildConfig, tmpfs?: { size: string; at: string }): Promise<Child> {
      const node = [process.execPath, '--conditions=@fanout/source', '--import', 'tsx', CHILD, JSON.stringify(config)];
      const child = tmpfs
        ? spawn('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"', 'sh', tmpfs.size, tmpfs.at, ...node], { cwd: join(__dirname, '..'), stdio: ['pipe', 'pipe', 'inherit'] })
        : spawn(node[0]!, node.slice(1), { cwd: join(__dirname, '..'), stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      const lines: Record<string, unknown>[] = [];
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not ours
        }
      });
      const wait: Child['wait'] = async (what, predicate, timeoutMs = 20_000) => {
        await waitFor(what, () => lines.some(predicate) || child.exitCode !== null, timeoutMs);
        const found = lines.find(predicate);
        if (found === undefined) throw new Error(`the child exited (${child.exitCode}) before ${what}`);
        return found;
      };
      const ready = await wait('the child to listen', (l) => l['type'] === 'ready', 30_000);
      return { process: child, lines, port: ready['port'] as number, send: (line) => child.stdin!.write(`${line}\n`), wait };
    }

    it('kill -9 mid-broadcast: the file opens in ffprobe as it is; recoverRecording reports what was sent, within one fragment', async () => {
      const path = join(dir, 'killed.mp4');
      const child = await startChild({ file: path });
      const publisher = await startPublisher(`rtmp://127.0.0.1:${child.port}/live/key`);
      const headers = headerCount(rec.media);
      await sendTags(publisher, rec.metadata, rec.media.slice(0, headers));
      await child.wait('the recording live', (l) => l['type'] === 'sink' && l['to'] === 'live');
      let lastSent = 0;
      await sendTags(publisher, undefined, rec.media.slice(headers), {
        speed: 1,
        before: (tag) => {
          if (tag.timestamp < 3_000) {
            lastSent = tag.timestamp;
            return true;
          }
          child.process.kill('SIGKILL');
          return false;
        },
      });
      await waitFor('the child to die', () => child.process.signalCode === 'SIGKILL');
      expect(child.lines.some((l) => l['type'] === 'file' && (l['event'] as RecordingFileEvent).type === 'closed')).toBe(false);
      // As the crash left it: ffprobe reads it without a word, and it decodes.
      expect(probeErrors(path)).toBe('');
      expect(decodeErrors(path)).toBe('');
      const before = frameCounts(path);
      expect(before.video).toBeGreaterThanOrEqual(30);
      const recovered = await recoverRecording(path);
      expect(recovered).toMatchObject({ status: 'recovered', videoCodec: 'h264', audioCodec: 'aac' });
      expect(recovered.durationMs).toBeLessThanOrEqual(lastSent + 100);
      expect(lastSent - recovered.durationMs).toBeLessThanOrEqual(FRAGMENT_MS + 100);
      expect(probeErrors(path)).toBe('');
      expect(decodeErrors(path)).toBe('');
      expect(frameCounts(path)).toEqual(before);
    });

    const realDisk = skipMounts ? it.skip : it;

    realDisk('a full disk (a real ENOSPC on a small tmpfs): failed as disk-full, the file plays up to its last fragment, the destination gets every frame', async () => {
      const destination = await new Sink().listen();
      const mnt = join(dir, 'full-mnt');
      mkdirSync(mnt);
      const copy = join(dir, 'full-copy.mp4');
      try {
        const child = await startChild({ file: join(mnt, 'full.mp4'), copyTo: copy, destination: { url: destination.url, key: destination.key }, freeSpace: { minFreeBytes: 0 } }, { size: '600k', at: mnt });
        const publisher = await startPublisher(`rtmp://127.0.0.1:${child.port}/live/key`);
        const headers = headerCount(rec.media);
        await sendTags(publisher, rec.metadata, rec.media.slice(0, headers));
        await child.wait('the destination live', (l) => l['type'] === 'destination' && l['to'] === 'live');
        await sendTags(publisher, undefined, rec.media.slice(headers), { speed: 4 });
        const failed = await child.wait('the recording to fail', (l) => l['type'] === 'sink' && l['to'] === 'failed');
        const stats = failed['stats'] as RecordingStats;
        expect(stats.lastError).toMatchObject({ reason: 'disk-full', message: expect.stringMatching(/could not write .*full\.mp4: the disk is full \(ENOSPC: no space left on device/) });
        await waitFor('every frame at the destination', () => destination.counts().video === rec.videoFrames && destination.counts().audio === rec.audioFrames);
        child.send('end');
        const done = await child.wait('the child to finish', (l) => l['type'] === 'done');
        expect((done['stats'] as RecordingStats).state).toBe('failed');
        expect(probeErrors(copy)).toBe('');
        expect(decodeErrors(copy)).toBe('');
        expect(frameCounts(copy).video).toBeGreaterThanOrEqual(30);
        expect(await recoverRecording(copy)).toMatchObject({ status: 'recovered', committedFragments: 0, truncatedBytes: 0 });
      } finally {
        await destination.kill();
      }
    });

    realDisk('the free-space floor on a real file system (statfs of a tmpfs): stopped before it, the file finished cleanly', async () => {
      const mnt = join(dir, 'floor-mnt');
      mkdirSync(mnt);
      const copy = join(dir, 'floor-copy.mp4');
      const floor = 2.25 * 1024 * 1024;
      const child = await startChild({ file: join(mnt, 'floor.mp4'), copyTo: copy, freeSpace: { minFreeBytes: floor, minFreeRatio: 1, checkEveryMs: 1_000 } }, { size: '3m', at: mnt });
      const publisher = await startPublisher(`rtmp://127.0.0.1:${child.port}/live/key`);
      const headers = headerCount(rec.media);
      await sendTags(publisher, rec.metadata, rec.media.slice(0, headers));
      await child.wait('the recording live', (l) => l['type'] === 'sink' && l['to'] === 'live');
      await sendTags(publisher, undefined, rec.media.slice(headers), { speed: 4 });
      const failed = await child.wait('the floor to stop it', (l) => l['type'] === 'sink' && l['to'] === 'failed');
      expect((failed['stats'] as RecordingStats).lastError).toMatchObject({ reason: 'low-disk-space', message: expect.stringMatching(/below the 2\.3 MiB kept free/) });
      child.send('end');
      const done = await child.wait('the child to finish', (l) => l['type'] === 'done');
      expect(done['free'] as number).toBeGreaterThanOrEqual(floor);
      expect(await recoverRecording(copy)).toMatchObject({ status: 'finished' });
      expect(probeErrors(copy)).toBe('');
      expect(decodeErrors(copy)).toBe('');
      expect(frameCounts(copy).video).toBeGreaterThanOrEqual(30);
    });
  });
});

import { parseAudioTag, parseVideoTag } from '@fanout/rtmp';
import { afterEach, describe, expect, it } from 'vitest';
import { engineWithRtmp, until } from '../../test/support/fake-engine';
import { AAC_HEADER, AVC_HEADER, FakeIngest, aac, avcFrame } from '../../test/support/fakes';
import { MemoryTarget, readMp4 } from '../../test/support/recording';
import type { EngineLogger } from '../logger';
import type { StreamRestreamer, StreamRestreamerOptions } from '../stream-restreamer';
import { TagReader, av1PictureSize } from './flv-samples';
import { type RecordingFileEvent, RecordingSink, type RecordingSinkOptions, type RecordingStats } from './recording-sink';

const engines: StreamRestreamer[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

const METADATA = { width: 640, height: 360, videocodecid: 7, audiocodecid: 10, framerate: 30 };
/** x265 1280x718 hvcC (VPS/SPS/PPS), as libs/rtmp's tag fixtures carry it. */
const HVCC = Buffer.from(
  '0101600000009000000000005df000fcfdf8f800000f03200001001840010c01ffff01600000030090000003000003005d959809210001002c42010101600000030090000003000003005da00280802d1f596566924caf016808000003000800000300f04022000100074401c172b46240',
  'hex',
);
/** libopus 48 kHz stereo OpusHead. */
const OPUS_HEAD = Buffer.from('4f707573486561640102380180bb0000000000', 'hex');

function setup(sink: Partial<RecordingSinkOptions> = {}, engine: Partial<StreamRestreamerOptions> = {}) {
  const warnings: { o: object; m: string | undefined }[] = [];
  const logger: EngineLogger = { debug: () => undefined, info: () => undefined, warn: (o, m) => void warnings.push({ o, m }), error: (o, m) => void warnings.push({ o, m }) };
  const { engine: e, publishers } = engineWithRtmp({ logger, ...engine });
  engines.push(e);
  const targets: MemoryTarget[] = [];
  const events: RecordingFileEvent[] = [];
  const states: string[] = [];
  e.on('sinkState', (c) => states.push(c.to));
  const recording = e.attachSink(
    (ctx) =>
      new RecordingSink(
        {
          id: 'rec',
          name: 'Recording',
          open: async (part) => {
            const t = new MemoryTarget(`rec-part${part}.mp4`);
            targets.push(t);
            return t;
          },
          onFile: (event) => events.push(event),
          ...sink,
        },
        ctx,
      ),
  );
  const ingest = new FakeIngest();
  e.attachPublisher(ingest.asSource());
  const stats = () => e.stats.sinks[0] as RecordingStats;
  return { engine: e, publishers, recording, targets, events, states, ingest, stats, warnings };
}

/** AAC: 1024 samples at 44.1 kHz. */
const AAC_MS = (1024 * 1000) / 44100;

/**
 * Legacy AVC + AAC, frames `from` to `from + frames` at 30 fps (1 s GOPs, a B-frame pattern of
 * composition offsets), with the AAC frames of that span interleaved by time.
 */
function sendAv(ingest: FakeIngest, frames: number, from = 0, frameBytes?: number): { video: number; audio: number; cts: number[] } {
  const end = ((from + frames) * 1000) / 30;
  let a = Math.ceil((from * 1000) / 30 / AAC_MS);
  let audio = 0;
  const cts: number[] = [];
  for (let i = from; i < from + frames; i++) {
    const c = [33, 100, 0, 33][i % 4] as number;
    cts.push(c);
    ingest.video(Math.round((i * 1000) / 30), avcFrame(i % 30 === 0, i, c, frameBytes));
    for (; a * AAC_MS < Math.min(end, ((i + 1) * 1000) / 30); a++, audio++) ingest.audio(Math.round(a * AAC_MS), aac(a));
  }
  return { video: frames, audio, cts };
}

/** One GOP at a time, letting I/O complete in between (as a live publisher paces it). */
async function sendPaced(ingest: FakeIngest, gops: number, frameBytes?: number): Promise<{ video: number; audio: number }> {
  const sent = { video: 0, audio: 0 };
  for (let g = 0; g < gops; g++) {
    const s = sendAv(ingest, 30, g * 30, frameBytes);
    sent.video += s.video;
    sent.audio += s.audio;
    await new Promise((r) => setImmediate(r));
  }
  return sent;
}

function start(ingest: FakeIngest): void {
  ingest.metadata(METADATA);
  ingest.video(0, AVC_HEADER);
  ingest.audio(0, AAC_HEADER);
}

describe('RecordingSink: the broadcast as fragmented MP4', () => {
  it('records every frame from the first, keyframe first, with composition offsets; the RTMP destination gets everything too', async () => {
    const t = setup();
    start(t.ingest);
    const sent = sendAv(t.ingest, 90);
    await until(() => t.stats().state === 'live', 'recording live');
    await until(() => t.stats().fragments >= 1, 'a fragment on disk');
    expect(t.stats()).toMatchObject({ kind: 'recording', file: 'rec-part1.mp4', part: 1, videoCodec: 'h264', audioCodec: 'aac' });
    await t.engine.endNow('test over');

    const file = t.targets[0]!;
    expect(file).toMatchObject({ closed: true, synced: 1 });
    const { scan, tracks } = readMp4(file.data);
    expect(scan.tail).toBeUndefined();
    expect(scan.mfra).toBeDefined();
    const [video, audio] = tracks as [(typeof tracks)[0], (typeof tracks)[0]];
    expect(video.type).toBe('avc1');
    expect(audio.type).toBe('mp4a');
    expect(video.samples).toHaveLength(sent.video);
    expect(audio.samples).toHaveLength(sent.audio);
    expect(video.samples[0]!.sync).toBe(true);
    expect(video.samples.filter((s) => s.sync)).toHaveLength(3);
    // Composition offsets as sent (90 kHz), and sample bytes exactly the NAL units after the 5-byte tag header.
    expect(video.samples.map((s) => Math.round(s.compositionOffset / 90))).toEqual(sent.cts);
    expect(video.samples[7]!.bytes.equals(avcFrame(false, 7, sent.cts[7]).subarray(5))).toBe(true);
    expect(audio.samples[3]!.bytes.equals(aac(3).subarray(2))).toBe(true);
    // Duration within one frame of what was sent (90 frames at 30 fps).
    expect(Math.abs(scan.durationMs - 3_000)).toBeLessThanOrEqual(34);

    const closed = t.events.find((e) => e.type === 'closed');
    expect(t.events[0]).toMatchObject({ type: 'opened', path: 'rec-part1.mp4', part: 1 });
    expect(closed).toMatchObject({ type: 'closed', file: { path: 'rec-part1.mp4', status: 'finished', endedBy: 'ingest-ended', videoCodec: 'h264', audioCodec: 'aac', bytes: file.data.length } });
    expect(t.states).toEqual(['connecting', 'live', 'idle']);
    expect(t.stats()).toMatchObject({ state: 'idle', droppedFrames: 0, droppedAudioFrames: 0, skippedBeforeKeyframe: 0, rejectedSamples: 0, lastError: null, fileBytes: file.data.length });
    expect(t.publishers[0]!.written).toHaveLength(1 + 2 + sent.video + sent.audio); // metadata, headers, every frame
  });

  it('skips video before the first keyframe and counts it; the file starts at that keyframe with the audio beside it', async () => {
    const t = setup();
    start(t.ingest);
    for (let i = 0; i < 5; i++) t.ingest.video(i * 33, avcFrame(false, i));
    for (let i = 5; i < 70; i++) {
      t.ingest.video(i * 33, avcFrame(i % 30 === 5, i));
      t.ingest.audio(i * 33, aac(i));
    }
    await until(() => t.stats().state === 'live', 'recording live');
    await t.engine.endNow('test over');
    const { tracks } = readMp4(t.targets[0]!.data);
    expect(tracks[0]!.samples).toHaveLength(65);
    expect(tracks[0]!.samples[0]!.sync).toBe(true);
    expect(tracks[1]!.samples).toHaveLength(65);
    // Time 0 is the first keyframe (timeline 165 ms), and the audio sent with it starts there too.
    expect(tracks[0]!.samples[0]!.dts).toBe(0);
    expect(tracks[1]!.samples[0]!.dts).toBe(0);
    expect(t.stats().skippedBeforeKeyframe).toBe(5);
  });

  it('maps Enhanced RTMP: hvc1 with composition offsets and CodedFramesX, av01 without temporal delimiters, Opus and mp4a', async () => {
    const enc = (b0: number, fourCc: string, ...rest: Buffer[]) => Buffer.concat([Buffer.from([b0]), Buffer.from(fourCc, 'latin1'), ...rest]);
    const nal = (n: number) => {
      const b = Buffer.alloc(4 + 60 + n);
      b.writeUInt32BE(60 + n, 0);
      b[4] = 0x26;
      return b;
    };
    const cts = (ms: number) => Buffer.from([(ms >> 16) & 0xff, (ms >> 8) & 0xff, ms & 0xff]);

    // HEVC + Opus
    const hevc = setup();
    hevc.ingest.metadata({ width: 1280, height: 718, videocodecid: 'hvc1', audiocodecid: 'Opus' });
    hevc.ingest.video(0, enc(0x90, 'hvc1', HVCC));
    hevc.ingest.audio(0, enc(0x90, 'Opus', OPUS_HEAD));
    for (let i = 0; i < 40; i++) {
      const key = i % 20 === 0;
      // Odd frames as CodedFramesX (no composition time), even ones as CodedFrames with 40 ms.
      hevc.ingest.video(i * 40, i % 2 === 1 ? enc(key ? 0x93 : 0xa3, 'hvc1', nal(i)) : enc(key ? 0x91 : 0xa1, 'hvc1', cts(40), nal(i)));
      hevc.ingest.audio(i * 20, enc(0x91, 'Opus', Buffer.from([0xfc, i, i])));
    }
    await until(() => hevc.stats().state === 'live', 'hevc recording live');
    await hevc.engine.endNow('over');
    const h = readMp4(hevc.targets[0]!.data);
    expect(h.tracks.map((t) => t.type)).toEqual(['hvc1', 'Opus']);
    expect(h.scan.init.tracks[0]).toMatchObject({ width: 1280, height: 718 });
    expect(h.tracks[0]!.samples).toHaveLength(40);
    expect(h.tracks[0]!.samples.slice(0, 4).map((s) => s.compositionOffset / 90)).toEqual([40, 0, 40, 0]);
    expect(h.tracks[0]!.samples[1]!.bytes.equals(nal(1))).toBe(true);
    expect(h.tracks[1]!.samples).toHaveLength(40);
    expect(h.tracks[1]!.samples.every((s) => s.duration === 960)).toBe(true); // 20 ms Opus packets at 48 kHz
    expect(hevc.stats()).toMatchObject({ videoCodec: 'hevc', audioCodec: 'opus' });

    // AV1 + Enhanced AAC
    const av1 = setup();
    const av1C = Buffer.concat([Buffer.from([0x81, 0x08, 0x0c, 0x00]), obu(1, sequenceHeader(320, 240))]);
    av1.ingest.metadata({ videocodecid: 'av01', audiocodecid: 'mp4a' });
    av1.ingest.video(0, enc(0x90, 'av01', av1C));
    av1.ingest.audio(0, enc(0x90, 'mp4a', Buffer.from('1210', 'hex')));
    for (let i = 0; i < 30; i++) {
      const frame = obu(6, Buffer.alloc(50 + i, i));
      av1.ingest.video(i * 33, enc(i % 15 === 0 ? 0x91 : 0xa1, 'av01', obu(2, Buffer.alloc(0)), frame));
      av1.ingest.audio(i * 23, enc(0x91, 'mp4a', Buffer.alloc(30, i)));
    }
    await until(() => av1.stats().state === 'live', 'av1 recording live');
    await av1.engine.endNow('over');
    const a = readMp4(av1.targets[0]!.data);
    expect(a.tracks.map((t) => t.type)).toEqual(['av01', 'mp4a']);
    expect(a.scan.init.tracks[0]).toMatchObject({ width: 320, height: 240 });
    expect(a.tracks[0]!.samples).toHaveLength(30);
    expect(a.tracks[0]!.samples[3]!.bytes.equals(obu(6, Buffer.alloc(53, 3)))).toBe(true); // temporal delimiter left out
    expect(a.tracks[1]!.samples).toHaveLength(30);
    expect(av1.stats()).toMatchObject({ videoCodec: 'av1', audioCodec: 'aac' });
  });

  it('a different sequence header mid-broadcast finishes the file and continues in part 2; a repeated one changes nothing', async () => {
    const t = setup();
    start(t.ingest);
    sendAv(t.ingest, 60);
    t.ingest.video(2000, AVC_HEADER); // the same again (encoders repeat it): same file
    t.ingest.audio(2000, AAC_HEADER);
    sendAv(t.ingest, 30, 60);
    await until(() => t.stats().state === 'live', 'recording live');
    const other = Buffer.from(AVC_HEADER);
    other[other.length - 1] = 0xf9; // another PPS byte: another configuration
    t.ingest.video(3000, other);
    for (let i = 0; i < 45; i++) t.ingest.video(3000 + i * 33, avcFrame(i % 30 === 0, i));
    await until(() => t.targets.length === 2, 'part 2 opened');
    await t.engine.endNow('over');

    expect(t.targets.map((x) => x.path)).toEqual(['rec-part1.mp4', 'rec-part2.mp4']);
    const one = readMp4(t.targets[0]!.data);
    const two = readMp4(t.targets[1]!.data);
    expect(one.tracks[0]!.samples).toHaveLength(90);
    expect(two.tracks[0]!.samples).toHaveLength(45);
    expect(two.tracks[0]!.samples[0]).toMatchObject({ sync: true, dts: 0 });
    expect(two.scan.mfra).toBeDefined();
    const closed = t.events.filter((e) => e.type === 'closed').map((e) => (e.type === 'closed' ? [e.file.path, e.file.status, e.file.endedBy] : []));
    expect(closed).toEqual([
      ['rec-part1.mp4', 'finished', 'codec-change'],
      ['rec-part2.mp4', 'finished', 'ingest-ended'],
    ]);
  });

  it('a publisher that leaves and comes back within the grace window continues the same file on one timeline', async () => {
    const t = setup({}, { graceMs: 2_000 });
    start(t.ingest);
    sendAv(t.ingest, 45);
    await until(() => t.stats().state === 'live', 'recording live');
    t.ingest.close();
    const back = new FakeIngest();
    t.engine.attachPublisher(back.asSource());
    start(back);
    sendAv(back, 45); // its clock starts at 0 again
    await t.engine.endNow('over');
    expect(t.targets).toHaveLength(1);
    const { tracks } = readMp4(t.targets[0]!.data);
    const video = tracks[0]!.samples;
    expect(video).toHaveLength(90);
    const dts = video.map((s) => s.dts / 90);
    const gaps = dts.slice(1).map((d, i) => d - dts[i]!);
    // The engine's timeline places the returning publisher one frame after the last video frame:
    // the join is one frame interval like every other.
    expect(Math.min(...gaps)).toBeGreaterThan(30);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(34);
  });

  it('a target that stops taking writes: the queue stays bounded and drops whole GOP tails, the RTMP destination gets every frame, then it fails as stalled', async () => {
    const stuck = new MemoryTarget('stuck.mp4').stuck();
    const t = setup({ open: async () => stuck, queue: { maxBytes: 40_000, maxDurationMs: 60_000 }, stallTimeoutMs: 300 });
    start(t.ingest);
    await until(() => t.stats().state === 'live' && t.engine.stats.destinations[0]?.state === 'live', 'both live');
    let maxQueue = 0;
    for (let i = 0; i < 600; i++) {
      t.ingest.video(i * 33, avcFrame(i % 30 === 0, i));
      maxQueue = Math.max(maxQueue, t.stats().queueBytes);
    }
    expect(t.publishers[0]!.written).toHaveLength(1 + 2 + 600);
    expect(maxQueue).toBeLessThanOrEqual(40_000 + 200);
    expect(t.stats().droppedFrames).toBeGreaterThan(0);
    await until(() => t.stats().state === 'failed', 'the stalled recording to fail');
    expect(t.stats().lastError).toMatchObject({ reason: 'stalled', message: expect.stringMatching(/did not answer for 300 ms/) });
    expect(t.warnings.some((w) => w.m === 'recording failed')).toBe(true);
    expect(t.engine.stats.destinations[0]!.state).toBe('live');
  });

  it('ENOSPC on a write: failed with the reason and a warning, the file cut back to its last whole fragment, the other sinks untouched', async () => {
    const target = new MemoryTarget('full.mp4').failOn(4, 'ENOSPC');
    const t = setup({ open: async () => target });
    start(t.ingest);
    await until(() => t.stats().state === 'live', 'recording live');
    const sent = await sendPaced(t.ingest, 7);
    await until(() => t.stats().state === 'failed', 'the recording to fail');
    const error = t.stats().lastError!;
    expect(error.reason).toBe('disk-full');
    expect(error.message).toMatch(/could not write full\.mp4: the disk is full \(ENOSPC/);
    expect(t.warnings).toContainEqual({ o: expect.objectContaining({ sink: 'rec', reason: 'disk-full' }), m: 'recording failed' });
    await until(() => target.closed, 'the file closed');
    // Three writes got through (the init, fragments 1 and 2): the file is exactly those, and reads cleanly.
    const { scan } = readMp4(target.data);
    expect(scan.tail).toBeUndefined();
    expect(scan.fragments).toHaveLength(2);
    expect(target.truncatedTo).toBe(target.data.length);
    expect(t.events.at(-1)).toMatchObject({ type: 'closed', file: { status: 'failed', reason: 'disk-full', fragments: 2, bytes: target.data.length } });
    expect(t.publishers[0]!.written).toHaveLength(1 + 2 + sent.video + sent.audio);
    expect(t.engine.stats.destinations[0]!.state).toBe('live');
    await t.engine.endNow('over');
    expect(t.stats().state).toBe('failed');
  });

  it('an unwritable directory: failed at once as not-writable; the next broadcast tries again', async () => {
    let attempts = 0;
    const made: MemoryTarget[] = [];
    const t = setup({
      open: async () => {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error("EACCES: permission denied, open '/rec/a.mp4'"), { code: 'EACCES' });
        const target = new MemoryTarget('/rec/b.mp4');
        made.push(target);
        return target;
      },
    });
    start(t.ingest);
    sendAv(t.ingest, 30);
    await until(() => t.stats().state === 'failed', 'failed');
    expect(t.stats().lastError).toMatchObject({ reason: 'not-writable', message: expect.stringMatching(/could not create the recording file: permission denied/) });
    expect(t.publishers[0]!.written.length).toBeGreaterThan(30);
    await t.engine.endNow('over');
    const next = new FakeIngest();
    t.engine.attachPublisher(next.asSource());
    start(next);
    sendAv(next, 30);
    await until(() => t.stats().state === 'live', 'live again');
    await t.engine.endNow('over');
    expect(readMp4(made[0]!.data).tracks[0]!.samples).toHaveLength(30);
  });

  it('the free-space floor stops the recording before the disk gets there, and finishes the file cleanly', async () => {
    const total = 8 * 1024 * 1024;
    const others = 1024 * 1024;
    const floor = 5 * 1024 * 1024;
    const target = new MemoryTarget('/rec/low.mp4').withDisk(total, () => others);
    const t = setup({ open: async () => target, freeSpace: { minFreeBytes: floor, minFreeRatio: 1, checkEveryMs: 60_000 } });
    start(t.ingest);
    await until(() => t.stats().state === 'live', 'recording live');
    const sent = await sendPaced(t.ingest, 30, 4_000); // ~3.6 MB of video: more than the 2 MiB above the floor
    await until(() => t.stats().state === 'failed', 'the floor to stop it');
    expect(t.stats().lastError).toMatchObject({ reason: 'low-disk-space', message: expect.stringMatching(/^free space on \/rec is down to .* below the 5\.0 MiB kept free for the rest of the machine: recording stopped$/) });
    await until(() => target.closed, 'the file finished');
    expect(total - others - target.data.length).toBeGreaterThanOrEqual(floor);
    expect(target.data.length).toBeGreaterThan(1024 * 1024); // it did use the room there was
    const { scan } = readMp4(target.data);
    expect(scan.tail).toBeUndefined();
    expect(scan.mfra).toBeDefined(); // finalized: index and durations
    expect(t.events.at(-1)).toMatchObject({ type: 'closed', file: { status: 'failed', reason: 'low-disk-space', bytes: target.data.length } });
    expect(t.publishers[0]!.written).toHaveLength(1 + 2 + sent.video + sent.audio);
  });

  it('a video codec it cannot write (VP9) fails the recording clearly; audio it cannot write is left out with a warning', async () => {
    const vp9 = setup();
    vp9.ingest.metadata({ videocodecid: 'vp09' });
    vp9.ingest.video(0, Buffer.concat([Buffer.from([0x90]), Buffer.from('vp09', 'latin1'), Buffer.from('01000000001f80020202', 'hex')]));
    vp9.ingest.video(0, Buffer.concat([Buffer.from([0x91]), Buffer.from('vp09', 'latin1'), Buffer.alloc(100)]));
    await until(() => vp9.stats().state === 'failed', 'failed');
    expect(vp9.stats().lastError).toMatchObject({ reason: 'unsupported', message: 'the video codec vp9 cannot be recorded: recordings take H.264, HEVC or AV1' });
    expect(vp9.events.at(-1)).toMatchObject({ type: 'closed', file: { status: 'failed', reason: 'unsupported' } });
    expect(vp9.targets[0]!.discarded).toBe(true); // nothing was recorded

    const mp3 = setup();
    mp3.ingest.metadata({ videocodecid: 7, audiocodecid: 2 });
    mp3.ingest.video(0, AVC_HEADER);
    for (let i = 0; i < 40; i++) {
      mp3.ingest.video(i * 33, avcFrame(i % 30 === 0, i));
      mp3.ingest.audio(i * 26, Buffer.from('2fff', 'hex'));
    }
    await until(() => mp3.stats().state === 'live', 'live');
    expect(mp3.stats().warnings).toEqual(['The audio (mp3) is not recorded: recordings take AAC or Opus audio.']);
    await mp3.engine.endNow('over');
    const { tracks } = readMp4(mp3.targets[0]!.data);
    expect(tracks.map((t) => [t.type, t.samples.length])).toEqual([['avc1', 40]]);
    expect(mp3.warnings.some((w) => w.m?.includes('recording video only'))).toBe(true);
  });

  it('attached mid-broadcast it starts at the current GOP; idle, it writes what it buffered', async () => {
    const { engine, publishers } = engineWithRtmp();
    engines.push(engine);
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    start(ingest);
    await until(() => engine.stats.destinations[0]?.state === 'live', 'destination live');
    sendAv(ingest, 45);
    const target = new MemoryTarget('late.mp4');
    engine.attachSink((ctx) => new RecordingSink({ id: 'late', name: 'late', open: async () => target, idleFlushMs: 100 }, ctx));
    await until(() => engine.stats.sinks[0]?.state === 'live', 'late recording live');
    // Nothing more comes (a publisher in its grace window): the buffered GOP goes to disk anyway.
    await until(() => (engine.stats.sinks[0] as RecordingStats).fragments === 1, 'the idle flush');
    const { tracks } = readMp4(target.data);
    expect(tracks[0]!.samples).toHaveLength(15); // frames 30..44
    expect(tracks[0]!.samples[0]!.sync).toBe(true);
    expect(publishers[0]!.written.length).toBeGreaterThan(45);
  });
});

/** An OBU with its size field. */
function obu(type: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(type << 3) | 0x02, payload.length]), payload]);
}

/** A reduced still-picture-header AV1 sequence header OBU payload for a width × height picture. */
function sequenceHeader(width: number, height: number): Buffer {
  const bits: number[] = [];
  const put = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) bits.push((value >> i) & 1);
  };
  put(0, 3); // seq_profile
  put(1, 1); // still_picture
  put(1, 1); // reduced_still_picture_header
  put(8, 5); // seq_level_idx
  const wb = Math.max(1, Math.ceil(Math.log2(width)));
  const hb = Math.max(1, Math.ceil(Math.log2(height)));
  put(wb - 1, 4);
  put(hb - 1, 4);
  put(width - 1, wb);
  put(height - 1, hb);
  while (bits.length % 8 !== 0) bits.push(0);
  const out = Buffer.alloc(bits.length / 8);
  bits.forEach((b, i) => (out[i >> 3]! |= b << (7 - (i & 7))));
  return out;
}

describe('TagReader: the recorder reads tags as @fanout/rtmp does', () => {
  const enc = (b0: number, fourCc: string, rest: string) => Buffer.concat([Buffer.from([b0]), Buffer.from(fourCc, 'latin1'), Buffer.from(rest, 'hex')]);
  const video: { name: string; body: Buffer }[] = [
    { name: 'legacy AVC keyframe, 67 ms', body: Buffer.from('1701000043000002aa0605ffff', 'hex') },
    { name: 'legacy AVC inter, negative composition time', body: Buffer.from('2701ffffdf0000000241', 'hex') },
    { name: 'legacy AVC sequence header', body: AVC_HEADER },
    { name: 'legacy HEVC (id 12) frame', body: Buffer.from('1c0100002100000002260a', 'hex') },
    { name: 'enhanced hvc1 CodedFrames, -33 ms', body: enc(0xa1, 'hvc1', 'ffffdf00000003020100') },
    { name: 'enhanced hvc1 CodedFramesX keyframe', body: enc(0x93, 'hvc1', '000000022601') },
    { name: 'enhanced av01 coded', body: enc(0xa1, 'av01', '12000a0b00') },
    { name: 'enhanced avc1 CodedFrames', body: enc(0x91, 'avc1', '0000430000000165') },
    { name: 'enhanced hvc1 multitrack one-track (full parser)', body: enc(0x96, 'hvc1', '') },
  ];
  // The multitrack tag: packet type 6, then AvMultitrackType one-track (0) | CodedFramesX (3), FourCC, track id 0, payload.
  video[8]!.body = Buffer.concat([Buffer.from([0x96, 0x03]), Buffer.from('hvc1', 'latin1'), Buffer.from([0]), Buffer.from('000000022601', 'hex')]);

  it.each(video)('video: $name', ({ body }) => {
    const unit = new TagReader().video(body);
    const tag = parseVideoTag(body);
    expect(unit.what).toBe(tag.isSequenceHeader ? 'config' : 'frame');
    expect(unit.codec).toBe(tag.codec);
    expect(unit.keyframe).toBe(tag.isSequenceHeader ? false : tag.isKeyframe);
    expect(unit.ctsMs).toBe(tag.compositionTimeMs);
    expect(unit.data.equals(tag.tracks[0]!.payload)).toBe(true);
  });

  it('audio: legacy AAC, enhanced mp4a and Opus; unsupported and end-of-sequence tags', () => {
    const r = new TagReader();
    for (const body of [AAC_HEADER, aac(1), enc(0x90, 'Opus', OPUS_HEAD.toString('hex')), enc(0x91, 'mp4a', '2110')]) {
      const unit = r.audio(body);
      const tag = parseAudioTag(body);
      expect([unit.what, unit.codec, unit.data.toString('hex')]).toEqual([tag.isSequenceHeader ? 'config' : 'frame', tag.codec, tag.payload.toString('hex')]);
    }
    expect(r.audio(Buffer.from('2fff', 'hex'))).toMatchObject({ what: 'unsupported', codec: 'mp3' });
    expect(r.audio(enc(0x92, 'Opus', ''))).toMatchObject({ what: 'skip' });
    expect(r.video(Buffer.from('1702000000', 'hex'))).toMatchObject({ what: 'skip' }); // end of sequence
    expect(r.video(enc(0x90, 'vp09', '01000000'))).toMatchObject({ what: 'unsupported', codec: 'vp9' });
    expect(r.video(Buffer.from('5701', 'hex'))).toMatchObject({ what: 'skip' }); // command frame
  });

  it('reads the picture size from the sequence header OBU of an av1C', () => {
    const av1C = Buffer.concat([Buffer.from([0x81, 0x08, 0x0c, 0x00]), obu(1, sequenceHeader(1920, 1080))]);
    expect(av1PictureSize(av1C)).toEqual({ width: 1920, height: 1080 });
    expect(av1PictureSize(Buffer.from([0x81, 0x08, 0x0c, 0x00]))).toBeUndefined();
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RtmpPublisher, readFlv } from '@fanout/rtmp';
import { afterEach, describe, expect, it } from 'vitest';
import { engineWithRtmp as makeEngine, until } from '../../test/support/fake-engine';
import { AAC_HEADER, AVC_HEADER, FakeIngest, aac, frame } from '../../test/support/fakes';
import { StreamRestreamer } from '../stream-restreamer';
import { FlvSink, type FlvTarget, openFlvFile } from './flv-sink';

const engines: StreamRestreamer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function engineWithRtmp() {
  const made = makeEngine();
  engines.push(made.engine);
  return made;
}

describe('FlvSink: a second kind of output through the same door', () => {
  it('writes the broadcast to an FLV file from its metadata and headers, every frame byte for byte, and closes it at the end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanout-flv-sink-'));
    dirs.push(dir);
    const path = join(dir, 'out.flv');
    const { engine } = engineWithRtmp();
    const states: string[] = [];
    engine.on('sinkState', (c) => states.push(`${c.kind}:${c.to}`));
    engine.attachSink((ctx) => new FlvSink({ id: 'file', kind: 'flv-file', name: 'file', open: () => openFlvFile(path) }, ctx));
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.metadata({ width: 640, height: 360 });
    const sent: Buffer[] = [AVC_HEADER, AAC_HEADER];
    ingest.video(0, AVC_HEADER);
    ingest.audio(0, AAC_HEADER);
    for (let i = 0; i < 90; i++) {
      const f = frame(i % 30 === 0, i);
      const a = aac(i);
      sent.push(f, a);
      ingest.video(i * 33, f);
      ingest.audio(i * 21, a);
    }
    await until(() => engine.stats.sinks[0]?.state === 'live', 'the file sink live');
    await until(() => engine.stats.sinks[0]!.queueBytes === 0 && engine.stats.sinks[0]!.bytesSent > 0, 'the queue to drain');
    await engine.endNow('test over');
    const flv = readFlv(await readFile(path));
    expect(flv.tags[0]?.kind).toBe('script');
    expect(flv.tags.slice(1).map((t) => Buffer.from(t.data).toString('hex'))).toEqual(sent.map((b) => b.toString('hex')));
    expect(flv.tags.filter((t) => t.kind === 'video').map((t) => t.timestamp).slice(1, 4)).toEqual([0, 33, 66]);
    expect(states).toEqual(['flv-file:connecting', 'flv-file:live', 'flv-file:idle']);
    expect(engine.stats.sinks[0]).toMatchObject({ kind: 'flv-file', droppedFrames: 0, state: 'idle' });
  });

  it('a target that stops taking data never holds up the ingest or the RTMP destination; its queue stays bounded, then it fails as stalled', async () => {
    const { engine, publishers } = engineWithRtmp();
    const gone: string[] = [];
    const stuck: FlvTarget = { write: () => new Promise<void>(() => undefined), close: async () => undefined };
    engine.attachSink((ctx) => new FlvSink({ id: 'slow', kind: 'preview', name: 'slow', open: async () => stuck, queue: { maxBytes: 20_000, maxDurationMs: 60_000 }, stallTimeoutMs: 300, onGone: (why) => gone.push(why) }, ctx));
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.video(0, AVC_HEADER);
    await until(() => engine.stats.destinations[0]?.state === 'live' && engine.stats.sinks[0]?.state === 'live', 'both live');
    let maxQueue = 0;
    for (let i = 0; i < 300; i++) {
      ingest.video(i * 33, frame(i % 30 === 0, i));
      maxQueue = Math.max(maxQueue, engine.stats.sinks[0]!.queueBytes);
    }
    expect(publishers[0]!.written).toHaveLength(1 + 300); // every frame reached the RTMP destination
    expect(maxQueue).toBeLessThanOrEqual(20_000 + 700); // one oversized resume frame at most
    expect(engine.stats.sinks[0]!.droppedFrames).toBeGreaterThan(0);
    await until(() => engine.stats.sinks[0]?.state === 'failed', 'the stalled sink to fail');
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatch(/stalled: a write of \d+ bytes took longer than 300 ms/);
  });

  it('attached mid-stream, it starts from the GOP cache: headers, then the current keyframe', async () => {
    const { engine } = engineWithRtmp();
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.video(0, AVC_HEADER);
    ingest.audio(0, AAC_HEADER);
    await until(() => engine.stats.destinations[0]?.state === 'live', 'the destination live');
    for (let i = 0; i < 45; i++) ingest.video(i * 33, frame(i % 30 === 0, i));
    const written: Buffer[] = [];
    engine.attachSink((ctx) => new FlvSink({ id: 'late', kind: 'preview', name: 'late', open: async () => ({ write: async (c) => void written.push(...c), close: async () => undefined }) }, ctx));
    await until(() => written.length > 0, 'the first write');
    const flv = readFlv(Buffer.concat(written));
    expect(flv.tags.map((t) => t.data[0]).slice(0, 3)).toEqual([0x17, 0xaf, 0x17]); // AVC header, AAC header, keyframe 30
    expect(flv.tags.filter((t) => t.kind === 'video').length).toBe(1 + 15);
  });

  it("a live viewer ('keyframe') starts at the current GOP while the start log still holds the broadcast a file gets; a video-only ingest gets an FLV header without audio", async () => {
    // A destination that never connects keeps the engine's start log open.
    const engine = new StreamRestreamer({
      streamId: 's',
      destinations: [{ id: 'rtmp', name: 'rtmp', url: 'rtmp://127.0.0.1:1/live', streamKey: 'k', enabled: true }],
      publish: () => new Promise<RtmpPublisher>(() => undefined),
    });
    engines.push(engine);
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.video(0, AVC_HEADER);
    for (let i = 0; i < 75; i++) ingest.video(i * 33, frame(i % 30 === 0, i));
    const collect = (from: 'broadcast' | 'keyframe') => {
      const written: Buffer[] = [];
      engine.attachSink((ctx) => new FlvSink({ id: from, kind: 'preview', name: from, from, open: async () => ({ write: async (c) => void written.push(...c), close: async () => undefined }) }, ctx));
      return written;
    };
    const viewer = collect('keyframe');
    const file = collect('broadcast');
    await until(() => viewer.length > 0 && file.length > 0, 'both first writes');
    const live = readFlv(Buffer.concat(viewer));
    const whole = readFlv(Buffer.concat(file));
    expect(live.header).toMatchObject({ hasAudio: false, hasVideo: true });
    expect(live.tags.filter((t) => t.kind === 'video')).toHaveLength(1 + 15); // header + frames 60..74
    expect(live.tags[1]!.data[0]).toBe(0x17); // the GOP's keyframe right after the header
    expect(whole.tags.filter((t) => t.kind === 'video')).toHaveLength(1 + 75); // the whole broadcast
  });
});

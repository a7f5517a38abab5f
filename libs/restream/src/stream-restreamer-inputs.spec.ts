import { ChunkDecoder, MessageType, type RtmpPublisher, serialiseMessage } from '@fanout/rtmp';
import { afterEach, describe, expect, it } from 'vitest';
import { AAC_HEADER, AVC_HEADER, FakeIngest, FakePublisher, aac, frame } from '../test/support/fakes';
import type { InputSwitchEvent } from './input-switch';
import type { PublishFunction } from './outputs/rtmp-destination';
import type { SlateClip } from './slate/clip';
import type { SlateParams } from './slate/params';
import type { SlateProvider } from './slate/render';
import { StreamRestreamer, type StreamRestreamerOptions } from './stream-restreamer';

const engines: StreamRestreamer[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

/** A slate clip at 25 fps whose frames are known by their sizes (55-byte video, 35-byte audio bodies). */
const slateFrame = (key: boolean) => Buffer.concat([Buffer.from([key ? 0x17 : 0x27, 1, 0, 0, 0]), Buffer.alloc(50, 0xee)]);
const slateAudio = Buffer.concat([Buffer.from([0xaf, 1]), Buffer.alloc(33, 0xee)]);
const isSlate = (type: number, body: Buffer) => body[1] === 1 && body.length === (type === MessageType.Video ? 55 : 35);
function fakeSlates(): SlateProvider & { asked: SlateParams[] } {
  const asked: SlateParams[] = [];
  return {
    asked,
    clipFor: async (params) => {
      asked.push(params);
      const clip: SlateClip = {
        params,
        key: 'k',
        file: 'fake.flv',
        metadata: { encoder: 'Fanout slate' },
        videoHeader: AVC_HEADER,
        audioHeader: AAC_HEADER,
        video: [slateFrame(true), slateFrame(false), slateFrame(false)],
        audio: [slateAudio],
        videoFrameMs: 40,
        audioFrameMs: 40,
      };
      return clip;
    },
  };
}

function setup(options: Partial<StreamRestreamerOptions> = {}) {
  let publisher: FakePublisher | undefined;
  const publish: PublishFunction = async (target) => {
    publisher = new FakePublisher(target, 4096);
    return publisher as unknown as RtmpPublisher;
  };
  const engine = new StreamRestreamer({
    streamId: 's',
    destinations: [{ id: 'a', name: 'a', url: 'rtmp://127.0.0.1:1/live', streamKey: 'k', enabled: true }],
    publish,
    connectDelayMs: 50,
    ...options,
  });
  engines.push(engine);
  const events: InputSwitchEvent[] = [];
  engine.on('input', (e) => events.push(e));
  /** Every media message the destination got: [type, timestamp, is a slate frame]. */
  const received = () => {
    const out: { type: number; ts: number; slate: boolean; header: boolean }[] = [];
    const decoder = new ChunkDecoder({ onMessage: (m) => void (m.type !== MessageType.SetChunkSize && out.push({ type: m.type, ts: m.timestamp, slate: isSlate(m.type, m.payload), header: m.type !== MessageType.DataAmf0 && m.payload[1] === 0 })) });
    const set = Buffer.alloc(4);
    set.writeUInt32BE(4096);
    decoder.push(serialiseMessage({ csid: 2, type: MessageType.SetChunkSize, streamId: 0, timestamp: 0, payload: set }, 128));
    for (const b of publisher?.written ?? []) decoder.push(b);
    return out;
  };
  return { engine, events, received };
}

async function until(what: string, predicate: () => boolean, ms = 3_000): Promise<void> {
  for (let i = 0; i < ms / 5 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(predicate(), what).toBe(true);
}

function encoder(ingest: FakeIngest, from = 0) {
  let n = from;
  return {
    headers: () => {
      ingest.metadata({ width: 640, height: 360, framerate: 25 });
      ingest.video(n * 40, AVC_HEADER);
      ingest.audio(n * 40, AAC_HEADER);
    },
    frames: (count: number) => {
      for (let i = 0; i < count; i++, n++) {
        ingest.video(n * 40, frame(n % 25 === 0, n));
        ingest.audio(n * 40 + 5, aac(n));
      }
    },
  };
}

describe('StreamRestreamer with a backup input and a slate (fake sessions, destinations and slates)', () => {
  it('renders a slate once the ingest parameters are known, and puts it on air for the grace window', async () => {
    const slates = fakeSlates();
    const { engine, events, received } = setup({ slate: slates, graceMs: 5_000 });
    const first = new FakeIngest();
    engine.attachPublisher(first.asSource());
    const p = encoder(first);
    p.headers();
    await until('destination live', () => engine.stats.destinations[0]!.state === 'live');
    p.frames(30);
    await until('slate ready', () => engine.stats.slateReady);
    expect(slates.asked).toEqual([
      { video: { codec: 'h264', width: 640, height: 360, fps: { num: 25, den: 1 }, profile: 'High' }, audio: { codec: 'aac', sampleRate: 44_100, channels: 2 } },
    ]);
    first.close(); // the encoder's connection drops
    expect(engine.stats.ingest.state).toBe('grace');
    expect(engine.onAir).toBe('slate');
    await until('slate frames sent', () => received().filter((m) => m.slate).length >= 5);
    const ts = received().filter((m) => m.type === MessageType.Video && !m.header).map((m) => m.ts);
    expect(ts.slice(29, 32)).toEqual([1_160, 1_200, 1_240]); // the last frame of the publisher, then the slate one frame later

    const second = new FakeIngest();
    engine.attachPublisher(second.asSource());
    const q = encoder(second, 1_000);
    q.headers();
    q.frames(30); // 1000 is a keyframe (1000 % 25 === 0)
    expect(engine.onAir).toBe('primary');
    expect(engine.stats.ingest.state).toBe('live');
    expect(events.map((e) => `${e.previous}→${e.onAir}:${e.reason}`)).toEqual(['none→primary:publish-start', 'primary→slate:primary-lost', 'slate→primary:publisher-returned']);
    const all = received();
    const lastSlate = all.map((m) => m.slate).lastIndexOf(true);
    expect(all.slice(lastSlate + 1, lastSlate + 4).map((m) => [m.type, m.header])).toEqual([
      [MessageType.DataAmf0, false],
      [MessageType.Video, true],
      [MessageType.Audio, true],
    ]);
    const video = all.filter((m) => m.type === MessageType.Video && !m.header).map((m) => m.ts);
    for (let i = 1; i < video.length; i++) expect(video[i]! - video[i - 1]!).toBeGreaterThanOrEqual(0);
    for (let i = 1; i < video.length; i++) expect(video[i]! - video[i - 1]!).toBeLessThanOrEqual(40);

    await engine.endNow('done');
    expect(events.at(-1)).toMatchObject({ onAir: 'none', reason: 'ended' });
    expect(engine.onAir).toBe('none');
  });

  it('renders again for the known parameters when the slate is replaced (a new image), and has none once it is removed', async () => {
    const first = fakeSlates();
    const { engine } = setup({ slate: first });
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    const p = encoder(ingest);
    p.headers();
    p.frames(30);
    await until('slate ready', () => engine.stats.slateReady);
    const second = fakeSlates();
    engine.setSlate(second);
    expect(engine.stats.slateReady).toBe(false);
    await until('the new slate ready', () => engine.stats.slateReady);
    expect(second.asked).toEqual(first.asked);
    engine.setSlate(undefined);
    expect(engine.stats.slateReady).toBe(false);
    ingest.close();
    expect(engine.onAir).toBe('none');
  });

  it('keeps the broadcast live on the backup when the primary leaves, and reports each input', async () => {
    const { engine, events } = setup({ graceMs: 5_000 });
    const primary = new FakeIngest();
    const backup = new FakeIngest();
    engine.attachPublisher(primary.asSource());
    engine.attachPublisher(backup.asSource(), 'backup');
    const p = encoder(primary);
    const b = encoder(backup);
    p.headers();
    b.headers();
    await until('destination live', () => engine.stats.destinations[0]!.state === 'live');
    p.frames(10);
    b.frames(10);
    expect(engine.stats.onAir).toBe('primary');
    expect(engine.stats.inputs.primary).toMatchObject({ state: 'live', kind: 'rtmp', facts: { video: { codec: 'h264', width: 640, height: 360 } } });
    expect(engine.stats.inputs.backup).toMatchObject({ state: 'warm', kind: 'rtmp' });
    expect(backup.closed).toBe(false);
    primary.emit('unpublish', 'x'); // a clean unpublish of the primary
    expect(engine.stats.ingest.state).toBe('live'); // no grace window: the backup is on air
    expect(engine.onAir).toBe('backup');
    expect(engine.stats.inputs.primary.state).toBe('gone');
    expect(events.at(-1)).toMatchObject({ previous: 'primary', onAir: 'backup', reason: 'primary-lost' });
    // A second backup publish takes over the backup input; the primary role is untouched.
    const backup2 = new FakeIngest();
    engine.attachPublisher(backup2.asSource(), 'backup');
    expect(backup.closed).toBe(true);
    encoder(backup2, 500).headers();
    encoder(backup2, 500).frames(1); // the event carries the gap, measured at the first frame
    expect(events.at(-1)).toMatchObject({ previous: 'backup', onAir: 'backup', reason: 'takeover' });
    engine.dropPublisher('backup key rotated', 'backup');
    expect(backup2.closed).toBe(true);
    expect(engine.stats.ingest.state).toBe('grace');
    expect(engine.onAir).toBe('none'); // no slate: destinations wait, as before
    expect(engine.switchInput('backup')).toBe(false);
  });
});

import { ChunkDecoder, MessageType, type RawMessage, RtmpError, type RtmpPublisher, type RtmpUrl, serialiseMessage } from '@fanout/rtmp';
import { afterEach, describe, expect, it } from 'vitest';
import { AAC_HEADER, AVC_HEADER, FakeIngest, FakePublisher, aac, frame } from '../test/support/fakes';
import { StreamRestreamer, type StreamRestreamerOptions } from './stream-restreamer';
import type { DestinationSpec, PublishFunction } from './outputs/rtmp-destination';

const engines: StreamRestreamer[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function setup(specs: DestinationSpec[], chunkSizeFor: (target: RtmpUrl) => number, options: Partial<StreamRestreamerOptions> = {}) {
  const publishers = new Map<string, FakePublisher>();
  const publishFn: PublishFunction = async (target) => {
    const publisher = new FakePublisher(target, chunkSizeFor(target));
    publishers.set(`${target.host}:${target.port}`, publisher);
    return publisher as unknown as RtmpPublisher;
  };
  const engine = new StreamRestreamer({ streamId: 's', destinations: specs, publish: publishFn, connectDelayMs: 50, ...options });
  engines.push(engine);
  return { engine, publishers };
}

const spec = (id: string, port: number): DestinationSpec => ({ id, name: id, url: `rtmp://127.0.0.1:${port}/live`, streamKey: `key-${id}`, enabled: true });

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(predicate()).toBe(true);
}

describe('StreamRestreamer (fake sessions and publishers)', () => {
  it('serialises each message once per distinct serialisation key, never once per destination', async () => {
    const { engine, publishers } = setup([spec('a', 1), spec('b', 2), spec('c', 3)], (t) => (t.port === 3 ? 128 : 4096));
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.video(0, AVC_HEADER);
    await until(() => engine.stats.destinations.every((d) => d.state === 'live'));
    ingest.audio(0, AAC_HEADER);
    for (let i = 0; i < 60; i++) {
      ingest.video(i * 33, frame(i % 30 === 0, i));
      ingest.audio(i * 23, aac(i));
    }
    const [a, b, c] = ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'].map((k) => publishers.get(k)!);
    const messages = 2 + 120;
    expect(a!.written).toHaveLength(messages);
    for (let i = 0; i < messages; i++) expect(a!.written[i]).toBe(b!.written[i]); // the same Buffer
    expect(c!.written).toHaveLength(messages);
    expect(c!.written[5]).not.toBe(a!.written[5]); // another chunk size, another serialisation
    expect(engine.serialisations).toBe(messages * 2);
    // Same messages either way: decode both and compare bodies and timestamps.
    const decodeAll = (buffers: Buffer[], chunkSize: number) => {
      const out: RawMessage[] = [];
      const decoder = new ChunkDecoder({ onMessage: (m) => out.push(m) });
      if (chunkSize !== 128) {
        const set = Buffer.alloc(4);
        set.writeUInt32BE(chunkSize);
        decoder.push(serialiseMessage({ csid: 2, type: MessageType.SetChunkSize, streamId: 0, timestamp: 0, payload: set }, 128));
      }
      for (const b of buffers) decoder.push(b);
      return out.filter((m) => m.type !== MessageType.SetChunkSize).map((m) => [m.type, m.timestamp, m.payload.toString('hex')]);
    };
    expect(decodeAll(c!.written, 128)).toEqual(decodeAll(a!.written, 4096));
  });

  it('gives destinations configured before the publish the whole broadcast, however late they connect', async () => {
    // 'slow' connects only after the ingest's second keyframe: with the GOP cache alone it would miss the first GOP.
    const gates = new Map<number, () => void>();
    const publishers = new Map<number, FakePublisher>();
    const publishFn: PublishFunction = (target) =>
      new Promise((resolve) => {
        const publisher = new FakePublisher(target, 4096);
        publishers.set(target.port, publisher);
        gates.set(target.port, () => resolve(publisher as unknown as RtmpPublisher));
      });
    const engine = new StreamRestreamer({ streamId: 's', destinations: [spec('fast', 1), spec('slow', 2)], publish: publishFn, connectDelayMs: 50 });
    engines.push(engine);
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    const sent: Buffer[] = [];
    const send = (kind: 'video' | 'audio', ts: number, payload: Buffer) => {
      sent.push(payload);
      ingest[kind](ts, payload);
    };
    ingest.metadata({ width: 640, height: 360, framerate: 30 });
    send('audio', 0, AAC_HEADER); // audio first, as some encoders do
    send('audio', 0, aac(0));
    send('video', 0, AVC_HEADER);
    await until(() => gates.size === 2);
    let n = 0;
    for (; n < 45; n++) {
      send('video', n * 33, frame(n % 30 === 0, n));
      send('audio', n * 21 + 21, aac(n + 1));
    }
    gates.get(1)!();
    await until(() => engine.stats.destinations.find((d) => d.id === 'fast')?.state === 'live');
    for (; n < 70; n++) send('video', n * 33, frame(n % 30 === 0, n)); // past the second keyframe (n = 30, 60)
    gates.get(2)!();
    await until(() => engine.stats.destinations.every((d) => d.state === 'live'));
    for (; n < 90; n++) send('video', n * 33, frame(n % 30 === 0, n));

    const bodies = (p: FakePublisher) => {
      const out: Buffer[] = [];
      const decoder = new ChunkDecoder({ onMessage: (m) => void (m.type !== MessageType.SetChunkSize && out.push(Buffer.from(m.payload))) });
      const set = Buffer.alloc(4);
      set.writeUInt32BE(4096);
      decoder.push(serialiseMessage({ csid: 2, type: MessageType.SetChunkSize, streamId: 0, timestamp: 0, payload: set }, 128));
      for (const b of p.written) decoder.push(b);
      return out;
    };
    for (const port of [1, 2]) {
      const got = bodies(publishers.get(port)!);
      expect(got[0]!.subarray(0, 16).toString('latin1'), `${port}: metadata first`).toContain('@setDataFrame');
      expect(got.slice(1).map((b) => b.toString('hex')), `destination ${port}`).toEqual(sent.map((b) => b.toString('hex')));
    }
    expect(engine.stats.destinations.map((d) => d.droppedFrames)).toEqual([0, 0]);

    // Once every destination is live, a joiner starts from the GOP cache: headers, then the last keyframe.
    engine.setDestinations([spec('fast', 1), spec('slow', 2), spec('late', 3)]);
    await until(() => gates.has(3));
    gates.get(3)!();
    await until(() => engine.stats.destinations.find((d) => d.id === 'late')?.state === 'live');
    const late = bodies(publishers.get(3)!);
    expect(late.slice(1, 3)).toEqual([AVC_HEADER, AAC_HEADER]);
    expect(late[3]![0]).toBe(0x17);
    expect(late.length).toBe(1 + 2 + (90 - 60));
  });

  it('continues one monotonic timeline across publishers: the new session starts one frame after the last timestamp sent', async () => {
    const { engine, publishers } = setup([spec('a', 1)], () => 4096, { graceMs: 5_000 });
    const first = new FakeIngest();
    engine.attachPublisher(first.asSource());
    first.metadata({ framerate: 25, width: 640, height: 360 });
    first.video(0, AVC_HEADER);
    await until(() => engine.stats.destinations[0]!.state === 'live');
    for (let i = 0; i < 26; i++) first.video(i * 40, frame(i === 0, i)); // last at 1000
    first.emit('unpublish', 'x');
    expect(engine.stats.ingest.state).toBe('grace');

    const second = new FakeIngest();
    engine.attachPublisher(second.asSource());
    second.metadata({ framerate: 25 });
    second.video(0, AVC_HEADER);
    second.video(0, frame(true, 0));
    second.video(40, frame(false, 1));
    const ts = publishers.get('127.0.0.1:1')!.timestamps();
    expect(ts.slice(-4)).toEqual([1_040, 1_040, 1_040, 1_080]);

    // A takeover by a publisher whose clock starts at 90 s continues the same way.
    const third = new FakeIngest();
    engine.attachPublisher(third.asSource());
    expect(second.closed).toBe(true);
    third.video(90_000, AVC_HEADER);
    third.video(90_000, frame(true, 0));
    second.video(80, frame(false, 2)); // the replaced session's late events are ignored
    const after = publishers.get('127.0.0.1:1')!.timestamps();
    expect(after.slice(-2)).toEqual([1_120, 1_120]);
    expect(after.every((t, i) => i === 0 || t >= after[i - 1]!)).toBe(true);
  });

  it('reports ISO wall times from the injected clocks: nextRetryAt, lastError.at, startedAt', async () => {
    const clock = { now: 10_000 };
    const WALL0 = Date.parse('2026-03-01T12:00:00.000Z');
    const refused: PublishFunction = async () => {
      throw new RtmpError('CONNECTION_REFUSED', 'connection refused');
    };
    const engine = new StreamRestreamer({
      streamId: 's',
      destinations: [spec('a', 1)],
      publish: refused,
      connectDelayMs: 10,
      clock: () => clock.now,
      wallClock: () => WALL0 + clock.now - 10_000,
      backoff: { initialMs: 60_000, floorMs: 250, random: () => 0 },
    });
    engines.push(engine);
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    expect(engine.stats.ingest.startedAt).toBe('2026-03-01T12:00:00.000Z');
    clock.now += 2_000;
    ingest.video(0, AVC_HEADER);
    await until(() => engine.stats.destinations[0]!.state === 'reconnecting');
    const d = engine.stats.destinations[0]!;
    expect(d.lastError).toEqual({ reason: 'refused', message: 'connection refused', at: '2026-03-01T12:00:02.000Z' });
    // Equal jitter drawing 0: half of the 60 s envelope.
    expect(d.nextRetryAt).toBe('2026-03-01T12:00:32.000Z');
    expect(engine.stats.ingest.uptimeS).toBe(2);
    expect(engine.stats.ingest.video).toEqual({ codec: 'h264', width: 640, height: 360 });
  });

  it('a session that closed before it was attached starts the grace window at once, then ends', async () => {
    const { engine } = setup([spec('a', 1)], () => 4096, { graceMs: 50 });
    const ended = new Promise<void>((resolve) => engine.once('ended', resolve));
    const ingest = new FakeIngest();
    ingest.close();
    engine.attachPublisher(ingest.asSource());
    expect(engine.stats.ingest.state).toBe('grace');
    await ended;
    expect(engine.stats.ingest.state).toBe('idle');
    expect(engine.stats.destinations[0]!.state).toBe('idle');
  });

  it('says when a grace window ends, in the stats and the grace event, and clears it when the publisher returns', async () => {
    const clock = { now: 1_000 };
    const WALL0 = Date.parse('2026-03-01T12:00:00.000Z');
    const { engine } = setup([spec('a', 1)], () => 4096, { graceMs: 7_000, clock: () => clock.now, wallClock: () => WALL0 + clock.now - 1_000 });
    const events: { state: string; graceEndsAt?: string }[] = [];
    engine.on('ingest', (e) => events.push({ state: e.state, ...(e.graceEndsAt ? { graceEndsAt: e.graceEndsAt } : {}) }));
    const first = new FakeIngest();
    engine.attachPublisher(first.asSource());
    expect(engine.stats.ingest.graceEndsAt).toBeNull();
    clock.now += 3_000;
    first.emit('unpublish', 'x');
    expect(engine.stats.ingest.state).toBe('grace');
    expect(engine.stats.ingest.graceEndsAt).toBe('2026-03-01T12:00:10.000Z');
    expect(events.at(-1)).toEqual({ state: 'grace', graceEndsAt: '2026-03-01T12:00:10.000Z' });
    clock.now += 2_000; // the deadline does not move while the window runs
    expect(engine.stats.ingest.graceEndsAt).toBe('2026-03-01T12:00:10.000Z');
    engine.attachPublisher(new FakeIngest().asSource());
    expect(engine.stats.ingest.state).toBe('live');
    expect(engine.stats.ingest.graceEndsAt).toBeNull();
  });

  it('starts counting reconnects again when a destination is edited', async () => {
    const attempts = new Map<string, number>();
    const refuseOld: PublishFunction = async (target) => {
      attempts.set(target.streamName, (attempts.get(target.streamName) ?? 0) + 1);
      if (target.streamName === 'key-a') throw new RtmpError('CONNECTION_REFUSED', 'connection refused');
      return new FakePublisher(target, 4096) as unknown as RtmpPublisher;
    };
    const engine = new StreamRestreamer({ streamId: 's', destinations: [spec('a', 1)], publish: refuseOld, connectDelayMs: 10, backoff: { initialMs: 20, maxMs: 20, floorMs: 1, random: () => 1 } });
    engines.push(engine);
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.video(0, AVC_HEADER);
    await until(() => engine.stats.destinations[0]!.reconnects >= 2);
    expect(engine.stats.destinations[0]!.lastError?.reason).toBe('refused');
    engine.setDestinations([{ ...spec('a', 1), streamKey: 'key-fixed' }]);
    await until(() => engine.stats.destinations[0]!.state === 'live');
    const d = engine.stats.destinations[0]!;
    expect(d.reconnects).toBe(0);
    expect(d.lastError).toBeNull();
  });

  it('a listener that throws does not break the ingest', async () => {
    const { engine, publishers } = setup([spec('a', 1)], () => 4096);
    engine.on('destinationState', () => {
      throw new Error('host bug');
    });
    const ingest = new FakeIngest();
    engine.attachPublisher(ingest.asSource());
    ingest.video(0, AVC_HEADER);
    await until(() => engine.stats.destinations[0]!.state === 'live');
    ingest.video(0, frame(true, 0));
    expect(publishers.get('127.0.0.1:1')!.written).toHaveLength(2);
  });
});

import { type AddressInfo, type Server, type Socket, createServer, connect as netConnect } from 'node:net';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { randomBytes } from 'node:crypto';
import type { FlvTag, RtmpPublisher } from '@fanout/rtmp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStats } from '../src';
import { recording, type Recording } from './support/fixture';
import { Sink, publish, sendTags, sleep, waitFor } from './support/harness';
import { type Rig, closeRig, makeRig, specFor } from './support/rig';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE);

/**
 * A TCP proxy in front of a real sink. `freeze()` makes it stop reading from the engine's side
 * of every open connection: the RTMP session stays up (handshake and publish are done) but
 * nothing is delivered any more, as with a destination whose network path went dead.
 */
class FreezingProxy {
  private readonly server: Server;
  private readonly clients: Socket[] = [];
  private readonly upstreams: Socket[] = [];
  port = 0;

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => {
      const upstream = netConnect(this.upstreamPort, '127.0.0.1');
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      this.clients.push(client);
      this.upstreams.push(upstream);
    });
  }

  get url(): string {
    return `rtmp://127.0.0.1:${this.port}/live`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  freeze(): void {
    for (const client of this.clients) {
      client.unpipe();
      client.pause();
    }
  }

  /** Reads again (a congested path that recovers). */
  thaw(upstreams = this.upstreams): void {
    this.clients.forEach((client, i) => {
      client.pipe(upstreams[i]!);
      client.resume();
    });
  }

  close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Big synthetic H.264 frames (the sinks do not decode): 64 KiB each, a keyframe every 30, index in bytes 5..8. */
function bigFrames(count: number, startTs: number): FlvTag[] {
  const body = randomBytes(64 * 1024);
  return Array.from({ length: count }, (_, i) => {
    const index = Buffer.alloc(4);
    index.writeUInt32BE(i);
    const data = Buffer.concat([Buffer.from([i % 30 === 0 ? 0x17 : 0x27, 0x01, 0, 0, 0]), index, body]);
    return { kind: 'video', type: 9, filtered: false, timestamp: startTs + Math.round(i * 33.3), streamId: 0, data, offset: 0 } satisfies FlvTag;
  });
}

function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function externalBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Heap plus ArrayBuffer bytes once garbage has really gone: Buffer memory is released only after
 * the collector has finalised its wrappers, which can take a few cycles and event-loop turns on a
 * loaded machine, so take the lowest reading over a few collections (bounded: 5 rounds).
 */
async function settledExternalBytes(gc: (() => void) | undefined): Promise<number> {
  let lowest = Infinity;
  for (let round = 0; round < 5; round++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    lowest = Math.min(lowest, externalBytes());
  }
  return lowest;
}

let rec: Recording;
let rig: Rig | undefined;
let proxy: FreezingProxy | undefined;
const publishers: RtmpPublisher[] = [];

const QUEUE_BYTES = 2 * 1024 * 1024;
const SOCKET_BYTES = 256 * 1024;
const FRAMES = 480;

describe.skipIf(skip)('a destination that stops reading', () => {
  beforeAll(async () => {
    rec = await recording();
  }, 60_000);

  afterEach(async () => {
    await closeRig(rig, publishers);
    await proxy?.close();
    rig = undefined;
    proxy = undefined;
  });

  /** Two destinations: d0 healthy, d1 behind the proxy. Publishes headers, waits for live, freezes d1, then floods. */
  async function flood(
    stallTimeoutMs: number,
    onSample: (d0: DestinationStats, d1: DestinationStats) => void,
    onFrame: (index: number) => void = () => undefined,
    keepPayloads = false,
  ): Promise<{ sent: number }> {
    rig = await makeRig(2, { stallTimeoutMs, queue: { maxBytes: QUEUE_BYTES, maxDurationMs: 60_000 }, maxSocketBytes: SOCKET_BYTES });
    if (keepPayloads) {
      await rig.sinks[1]!.kill();
      const port = rig.sinks[1]!.port;
      rig.sinks[1] = new Sink(rig.sinks[1]!.key, true);
      await rig.sinks[1].listen(port);
    }
    proxy = await new FreezingProxy(rig.sinks[1]!.port).listen();
    rig.restreamer.setDestinations([specFor(rig.sinks[0]!, 'd0'), specFor(rig.sinks[1]!, 'd1', { url: proxy.url })]);
    const publisher = await publish(rig.ingest.url);
    publishers.push(publisher);
    const headers = rec.media.slice(0, rec.media.findIndex((t) => t.data[1] === 1));
    await sendTags(publisher, rec.metadata, headers);
    await rig.waitState('d0', 'live');
    await rig.waitState('d1', 'live');
    proxy.freeze();
    const frames = bigFrames(FRAMES, 100);
    let sampled = 0;
    const sent = await sendTags(publisher, undefined, frames, {
      speed: 6,
      before: (_t, i) => {
        onFrame(i);
        if (i % 10 === 0) {
          const [d0, d1] = rig!.restreamer.stats.destinations as [DestinationStats, DestinationStats];
          onSample(d0, d1);
          sampled += 1;
        }
        return true;
      },
    });
    expect(sampled).toBeGreaterThan(10);
    return { sent };
  }

  it('keeps memory bounded and drops whole GOPs for it, while the healthy destination loses nothing', async () => {
    const gc = gcFunction();
    const before = await settledExternalBytes(gc);
    let maxQueue = 0;
    let maxSocket = 0;
    // Stall detection effectively off: the frozen destination stays connected the whole time.
    const { sent } = await flood(600_000, (_d0, d1) => {
      maxQueue = Math.max(maxQueue, d1.queueBytes);
      maxSocket = Math.max(maxSocket, d1.socketBytes);
    });
    expect(sent).toBe(FRAMES);
    const healthy = rig!.sinks[0]!;
    await waitFor('every frame at the healthy sink', () => healthy.counts().video === FRAMES, 15_000);
    const [d0, d1] = rig!.restreamer.stats.destinations as [DestinationStats, DestinationStats];
    expect(d1.state).toBe('live');
    expect(d0.droppedFrames).toBe(0);
    expect(d1.droppedFrames).toBeGreaterThan(FRAMES / 2);
    expect(d1.warnings).toEqual(['Sink d1 is slower than the stream: frames were dropped in the last 10 s.']);
    expect(d0.warnings).toEqual([]);
    // Queue bounded by its options (media bytes) plus a few never-dropped control items.
    expect(maxQueue).toBeLessThanOrEqual(QUEUE_BYTES + 64 * 1024);
    expect(d1.queueBytes).toBeLessThanOrEqual(QUEUE_BYTES + 64 * 1024);
    // The socket was never handed more than the cap plus one message.
    expect(maxSocket).toBeLessThanOrEqual(SOCKET_BYTES + 70 * 1024);
    // ~31 MB went through; what stays retained is bounded by queue + GOP cache + socket, not by the stream.
    const growth = (await settledExternalBytes(gc)) - before;
    expect(growth).toBeLessThan(gc ? 16 * 1024 * 1024 : 64 * 1024 * 1024);
    // The healthy sink got every frame in order, and a clean frozen destination keeps its one connection.
    expect(healthy.connections).toHaveLength(1);
  });

  it('a destination that falls behind and recovers loses whole GOP tails only: no frame missing inside a GOP it received', async () => {
    const { sent } = await flood(
      600_000,
      () => undefined,
      (i) => {
        if (i === 300) proxy!.thaw();
      },
      true,
    );
    expect(sent).toBe(FRAMES);
    const slow = rig!.sinks[1]!;
    await waitFor('the last frame reaches the recovered sink', () => slow.all.some((m) => m.kind === 'video' && m.payload!.readUInt32BE(5) === FRAMES - 1), 15_000);
    const indices = slow.all.filter((m) => m.kind === 'video' && m.coded).map((m) => m.payload!.readUInt32BE(5));
    expect(indices.length).toBeLessThan(FRAMES); // it did drop
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      const isKeyframe = index % 30 === 0;
      // Every inter frame follows its predecessor; a jump only ever lands on a keyframe.
      if (!isKeyframe) expect(indices[i - 1], `frame ${index}`).toBe(index - 1);
    }
    const d1 = rig!.restreamer.stats.destinations[1]!;
    expect(d1.droppedFrames).toBe(FRAMES - indices.length);
    expect(rig!.sinks[0]!.counts().video).toBe(FRAMES);
  });

  it('detects the stall from delivery progress and reconnects with reason stalled', async () => {
    await flood(1_500, () => undefined);
    await waitFor('d1 stalled', () => rig!.states.some((s) => s.destinationId === 'd1' && s.to === 'reconnecting' && s.reason === 'stalled'), 10_000);
    const stalled = rig!.states.find((s) => s.destinationId === 'd1' && s.reason === 'stalled')!;
    expect(stalled.from).toBe('live');
    expect(stalled.nextRetryAt).toBeDefined();
    // The queue of the dropped connection is released.
    const d1 = rig!.restreamer.stats.destinations.find((d) => d.id === 'd1')!;
    expect(d1.queueBytes).toBeLessThanOrEqual(QUEUE_BYTES);
    // It comes back by itself through the (new, unfrozen) proxy connection.
    await rig!.waitState('d1', 'live', 10_000);
    expect(rig!.states.filter((s) => s.destinationId === 'd0').map((s) => s.to)).toEqual(['connecting', 'live']);
    expect(rig!.sinks[0]!.connections).toHaveLength(1);
  });

  it('a server that accepts TCP but never answers the handshake: reconnecting with reason timeout, attempts spaced', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const sink = await new Sink().listen();
      rig = await makeRig(0, { connectTimeoutMs: 400 }, () => []);
      rig.restreamer.setDestinations([specFor(sink, 'ok'), { ...specFor(sink, 'silent'), url: `rtmp://127.0.0.1:${port}/live` }]);
      const publisher = await publish(rig.ingest.url);
      publishers.push(publisher);
      await sendTags(publisher, rec.metadata, rec.media.slice(0, 40));
      await waitFor('timeout', () => rig!.states.some((s) => s.destinationId === 'silent' && s.reason === 'timeout'), 5_000);
      await sleep(1_200);
      const attempts = rig.states.filter((s) => s.destinationId === 'silent' && s.to === 'connecting').length;
      // 400 ms per attempt plus backoff: a handful, not hundreds.
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(6);
      expect(rig.restreamer.stats.destinations.find((d) => d.id === 'ok')!.state).toBe('live');
      await sink.kill();
    } finally {
      silent.close();
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmfValue, RtmpError, encodeMessage, publish, serialiseMessage } from '@fanout/rtmp';
import { PrismaService } from '../src/database/prisma.service';
import { Secrets } from '../src/crypto/secrets';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { RtmpIngestHost } from '../src/ingest/rtmp-ingest-host';
import { startTestApi, type TestApi } from './support/api';
import { comparable, frameHashes } from './support/frames';
import { waitUntil, within } from './support/media';
import { ffmpegLive, type TestPublisher } from './support/publishers';
import { startOwnSink } from './support/sinks';
import { HAVE_FFMPEG, skipWithout } from './support/tools';

/**
 * Anonymous abuse of the RTMP ingest, against the platform itself (the API in this process, so
 * its memory and event loop are this process's), while a real ffmpeg broadcast goes on to a
 * real destination. Every case is bounded in time; the stated bounds are what the README's
 * RTMP_* settings promise.
 */

/** Each case may grow resident memory by at most this much (the old ingest held 127 MB for six trickling connections). */
const RSS_BOUND_BYTES = 48 * 1024 * 1024;
/** No case may block the event loop longer than this (a 16 MiB connect once blocked it 1.5 s). */
const LOOP_DELAY_MAX_MS = 250;
/** Settings of this suite: a short publish deadline and a small global cap, so the cases stay fast. */
const PUBLISH_TIMEOUT_S = 3;
const MAX_CONNECTIONS = 150;
const PER_ADDRESS = 50;

const C0C1C2 = (() => {
  const c0c1 = Buffer.alloc(1 + 1536);
  c0c1[0] = 3;
  return Buffer.concat([c0c1, Buffer.alloc(1536)]); // C2 of zeros: enough for our server
})();

function command(name: string, txn: number, streamId: number, args: AmfValue[], object: AmfValue = null): Buffer {
  const { type, payload } = encodeMessage({ kind: 'command', name, transactionId: txn, commandObject: object, args });
  return serialiseMessage({ csid: 3, type, streamId, timestamp: 0, payload });
}
const CONNECT = command('connect', 1, 0, [], { app: 'live', tcUrl: 'rtmp://127.0.0.1/live' });

/** A raw TCP connection from `localAddress` (127.0.0.x: each its own client address on loopback). */
function raw(port: number, localAddress = '127.0.0.2'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.on('error', reject);
    socket.resume();
  });
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
  });
}

/** Runs `fn` while sampling RSS and the event loop; returns the peak growth and the longest delay. */
async function measured(fn: () => Promise<void>): Promise<{ rssGrowth: number; loopMaxMs: number }> {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  histogram.enable();
  try {
    await fn();
  } finally {
    histogram.disable();
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { rssGrowth: peak - base, loopMaxMs: histogram.max / 1e6 };
}

describe.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG))('a hostile client cannot hurt the ingest or a live broadcast', () => {
  let api: TestApi;
  let dir: string;
  let port: number;
  let broadcast: TestPublisher;
  let sink: Awaited<ReturnType<typeof startOwnSink>>;
  let streamId: string;
  const streamKey = 'live_hostile_9c8b7a6d5e4f';
  /** A second stream of the same owner: its key is the rightful user behind the guessing address. */
  const rightfulKey = 'live_rightful_1a2b3c4d5e6f';
  const results: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-hostile-'));
    api = await startTestApi({
      RTMP_PUBLISH_TIMEOUT_S: String(PUBLISH_TIMEOUT_S),
      RTMP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      RTMP_MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
      RTMP_BAD_KEY_MAX_DELAY_S: '1',
      INGEST_GRACE_S: '1',
      LOG_LEVEL: 'info',
    });
    port = api.rtmpPort;
    const prisma = api.app.get(PrismaService);
    const secrets = api.app.get(Secrets);
    const owner = await prisma.client.user.create({ data: { email: 'hostile@example.com', passwordHash: 'x', role: 'owner' } });
    streamId = (await prisma.client.stream.create({ data: { ownerId: owner.id, name: 'Under attack', keyHash: secrets.lookupHash(streamKey), keyCiphertext: secrets.encrypt(streamKey) } })).id;
    await prisma.client.stream.create({ data: { ownerId: owner.id, name: 'Rightful', keyHash: secrets.lookupHash(rightfulKey), keyCiphertext: secrets.encrypt(rightfulKey) } });
    sink = await startOwnSink(join(dir, 'sink.flv'), 'hostile-sink');
    await prisma.client.destination.create({ data: { streamId, name: 'Sink', platform: 'custom', url: sink.url, keyCiphertext: secrets.encrypt(sink.key) } });
    // The broadcast that must not lose a frame while the cases below run (about 20 s of them).
    broadcast = ffmpegLive(`rtmp://127.0.0.1:${port}/live/${streamKey}`, join(dir, 'source.flv'), { seconds: 60, width: 640, height: 360 });
    await waitUntil('the broadcast to be live at its destination', () => api.app.get(EngineRegistry).stats(streamId)?.destinations[0]?.state === 'live', 20_000);
  }, 60_000);

  afterAll(async () => {
    broadcast?.kill();
    await broadcast?.done.catch(() => undefined);
    if (results.length) console.log(`\nhostile cases (RSS growth, longest event-loop delay):\n${results.join('\n')}`);
    await api?.dispose();
    await sink?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  async function bounded(name: string, fn: () => Promise<void>): Promise<void> {
    const { rssGrowth, loopMaxMs } = await measured(fn);
    results.push(`${name.padEnd(48)} ${(rssGrowth / 1024 / 1024).toFixed(1).padStart(6)} MB ${loopMaxMs.toFixed(0).padStart(5)} ms`);
    expect(rssGrowth, `${name}: RSS growth`).toBeLessThan(RSS_BOUND_BYTES);
    expect(loopMaxMs, `${name}: event-loop delay`).toBeLessThan(LOOP_DELAY_MAX_MS);
  }

  it('partial messages trickled before publish: refused past the pre-auth bounds, and closed at the publish deadline however they trickle', async () => {
    await bounded('pre-auth reassembly with a trickle', async () => {
      const sockets = await Promise.all(Array.from({ length: 6 }, () => raw(port)));
      const started = Date.now();
      sockets.forEach((socket, i) => {
        // A 16 MiB message declared on one, 60 KiB ones on many chunk streams on the others.
        const declared = i === 0 ? 16 * 1024 * 1024 - 1 : 60 * 1024;
        const header = Buffer.from([0x04 + (i % 4), 0, 0, 0, (declared >> 16) & 0xff, (declared >> 8) & 0xff, declared & 0xff, 9, 1, 0, 0, 0]);
        socket.write(Buffer.concat([C0C1C2, CONNECT, header, Buffer.alloc(100, 1)]));
      });
      const trickle = setInterval(() => sockets.forEach((s) => s.writable && s.write(Buffer.from([1]))), 200);
      try {
        const closed = await Promise.all(sockets.map((s) => closedWithin(s, (PUBLISH_TIMEOUT_S + 3) * 1000)));
        expect(closed.every(Boolean)).toBe(true);
      } finally {
        clearInterval(trickle);
      }
      expect(Date.now() - started).toBeLessThan((PUBLISH_TIMEOUT_S + 3) * 1000);
    });
  }, 30_000);

  it('a connection flood past the cap: the excess is closed on accept, the count never exceeds RTMP_MAX_CONNECTIONS', async () => {
    await bounded('connection flood past the cap', async () => {
      const host = api.app.get(RtmpIngestHost);
      const sockets: Socket[] = [];
      let peak = 0;
      // 8 addresses × 40 = 320 attempts against a cap of 150 (the broadcast holds one slot).
      for (let a = 2; a < 10; a++) {
        const batch = await Promise.all(Array.from({ length: 40 }, () => raw(port, `127.0.0.${a}`).catch(() => undefined)));
        for (const s of batch) if (s) sockets.push(s);
        peak = Math.max(peak, host.status().connections);
      }
      await new Promise((r) => setTimeout(r, 300));
      peak = Math.max(peak, host.status().connections);
      expect(peak).toBeLessThanOrEqual(MAX_CONNECTIONS);
      for (const s of sockets) s.destroy();
      await waitUntil('the flood to drain', () => host.status().connections <= 1, 10_000);
    });
  }, 30_000);

  it('connections that never publish are closed at the publish deadline', async () => {
    await bounded('never-publish', async () => {
      const sockets = await Promise.all(Array.from({ length: PER_ADDRESS }, () => raw(port, '127.0.0.11')));
      for (const s of sockets) s.write(Buffer.concat([C0C1C2, CONNECT, command('createStream', 2, 0, [])]));
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, (PUBLISH_TIMEOUT_S + 3) * 1000)));
      expect(closed.filter(Boolean)).toHaveLength(PER_ADDRESS);
    });
  }, 30_000);

  it('a createStream flood is closed at 32 streams, before it costs memory', async () => {
    await bounded('createStream flood', async () => {
      const socket = await raw(port, '127.0.0.12');
      const flood = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => command('createStream', 2 + i, 0, [])));
      socket.write(Buffer.concat([C0C1C2, CONNECT, flood]));
      expect(await closedWithin(socket, 5_000)).toBe(true);
    });
  }, 30_000);

  it('a giant connect is refused by size, and a connect with thousands of properties by the AMF value bound, without blocking the loop', async () => {
    // Encoded before measuring: the 400 000-property object is this test's memory, not the server's.
    const huge: Record<string, AmfValue> = { app: 'live' };
    for (let i = 0; i < 400_000; i++) huge[`p${i}`] = null;
    const giant = encodeMessage({ kind: 'command', name: 'connect', transactionId: 1, commandObject: huge, args: [] });
    expect(giant.payload.length).toBeGreaterThan(1024 * 1024);
    const giantBytes = Buffer.concat([C0C1C2, serialiseMessage({ csid: 3, type: giant.type, streamId: 0, timestamp: 0, payload: giant.payload }, 128)]);
    const many: Record<string, AmfValue> = { app: 'live' };
    for (let i = 0; i < 8_000; i++) many[`q${i}`] = null;
    const wideConnect = encodeMessage({ kind: 'command', name: 'connect', transactionId: 1, commandObject: many, args: [] });
    expect(wideConnect.payload.length).toBeLessThan(64 * 1024);
    const wideBytes = Buffer.concat([C0C1C2, serialiseMessage({ csid: 3, type: wideConnect.type, streamId: 0, timestamp: 0, payload: wideConnect.payload }, 128)]);
    await bounded('giant AMF connect', async () => {
      const big = await raw(port, '127.0.0.13');
      big.write(giantBytes);
      const wide = await raw(port, '127.0.0.14');
      wide.write(wideBytes);
      expect(await Promise.all([closedWithin(big, 5_000), closedWithin(wide, 5_000)])).toEqual([true, true]);
    });
  }, 30_000);

  it('forty concurrent bad keys from one address, then the valid key from the same address publishes', async () => {
    await bounded('concurrent bad keys, then a valid key', async () => {
      const url = (key: string) => `rtmp://127.0.0.1:${port}/live/${key}`;
      const from = { localAddress: '127.0.0.15', timeoutMs: 20_000 };
      const errors = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          publish(url(`guess-${i}`), from).then(
            async (p) => (await p.close(), 'published'),
            (e: unknown) => (e as RtmpError).code,
          ),
        ),
      );
      expect(errors).toEqual(Array.from({ length: 40 }, () => 'PUBLISH_BAD_NAME'));
      // The address is now throttled for guesses; the rightful key still publishes at once.
      const started = Date.now();
      const rightful = await publish(url(rightfulKey), from);
      expect(Date.now() - started).toBeLessThan(2_000);
      await rightful.close();
    });
  }, 30_000);

  it('meanwhile the broadcast lost no frame: its destination received exactly what ffmpeg sent', async () => {
    broadcast.interrupt?.(); // ffmpeg flushes both outputs: what left it is what the destination must have
    await within(broadcast.done, 20_000, 'ffmpeg to end');
    await within(sink.finished, 20_000, 'the destination to close');
    const sent = comparable(frameHashes(join(dir, 'source.flv')));
    const got = comparable(frameHashes(sink.file));
    expect(got.video.length).toBeGreaterThan(250); // over 8 s at 30 fps: it was live through the cases
    expect(got.video).toEqual(sent.video);
    expect(got.audio).toEqual(sent.audio);
    expect(sink.connections()).toBe(1);
    expect(api.app.get(EngineRegistry).stats(streamId)?.destinations[0]?.droppedFrames ?? 0).toBe(0);
  }, 60_000);
});

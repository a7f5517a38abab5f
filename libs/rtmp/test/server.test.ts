import { AddressInfo, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionInfo,
  RtmpError,
  RtmpPublisher,
  RtmpServer,
  RtmpServerOptions,
  ServerSession,
  SocketTransport,
  encodeMessage,
  publish,
  serialiseMessage,
} from '../src';
import { selfSignedCert } from './support/certs';
import { tick } from './support/memory';
import { closed, plainHandshake, rawConnect } from './support/raw-client';
import { OPENSSL_AVAILABLE, skipWithout } from './support/tools';

const servers: RtmpServer[] = [];
const publishers: RtmpPublisher[] = [];

afterEach(async () => {
  for (const p of publishers.splice(0)) await p.close().catch(() => undefined);
  for (const s of servers.splice(0)) await s.close();
});

interface Harness {
  server: RtmpServer;
  port: number;
  errors: Array<{ error: RtmpError; info: ConnectionInfo }>;
  video: number[];
}

async function startServer(options: RtmpServerOptions = {}): Promise<Harness> {
  const server = new RtmpServer(options);
  servers.push(server);
  const errors: Harness['errors'] = [];
  const video: number[] = [];
  server.on('connectionError', (error, info) => errors.push({ error, info }));
  server.on('session', (session) => {
    session.on('publish', (req) => (req.streamName === 'bad' ? req.reject('badName') : req.accept()));
    session.on('video', (m) => video.push(m.timestamp));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, errors, video };
}

async function waitFor(predicate: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await tick(10);
  }
}

async function goodPublisher(port: number): Promise<RtmpPublisher> {
  const publisher = await publish(`rtmp://127.0.0.1:${port}/live/good`);
  publishers.push(publisher);
  return publisher;
}

describe('RtmpServer and publish() over loopback', () => {
  it('publishes media from our client to our server', async () => {
    const h = await startServer();
    const publisher = await goodPublisher(h.port);
    expect(publisher.streamId).toBe(1);
    publisher.sendMetadata({ width: 640 });
    for (let i = 0; i < 10; i++) publisher.sendVideo(i * 33, Buffer.alloc(5000, i));
    await waitFor(() => h.video.length === 10);
    expect(h.video).toEqual(Array.from({ length: 10 }, (_, i) => i * 33));
  });

  it('writes one serialised Buffer to several publishers that share a serialisation key', async () => {
    const a = await startServer();
    const b = await startServer();
    const pa = await goodPublisher(a.port);
    const pb = await goodPublisher(b.port);
    expect(pa.serialisationKey).toBe(pb.serialisationKey);
    const frame = pa.serialiseMedia('video', 99, Buffer.alloc(10_000, 3));
    pa.writeRaw(frame);
    pb.writeRaw(frame);
    await waitFor(() => a.video.includes(99) && b.video.includes(99));
  });

  it('writes an array of serialised Buffers as one batch, in order', async () => {
    const h = await startServer();
    const publisher = await goodPublisher(h.port);
    const frames = [10, 20, 30].map((ts) => publisher.serialiseMedia('video', ts, Buffer.alloc(6_000, ts)));
    publisher.writeRaw(frames);
    publisher.writeRaw([publisher.serialiseMedia('video', 40, Buffer.alloc(100, 4))]);
    await waitFor(() => h.video.length === 4);
    expect(h.video).toEqual([10, 20, 30, 40]);
  });

  it('maps a bad stream key to PUBLISH_BAD_NAME', async () => {
    const h = await startServer();
    await expect(publish(`rtmp://127.0.0.1:${h.port}/live/bad`)).rejects.toMatchObject({ code: 'PUBLISH_BAD_NAME' });
  });

  it('maps a refused connection to CONNECTION_REFUSED', async () => {
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    await expect(publish(`rtmp://127.0.0.1:${port}/live/key`)).rejects.toMatchObject({ code: 'CONNECTION_REFUSED' });
  });

  it('maps an unresolvable host to DNS_FAILURE', async () => {
    await expect(publish('rtmp://does-not-exist.invalid/live/key')).rejects.toMatchObject({ code: 'DNS_FAILURE' });
  }, 20_000);

  it('maps a server that accepts but never answers the handshake to HANDSHAKE_TIMEOUT', async () => {
    const silent = createServer(() => undefined);
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as AddressInfo).port)));
    try {
      await expect(publish(`rtmp://127.0.0.1:${port}/live/key`, { connectTimeoutMs: 200 })).rejects.toMatchObject({
        code: 'HANDSHAKE_TIMEOUT',
      });
    } finally {
      silent.close();
    }
  });

  it('rejects a malformed URL with INVALID_URL', async () => {
    await expect(publish('http://127.0.0.1/live/key')).rejects.toMatchObject({ code: 'INVALID_URL' });
  });

  it('close() closes every connection', async () => {
    const h = await startServer();
    const publisher = await goodPublisher(h.port);
    const gone = new Promise((resolve) => publisher.on('close', resolve));
    expect(h.server.connectionCount).toBe(1);
    await h.server.close();
    servers.splice(servers.indexOf(h.server), 1);
    await gone;
    expect(publisher.closed).toBe(true);
  });
});

describe('hostile peers close only their own connection', () => {
  async function hostile(h: Harness, payload: Buffer, code: string): Promise<void> {
    const publisher = await goodPublisher(h.port);
    const socket = await rawConnect(h.port);
    socket.write(payload);
    await closed(socket);
    await waitFor(() => h.errors.some((e) => e.error.code === code));
    // the well-behaved publisher on the same server still works
    const before = h.video.length;
    publisher.sendVideo(1000, Buffer.from('17', 'hex'));
    await waitFor(() => h.video.length === before + 1);
    expect(publisher.closed).toBe(false);
  }

  it('garbage bytes (an HTTP request) → HANDSHAKE_BAD_VERSION', async () => {
    const h = await startServer();
    await hostile(h, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'HANDSHAKE_BAD_VERSION');
  });

  it('a giant message length → MESSAGE_TOO_LARGE', async () => {
    const h = await startServer({ limits: { maxMessageSize: 1024 * 1024 } });
    const header = Buffer.from([0x03, 0, 0, 0, 0xff, 0xff, 0xff, 20, 0, 0, 0, 0]);
    await hostile(h, Buffer.concat([plainHandshake(), header]), 'MESSAGE_TOO_LARGE');
  });

  it('too many chunk streams → TOO_MANY_CHUNK_STREAMS', async () => {
    const h = await startServer({ limits: { maxChunkStreams: 8 } });
    const chunks = Array.from({ length: 20 }, (_, i) =>
      serialiseMessage({ csid: 10 + i, type: 8, streamId: 1, timestamp: 0, payload: Buffer.from([0xaf]) }),
    );
    await hostile(h, Buffer.concat([plainHandshake(), ...chunks]), 'TOO_MANY_CHUNK_STREAMS');
  });

  it('a handshake stalled before C1 → HANDSHAKE_TIMEOUT', async () => {
    const h = await startServer({ limits: { handshakeTimeoutMs: 200 } });
    await hostile(h, Buffer.from([3, 0, 0]), 'HANDSHAKE_TIMEOUT');
    expect(h.errors.find((e) => e.error.code === 'HANDSHAKE_TIMEOUT')?.error.message).toContain('C0+C1');
  });

  it('a handshake stalled before C2 → HANDSHAKE_TIMEOUT', async () => {
    const h = await startServer({ limits: { handshakeTimeoutMs: 200 } });
    await hostile(h, plainHandshake().subarray(0, 1537 + 100), 'HANDSHAKE_TIMEOUT');
    expect(h.errors.find((e) => e.error.code === 'HANDSHAKE_TIMEOUT')?.error.message).toContain('C2');
  });

  it('a connection that goes quiet → IDLE_TIMEOUT', async () => {
    const h = await startServer({ limits: { idleTimeoutMs: 300 } });
    const socket = await rawConnect(h.port);
    socket.write(plainHandshake());
    await closed(socket);
    await waitFor(() => h.errors.some((e) => e.error.code === 'IDLE_TIMEOUT'));
  });

  it('a player that stops reading → writable goes false, then WRITE_QUEUE_OVERFLOW closes it', async () => {
    const server = new RtmpServer({ limits: { maxWriteQueueBytes: 2 * 1024 * 1024 } });
    servers.push(server);
    const errors: string[] = [];
    server.on('connectionError', (e) => errors.push(e.code));
    let player: ServerSession | undefined;
    server.on('session', (s) => {
      s.on('play', (req) => {
        req.accept();
        player = s;
      });
    });
    const { port } = await server.listen(0);
    const socket = await rawConnect(port);
    // handshake, connect, createStream, play; then never read again
    const command = (name: string, txn: number, streamId: number, args: unknown[]) => {
      const { type, payload } = encodeMessage({ kind: 'command', name, transactionId: txn, commandObject: name === 'connect' ? { app: 'live' } : null, args: args as never });
      return serialiseMessage({ csid: 3, type, streamId, timestamp: 0, payload });
    };
    socket.write(Buffer.concat([plainHandshake(), command('connect', 1, 0, []), command('createStream', 2, 0, []), command('play', 3, 1, ['k'])]));
    await waitFor(() => player !== undefined);
    socket.pause();
    let sawBackpressure = false;
    for (let i = 0; i < 2000 && !player!.closed; i++) {
      if (!player!.sendMedia('video', i, Buffer.alloc(16 * 1024, 1))) sawBackpressure = true;
      if (i % 50 === 0) await tick(1);
    }
    expect(sawBackpressure).toBe(true);
    await waitFor(() => errors.includes('WRITE_QUEUE_OVERFLOW'));
    socket.destroy();
  });
});

/** An AMF0 command message, serialised at the default 128-byte chunk size. */
function rawCommand(name: string, txn: number, streamId: number, args: unknown[], commandObject: unknown = name === 'connect' ? { app: 'live' } : null): Buffer {
  const { type, payload } = encodeMessage({ kind: 'command', name, transactionId: txn, commandObject: commandObject as never, args: args as never });
  return serialiseMessage({ csid: 3, type, streamId, timestamp: 0, payload });
}

describe('anonymous connections get tight bounds until they publish', () => {
  it('a 100 KiB message before publish is refused (MESSAGE_TOO_LARGE); after publish the same message passes', async () => {
    const h = await startServer();
    const data = (streamId: number) => serialiseMessage({ csid: 5, type: 18, streamId, timestamp: 0, payload: Buffer.concat([encodeMessage({ kind: 'data', values: ['@setDataFrame', 'onMetaData', { pad: 'x'.repeat(100 * 1024) }] }).payload]) });
    const early = await rawConnect(h.port);
    early.write(Buffer.concat([plainHandshake(), rawCommand('connect', 1, 0, []), data(0)]));
    await closed(early);
    await waitFor(() => h.errors.some((e) => e.error.code === 'MESSAGE_TOO_LARGE' && e.error.message.includes('65536')));

    let metadata = 0;
    h.server.on('session', (session) => session.on('metadata', () => metadata++));
    const late = await rawConnect(h.port);
    late.write(Buffer.concat([plainHandshake(), rawCommand('connect', 1, 0, []), rawCommand('createStream', 2, 0, []), rawCommand('publish', 3, 1, ['good', 'live']), data(1)]));
    await waitFor(() => metadata === 1);
    expect(late.destroyed).toBe(false);
    late.destroy();
  });

  it('a trickle of bytes does not outlive the publish deadline (IDLE_TIMEOUT), whatever the idle timer says', async () => {
    const h = await startServer({ limits: { publishTimeoutMs: 400, idleTimeoutMs: 30_000 } });
    const socket = await rawConnect(h.port);
    socket.write(plainHandshake());
    const started = Date.now();
    const trickle = setInterval(() => socket.writable && socket.write(Buffer.from([0x03])), 50);
    try {
      await closed(socket);
    } finally {
      clearInterval(trickle);
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    await waitFor(() => h.errors.some((e) => e.error.code === 'IDLE_TIMEOUT' && e.error.message === 'no publish within 400 ms'));
  });

  it('caps connections per server and per address: the excess is closed on accept, room frees when one closes', async () => {
    const h = await startServer({ maxConnections: 4, maxConnectionsPerAddress: 3 });
    const refused: string[] = [];
    h.server.on('connectionRefused', (reason) => refused.push(reason));
    const open = [await rawConnect(h.port), await rawConnect(h.port), await rawConnect(h.port)];
    await waitFor(() => h.server.connectionCount === 3);
    const fourth = await rawConnect(h.port);
    await closed(fourth);
    expect(refused).toEqual(['address-full']);
    open[0]!.destroy();
    await waitFor(() => h.server.connectionCount === 2);
    const again = await rawConnect(h.port);
    await waitFor(() => h.server.connectionCount === 3);
    expect(again.destroyed).toBe(false);
    for (const s of [...open, again]) s.destroy();
  });

  it('a createStream flood is closed at maxStreamsPerConnection', async () => {
    const h = await startServer({ limits: { maxStreamsPerConnection: 32 } });
    const socket = await rawConnect(h.port);
    socket.write(Buffer.concat([plainHandshake(), rawCommand('connect', 1, 0, []), ...Array.from({ length: 40 }, (_, i) => rawCommand('createStream', 2 + i, 0, []))]));
    await closed(socket);
    await waitFor(() => h.errors.some((e) => e.error.message === 'more than 32 streams on one connection'));
  });

  it('a command flood before publish is closed at maxCommandsBeforePublish', async () => {
    const h = await startServer();
    const socket = await rawConnect(h.port);
    socket.write(Buffer.concat([plainHandshake(), rawCommand('connect', 1, 0, []), ...Array.from({ length: 300 }, (_, i) => rawCommand('releaseStream', 2 + i, 0, ['k']))]));
    await closed(socket);
    await waitFor(() => h.errors.some((e) => e.error.message === 'more than 256 commands before publish'));
  });

  it('a connect with thousands of properties stops at the AMF value bound (AMF_LIMIT), quickly', async () => {
    const h = await startServer();
    const object: Record<string, string | null> = { app: 'live' };
    for (let i = 0; i < 8_000; i++) object[`p${i}`] = null;
    const payload = encodeMessage({ kind: 'command', name: 'connect', transactionId: 1, commandObject: object as never, args: [] }).payload;
    expect(payload.length).toBeLessThan(64 * 1024); // within the pre-auth message bound: the value bound does the work
    const socket = await rawConnect(h.port);
    const started = performance.now();
    socket.write(Buffer.concat([plainHandshake(), serialiseMessage({ csid: 3, type: 20, streamId: 0, timestamp: 0, payload })]));
    await closed(socket);
    await waitFor(() => h.errors.some((e) => e.error.code === 'AMF_LIMIT'));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('host listener failures', () => {
  it('a throwing listener closes only its own connection, even if the error listener throws too', async () => {
    const server = new RtmpServer();
    servers.push(server);
    const video: string[] = [];
    server.on('connectionError', () => {
      throw new Error('error listener bug');
    });
    server.on('session', (s) => {
      s.on('publish', (req) => req.accept());
      s.on('video', () => {
        if (s.publishing?.streamName === 'crash') throw new Error('host bug');
        video.push(s.publishing!.streamName);
      });
    });
    const { port } = await server.listen(0);
    const good = await publish(`rtmp://127.0.0.1:${port}/live/good`);
    const bad = await publish(`rtmp://127.0.0.1:${port}/live/crash`);
    publishers.push(good, bad);
    const badClosed = new Promise((resolve) => bad.on('close', resolve));
    bad.sendVideo(0, Buffer.from('17', 'hex'));
    await badClosed;
    good.sendVideo(0, Buffer.from('17', 'hex'));
    await waitFor(() => video.length === 1);
    expect(good.closed).toBe(false);
  });
});

describe('client backpressure', () => {
  it('exposes writable=false and bytesQueued while the server does not read, then drain', async () => {
    let serverSocket: import('node:net').Socket | undefined;
    const raw = createServer((socket) => {
      serverSocket = socket;
      const session = new ServerSession();
      session.attach(new SocketTransport(socket, 64 * 1024 * 1024, (e) => session.close(e)));
      session.on('publish', (req) => req.accept());
      socket.on('data', (d: Buffer) => session.receive(d));
      socket.on('error', () => undefined);
    });
    const port = await new Promise<number>((resolve) => raw.listen(0, '127.0.0.1', () => resolve((raw.address() as AddressInfo).port)));
    try {
      const publisher = await publish(`rtmp://127.0.0.1:${port}/live/key`);
      publishers.push(publisher);
      serverSocket!.pause();
      let i = 0;
      while (publisher.writable && i < 5000) publisher.sendVideo(i++, Buffer.alloc(64 * 1024, 1));
      expect(publisher.writable).toBe(false);
      expect(publisher.bytesQueued).toBeGreaterThan(0);
      const drained = new Promise<void>((resolve) => publisher.once('drain', resolve));
      serverSocket!.resume();
      await drained;
      expect(publisher.writable).toBe(true);
    } finally {
      raw.close();
    }
  });
});

describe.skipIf(skipWithout('openssl', OPENSSL_AVAILABLE))('RTMPS', () => {
  it('publishes over TLS with certificate verification against a test CA', async () => {
    const { cert, key } = selfSignedCert();
    const h = await startServer({ tls: { cert, key } });
    const publisher = await publish(`rtmps://127.0.0.1:${h.port}/live/good`, { tls: { ca: cert } });
    publishers.push(publisher);
    publisher.sendVideo(7, Buffer.from('17', 'hex'));
    await waitFor(() => h.video.includes(7));
  });

  it('maps an untrusted certificate to TLS_FAILURE', async () => {
    const { cert, key } = selfSignedCert();
    const h = await startServer({ tls: { cert, key } });
    await expect(publish(`rtmps://127.0.0.1:${h.port}/live/good`)).rejects.toMatchObject({ code: 'TLS_FAILURE' });
  });

  it('maps TLS to a plain-RTMP server to TLS_FAILURE', async () => {
    const h = await startServer();
    await expect(publish(`rtmps://127.0.0.1:${h.port}/live/good`, { connectTimeoutMs: 2000 })).rejects.toMatchObject({
      code: expect.stringMatching(/TLS_FAILURE|CONNECTION_CLOSED/),
    });
  });
});

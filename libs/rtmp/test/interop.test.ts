import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawMessage, RtmpServer, RtmpServerOptions, ServerSession, decodeAmf0Sequence, publish, readFlv } from '../src';
import { selfSignedCert } from './support/certs';
import { StreamCounts, freePort, probeFrames, retry, run, testSourceArgs } from './support/processes';
import { publishFlv } from './support/publish-flv';
import { FFMPEG_AVAILABLE, NGINX_AVAILABLE, NGINX_RTMP_MODULE, OPENSSL_AVAILABLE, skipWithout } from './support/tools';

const SECONDS = 3;
let dir: string;
let sourceFile: string;
let sourceCounts: StreamCounts;

/** Counts coded frames (not sequence headers / end-of-sequence) among received media messages. */
function frameCounts(video: RawMessage[], audio: RawMessage[]): { video: number; audio: number } {
  return {
    video: video.filter((m) => m.payload.length > 1 && m.payload[1] === 1).length,
    audio: audio.filter((m) => m.payload.length > 1 && m.payload[1] === 1).length,
  };
}

const skipFfmpeg = skipWithout('ffmpeg', FFMPEG_AVAILABLE);

describe.skipIf(skipFfmpeg)('interop with real peers', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rtmp-interop-'));
    sourceFile = join(dir, 'source.flv');
    const { exit } = run('ffmpeg', [...testSourceArgs(SECONDS), '-f', 'flv', '-y', sourceFile], 60_000);
    const result = await exit;
    if (result.code !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
    sourceCounts = await probeFrames(sourceFile);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function receiveFromFfmpeg(options: RtmpServerOptions, scheme: 'rtmp' | 'rtmps') {
    const server = new RtmpServer(options);
    const video: RawMessage[] = [];
    const audio: RawMessage[] = [];
    let metadata: unknown;
    let session: ServerSession | undefined;
    const unpublished = new Promise<void>((resolve) => {
      server.on('session', (s) => {
        session = s;
        s.on('publish', (req) => (req.streamName === 'key' ? req.accept() : req.reject('badName')));
        s.on('metadata', (m) => (metadata = m));
        // the payload may be a view into a socket buffer: copy what we keep
        s.on('video', (m) => video.push({ ...m, payload: Buffer.from(m.payload) }));
        s.on('audio', (m) => audio.push({ ...m, payload: Buffer.from(m.payload) }));
        s.on('unpublish', () => resolve());
        s.on('close', () => resolve());
      });
    });
    const { port } = await server.listen(0);
    try {
      const { exit } = run(
        'ffmpeg',
        ['-re', ...testSourceArgs(SECONDS), '-f', 'flv', `${scheme}://127.0.0.1:${port}/live/key`],
        40_000,
      );
      const result = await exit;
      expect(result.code, result.stderr).toBe(0);
      await unpublished;
    } finally {
      await server.close();
    }
    return { video, audio, metadata, session: session! };
  }

  it('receives every frame ffmpeg publishes (H.264 + AAC), as ffprobe counts them in the same source', async () => {
    const got = await receiveFromFfmpeg({}, 'rtmp');
    expect(sourceCounts.video).toBe(SECONDS * 30);
    expect(frameCounts(got.video, got.audio)).toEqual({ video: sourceCounts.video, audio: sourceCounts.audio });
    expect(got.metadata).toMatchObject({ width: 640, height: 360 });
    // timestamps never go backwards per track
    for (const list of [got.video, got.audio]) {
      for (let i = 1; i < list.length; i++) expect(list[i]!.timestamp).toBeGreaterThanOrEqual(list[i - 1]!.timestamp);
    }
  }, 60_000);

  it('answers ffmpeg with the digest handshake (regression: ffmpeg sends a Flash Player digest C1)', async () => {
    const server = new RtmpServer();
    const kind = new Promise<string | undefined>((resolve) => {
      server.on('session', (s) => s.on('connect', (req) => {
        resolve(s.handshakeKind);
        req.reject('probe only');
      }));
    });
    const { port } = await server.listen(0);
    try {
      const { exit } = run('ffmpeg', [...testSourceArgs(1), '-f', 'flv', `rtmp://127.0.0.1:${port}/live/key`], 30_000);
      expect(await kind).toBe('digest');
      await exit;
    } finally {
      await server.close();
    }
  }, 40_000);

  describe.skipIf(skipWithout('openssl', OPENSSL_AVAILABLE))('RTMPS', () => {
    it('receives every frame ffmpeg publishes over RTMPS with a self-signed certificate', async () => {
      const { cert, key } = selfSignedCert();
      const got = await receiveFromFfmpeg({ tls: { cert, key } }, 'rtmps');
      expect(frameCounts(got.video, got.audio)).toEqual({ video: sourceCounts.video, audio: sourceCounts.audio });
    }, 60_000);
  });

  it('publishes to ffmpeg -listen 1 and the recorded file has every frame', async () => {
    const port = await freePort();
    const out = join(dir, 'from-our-client.flv');
    const { exit } = run(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/key`, '-c', 'copy', '-y', out],
      30_000,
    );
    const publisher = await retry(() => publish(`rtmp://127.0.0.1:${port}/live/key`, { connectTimeoutMs: 2000 }), 10_000);
    const sent = await publishFlv(publisher, readFileSync(sourceFile));
    await publisher.close();
    const result = await exit;
    expect(result.code, result.stderr).toBe(0);
    const counts = await probeFrames(out);
    expect(counts).toMatchObject({ video: sourceCounts.video, audio: sourceCounts.audio, videoCodec: 'h264', audioCodec: 'aac' });
    expect(sent.video).toBeGreaterThanOrEqual(sourceCounts.video);
  }, 60_000);

  it('serves a live stream to ffmpeg as a player (regression: ffmpeg verifies our digest S1/S2 when playing)', async () => {
    // A minimal relay: our client publishes the source, ffmpeg plays it from our server.
    const server = new RtmpServer();
    const players: ServerSession[] = [];
    let metadata: unknown;
    const headers: Array<{ kind: 'audio' | 'video'; m: RawMessage }> = [];
    const kinds = new Map<ServerSession, string | undefined>();
    const playing = new Promise<void>((resolve) => {
      server.on('session', (s) => {
        s.on('connect', (req) => {
          kinds.set(s, s.handshakeKind);
          req.accept();
        });
        s.on('play', (req) => {
          req.accept();
          if (metadata) s.sendData(['onMetaData', metadata as never]);
          for (const h of headers) s.sendMedia(h.kind, h.m.timestamp, h.m.payload);
          players.push(s);
          resolve();
        });
        s.on('publish', (req) => req.accept());
        s.on('metadata', (m) => (metadata = m));
        const forward = (kind: 'audio' | 'video') => (m: RawMessage) => {
          const copy = { ...m, payload: Buffer.from(m.payload) };
          if (copy.payload[1] === 0) headers.push({ kind, m: copy }); // sequence headers for late joiners
          for (const p of players) p.sendMedia(kind, copy.timestamp, copy.payload);
        };
        s.on('audio', forward('audio'));
        s.on('video', forward('video'));
        s.on('unpublish', () => players.forEach((p) => p.stopPlayback()));
      });
    });
    const { port } = await server.listen(0);
    const out = join(dir, 'played.flv');
    const player = run(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-i', `rtmp://127.0.0.1:${port}/live/key`, '-c', 'copy', '-y', out],
      40_000,
    );
    try {
      // ffmpeg probes the input before it plays: publish first so there is something to probe
      const publisher = await publish(`rtmp://127.0.0.1:${port}/live/key`);
      const source = readFileSync(sourceFile);
      const tags = readFlv(source).tags;
      const script = tags.find((t) => t.kind === 'script');
      if (script) {
        const [, value] = decodeAmf0Sequence(script.data);
        publisher.sendMetadata(value as never);
      }
      for (const t of tags.filter((t) => t.kind !== 'script' && t.data[1] === 0)) {
        if (t.kind === 'audio') publisher.sendAudio(t.timestamp, t.data);
        else publisher.sendVideo(t.timestamp, t.data);
      }
      await playing;
      for (const t of tags) {
        if (t.kind === 'script' || t.data[1] === 0) continue;
        if (t.kind === 'audio') publisher.sendAudio(t.timestamp, t.data);
        else if (t.kind === 'video') publisher.sendVideo(t.timestamp, t.data);
        if (!publisher.writable) await new Promise<void>((r) => publisher.once('drain', r));
      }
      await publisher.close();
      const result = await player.exit;
      expect(result.code, result.stderr).toBe(0);
      expect([...kinds.values()]).toContain('digest');
      expect(await probeFrames(out)).toMatchObject({ video: sourceCounts.video, audio: sourceCounts.audio });
    } finally {
      player.child.kill('SIGKILL');
      await server.close();
    }
  }, 60_000);

  describe.skipIf(skipWithout('nginx with the rtmp module', NGINX_AVAILABLE))('nginx-rtmp', () => {
    it('publishes to nginx-rtmp and its recording has every frame', async () => {
      const port = await freePort();
      const root = mkdtempSync(join(dir, 'nginx-'));
      const conf = join(root, 'nginx.conf');
      writeFileSync(
        conf,
        [
          `load_module ${NGINX_RTMP_MODULE};`,
          'daemon off;',
          'master_process off;',
          `pid ${join(root, 'nginx.pid')};`,
          `error_log ${join(root, 'error.log')} info;`,
          'events { worker_connections 64; }',
          'rtmp {',
          '  server {',
          `    listen 127.0.0.1:${port};`,
          '    application live {',
          '      live on;',
          '      record all;',
          `      record_path ${root};`,
          '    }',
          '  }',
          '}',
        ].join('\n'),
      );
      const nginx = run('nginx', ['-p', root, '-c', conf, '-e', join(root, 'error.log')], 40_000);
      try {
        const publisher = await retry(() => publish(`rtmp://127.0.0.1:${port}/live/key`, { connectTimeoutMs: 2000 }), 10_000);
        await publishFlv(publisher, readFileSync(sourceFile));
        await publisher.close();
        // nginx closes the recording when the publisher goes away
        const recording = await retry(async () => {
          const file = readdirSync(root).find((f) => f.endsWith('.flv'));
          if (!file) throw new Error('no recording yet');
          const counts = await probeFrames(join(root, file));
          if (counts.video < sourceCounts.video) throw new Error(`recording incomplete: ${counts.video}`);
          return counts;
        }, 10_000);
        expect(recording).toMatchObject({ video: sourceCounts.video, audio: sourceCounts.audio });
      } finally {
        nginx.child.kill('SIGTERM');
        await nginx.exit;
      }
    }, 60_000);
  });
});

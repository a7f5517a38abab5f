import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLV_TAG_AUDIO, FLV_TAG_SCRIPT, FLV_TAG_VIDEO, RtmpServer, writeFlv, type FlvTagInput } from '@fanout/rtmp';
import { freePort } from './ports';
import { run } from './media';
import { NGINX_RTMP_MODULE } from './tools';

/** A destination that writes what it received to an FLV file once its publisher leaves. */
export interface RecordingSink {
  name: string;
  url: string;
  key: string;
  /** The FLV file, complete once `finished` resolves. */
  file: string;
  finished: Promise<void>;
  stop(): Promise<void>;
}

/** Fanout's own RTMP server as a destination: records every publish into an FLV file. */
export async function startOwnSink(file: string, key = 'own') {
  const server = new RtmpServer();
  const tags: FlvTagInput[] = [];
  let publishes = 0;
  let connections = 0;
  let unpublished = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  server.on('session', (session) => {
    connections++;
    let published = false;
    session.on('publish', (request) => {
      publishes++;
      published = true;
      request.accept();
    });
    session.on('metadata', (_value, message) => tags.push({ type: FLV_TAG_SCRIPT, timestamp: message.timestamp, data: Buffer.from(message.payload) }));
    session.on('video', (message) => tags.push({ type: FLV_TAG_VIDEO, timestamp: message.timestamp, data: Buffer.from(message.payload) }));
    session.on('audio', (message) => tags.push({ type: FLV_TAG_AUDIO, timestamp: message.timestamp, data: Buffer.from(message.payload) }));
    session.on('unpublish', () => {
      if (!session.closed) unpublished++; // FCUnpublish / deleteStream, not a dropped connection
    });
    session.on('close', () => {
      if (published) void writeFile(file, writeFlv({ hasAudio: true, hasVideo: true }, tags)).then(done);
    });
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    name: 'Fanout',
    server,
    port,
    url: `rtmp://127.0.0.1:${port}/live`,
    key,
    file,
    finished,
    publishes: () => publishes,
    unpublished: () => unpublished,
    connections: () => connections,
    videoTags: () => tags.filter((t) => t.type === FLV_TAG_VIDEO).length,
    stop: () => server.close(),
  };
}

/** `ffmpeg -listen 1` as a destination: takes one publish and remuxes it (-c copy) into an FLV file. */
export async function startFfmpegListener(file: string, key = 'listen'): Promise<RecordingSink & { stderr(): string }> {
  const port = await freePort();
  const listener = run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/${key}`, '-c', 'copy', '-f', 'flv', '-y', file]);
  await waitForListening(port, 10_000); // without connecting: ffmpeg takes exactly one connection
  return {
    name: 'ffmpeg -listen',
    url: `rtmp://127.0.0.1:${port}/live`,
    key,
    file,
    finished: listener.exited.then((code) => {
      if (code !== 0) throw new Error(`ffmpeg -listen exited ${code}: ${listener.stderr()}`);
    }),
    stderr: listener.stderr,
    stop: async () => {
      listener.child.kill('SIGKILL');
      await listener.exited;
    },
  };
}

/**
 * nginx-rtmp with `record all`: each publish is recorded to DIR/<stream key>.flv, or with
 * `unique` to its own DIR/<stream key>-<time>.flv (so a test can count publishes).
 */
export async function startNginx(dir: string, fixedPort?: number, options: { unique?: boolean } = {}) {
  await mkdir(dir, { recursive: true });
  const port = fixedPort ?? (await freePort());
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `load_module ${NGINX_RTMP_MODULE};
daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} info;
events { worker_connections 256; }
rtmp {
  server {
    listen 127.0.0.1:${port};
    application live { live on; record all; record_path ${dir}; record_unique ${options.unique ? 'on' : 'off'}; }
  }
}
`,
  );
  const nginx = run('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'nginx-error.log')]);
  await waitForPort(port, 5_000);
  return {
    ...nginx,
    port,
    url: `rtmp://127.0.0.1:${port}/live`,
    recording: (key: string) => join(dir, `${key}.flv`),
    /** Every file recorded for `key` (one per publish with `unique`). */
    recordings: async (key: string) => (await readdir(dir)).filter((f) => f.startsWith(`${key}`) && f.endsWith('.flv')).sort().map((f) => join(dir, f)),
  };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Resolves once a socket listens on TCP port `port` (read from /proc/net/tcp, without connecting). */
export async function waitForListening(port: number, timeoutMs: number): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const table = await readFile('/proc/net/tcp', 'utf8');
    // local_address is "IP:PORT" in hex; state 0A is LISTEN.
    if (table.split('\n').some((line) => { const f = line.trim().split(/\s+/); return f[1]?.endsWith(`:${hex}`) && f[3] === '0A'; })) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

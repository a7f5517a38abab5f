import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema, ingestSessionListSchema, metricsSeriesSchema, recordingListSchema, streamDetailSchema } from '@fanout/contracts';
import { freePort } from './support/ports';
import { signIn } from './support/actors';
import { recordingClient } from './support/http';
import { probe, within } from './support/media';
import { ffmpegLive } from './support/publishers';
import { startOwnSink } from './support/sinks';
import { HAVE_FFMPEG, skipWithout } from './support/tools';

const root = join(__dirname, '../../..');

interface Platform {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` exactly as a user runs it (through tsx), on free ports and a fresh data directory. */
function startPlatform(env: Record<string, string>): Platform {
  let output = '';
  const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, platform: Platform) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (platform.child.exitCode !== null) throw new Error(`platform exited while waiting for ${what}:\n${platform.output().slice(-4000)}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${platform.output().slice(-4000)}`);
}

/** Every process under `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('npm start', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fanout-start-'));
    env = {
      HOST: '127.0.0.1',
      API_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      RTMP_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'owner@example.com',
      ADMIN_PASSWORD: 'correct horse battery',
      DATABASE_URL: '',
    };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('brings up the dashboard, a healthy API behind its /api proxy and the RTMP port, then stops cleanly on SIGINT', async () => {
    const platform = startPlatform(env);
    try {
      // The first start builds everything; later ones reuse the Nx cache.
      await waitFor('"Fanout is running"', () => platform.output().includes('Fanout is running'), 480_000, platform);
      expect(platform.output()).toContain(`rtmp://`);
      expect(platform.output()).toContain(`:${env.RTMP_PORT}/live`);
      expect(platform.output()).toContain(`http://127.0.0.1:${env.WEB_PORT}`);

      await waitFor('the dashboard', async () => {
        const res = await fetch(`http://127.0.0.1:${env.WEB_PORT}/login`).catch(() => undefined);
        return res?.status === 200;
      }, 60_000, platform);

      const health = await fetch(`http://127.0.0.1:${env.WEB_PORT}/api/health`);
      expect(health.status).toBe(200);
      const body = healthSchema.parse(await health.json());
      expect(body).toMatchObject({ status: 'ok', database: { status: 'ok', embedded: true }, rtmp: { status: 'ok', port: Number(env.RTMP_PORT) } });

      expect(await tcpAccepts(Number(env.RTMP_PORT))).toBe(true);
      expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    } finally {
      platform.child.kill('SIGINT');
    }
    expect(await platform.exited).toBe(0);
    // The embedded database was shut down, not orphaned.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(await tcpAccepts(Number(env.API_PORT))).toBe(false);
    expect(await tcpAccepts(Number(env.RTMP_PORT))).toBe(false);
  }, 600_000);

  it('restarts on the same data directory without re-initialising it', async () => {
    const platform = startPlatform({ ...env, FANOUT_SKIP_BUILD: '1' });
    try {
      await waitFor('"Fanout is running"', () => platform.output().includes('Fanout is running'), 120_000, platform);
      expect(platform.output()).not.toContain('initialising embedded PostgreSQL cluster');
      const health = await fetch(`http://127.0.0.1:${env.API_PORT}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      platform.child.kill('SIGINT');
    }
    expect(await platform.exited).toBe(0);
  }, 180_000);

  it.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG))('stops cleanly on SIGINT while live: destinations unpublished, the session closed with its reason and end, metrics up to the stop, no error lines', async () => {
    const sink = await startOwnSink(join(dataDir, 'stop-sink.flv'), 'stop-sink-key');
    const live = { ...env, FANOUT_SKIP_BUILD: '1', LOG_PRETTY: 'false', LOG_LEVEL: 'info' };
    let platform = startPlatform(live);
    let streamId: string;
    let stopAt: number;
    const api = `http://127.0.0.1:${env.API_PORT}`;
    try {
      await waitFor('"Fanout is running"', () => platform.output().includes('Fanout is running'), 120_000, platform);
      const owner = await signIn(recordingClient(api), env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
      const stream = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Stopped while live' })).body);
      streamId = stream.id;
      const added = await owner.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'Sink', platform: 'custom', url: sink.url, streamKey: sink.key });
      expect(added.status, added.text).toBe(201);
      const publisher = ffmpegLive(`${stream.ingestUrl}/${stream.streamKey}`, join(dataDir, 'stop-source.flv'), { seconds: 120, width: 640, height: 360 });
      publisher.done.catch(() => undefined); // killed below
      await waitFor('the destination to be live for 4 s', async () => {
        const status = await owner.call('GET', `/api/streams/${stream.id}/status`);
        const d = (status.body as { destinations?: { state: string; liveSince: string | null }[] }).destinations?.[0];
        return d?.state === 'live' && d.liveSince !== null && Date.now() - Date.parse(d.liveSince) > 4_000;
      }, 30_000, platform);
      stopAt = Date.now();
      platform.child.kill('SIGINT');
      expect(await platform.exited).toBe(0);
      publisher.kill();
    } finally {
      platform.child.kill('SIGKILL');
    }
    // The destination was told the broadcast ended (FCUnpublish / deleteStream), not cut off.
    await within(sink.finished, 10_000, 'the sink to close');
    expect(sink.unpublished()).toBe(1);
    const errors = platform
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level >= 50);
    expect(errors).toEqual([]);

    platform = startPlatform({ ...env, FANOUT_SKIP_BUILD: '1' });
    try {
      await waitFor('"Fanout is running" again', () => platform.output().includes('Fanout is running'), 120_000, platform);
      const owner = await signIn(recordingClient(api), env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
      const sessions = ingestSessionListSchema.parse((await owner.call('GET', `/api/streams/${streamId!}/sessions`)).body);
      expect(sessions).toHaveLength(1);
      const session = sessions[0]!;
      expect(session).toMatchObject({ live: false, endReason: 'server shutting down' });
      const endedAt = Date.parse(session.endedAt!);
      expect(endedAt).toBeGreaterThanOrEqual(stopAt! - 100);
      expect(endedAt).toBeLessThan(stopAt! + 5_000);
      expect(session.durationS).toBeCloseTo((endedAt - Date.parse(session.startedAt)) / 1000, 0);
      const from = new Date(Date.parse(session.startedAt) - 1_000).toISOString();
      const series = metricsSeriesSchema.parse((await owner.call('GET', `/api/streams/${streamId!}/metrics?from=${from}`)).body);
      const last = series.ingest.filter((p) => p.bitrateKbps > 0).at(-1);
      expect(last, 'ingest samples were written').toBeDefined();
      expect(Date.parse(last!.at)).toBeGreaterThan(stopAt! - 2_500); // the last second before the stop is there
    } finally {
      platform.child.kill('SIGINT');
      await platform.exited;
      await sink.stop();
    }
  }, 300_000);

  it.skipIf(skipWithout('ffmpeg', HAVE_FFMPEG))('kill -9 of the API mid-recording: the file plays up to its last fragment, and the next start stops the PostgreSQL left behind and lists it as interrupted with its real duration', async () => {
    const recorded = { ...env, FANOUT_SKIP_BUILD: '1', LOG_PRETTY: 'false', LOG_LEVEL: 'info' };
    let platform = startPlatform(recorded);
    const api = `http://127.0.0.1:${env.API_PORT}`;
    let streamId: string;
    let killedAt: number;
    let publisher: ReturnType<typeof ffmpegLive> | undefined;
    try {
      await waitFor('"Fanout is running"', () => platform.output().includes('Fanout is running'), 120_000, platform);
      const owner = await signIn(recordingClient(api), env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
      const stream = streamDetailSchema.parse((await owner.call('POST', '/api/streams', { name: 'Killed while recording' })).body);
      streamId = stream.id;
      expect((await owner.call('PATCH', `/api/streams/${stream.id}`, { record: true })).status).toBe(200);
      publisher = ffmpegLive(`${stream.ingestUrl}/${stream.streamKey}`, join(dataDir, 'killed-source.flv'), { seconds: 120, width: 640, height: 360 });
      publisher.done.catch(() => undefined); // killed below
      let startedAt = 0;
      await waitFor('a recording 6 s along', async () => {
        const list = recordingListSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/recordings`)).body);
        if (list[0]?.state === 'recording') startedAt ||= Date.parse(list[0].startedAt);
        return startedAt > 0 && Date.now() - startedAt > 6_000;
      }, 30_000, platform);
      const apiPid = descendants(platform.child.pid!).find((pid) => commandLine(pid).includes('apps/api/dist/main.js'));
      expect(apiPid, 'the API process under npm start').toBeDefined();
      killedAt = Date.now();
      process.kill(apiPid!, 'SIGKILL');
      await platform.exited; // npm start stops when its API dies
      const elapsedMs = killedAt - startedAt;
      publisher.kill();

      platform = startPlatform(recorded);
      await waitFor('"Fanout is running" after the crash', () => platform.output().includes('Fanout is running'), 120_000, platform);
      expect(platform.output()).toContain('stopping the embedded PostgreSQL a previous run left behind');
      const again = await signIn(recordingClient(api), env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
      const list = recordingListSchema.parse((await again.call('GET', `/api/streams/${streamId}/recordings`)).body);
      expect(list).toHaveLength(1);
      const recording = list[0]!;
      expect(recording.state).toBe('interrupted');
      // Its real duration: what the complete fragments hold, at most one fragment (2 s) short of the wall time.
      expect(recording.durationMs).toBeGreaterThan(elapsedMs - 2_000 - 1_500);
      expect(recording.durationMs).toBeLessThanOrEqual(elapsedMs + 500);
      const file = await fetch(`${api}${recording.fileUrl}`, { headers: { cookie: again.cookie } });
      expect(file.status).toBe(200);
      const path = join(dataDir, 'killed.mp4');
      await writeFile(path, Buffer.from(await file.arrayBuffer()));
      expect(Number(file.headers.get('content-length'))).toBe(recording.bytes);
      const facts = probe(path); // -v error and a full decode: throws on a damaged file
      expect(facts).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 640, height: 360 });
      // 30 fps: the frames cover the duration it reports, within a frame or two.
      expect(Math.abs(facts.videoFrames - (recording.durationMs / 1000) * 30)).toBeLessThanOrEqual(2);
    } finally {
      publisher?.kill();
      platform.child.kill('SIGINT');
      await platform.exited;
    }
  }, 300_000);

  describe('says why it cannot start, naming the setting to change', () => {
    async function expectRefusal(overrides: Record<string, string>, pattern: RegExp): Promise<void> {
      const started = Date.now();
      const platform = startPlatform({ ...env, FANOUT_SKIP_BUILD: '1', LOG_PRETTY: 'false', ...overrides });
      try {
        const code = await within(platform.exited, 30_000, 'npm start to give up');
        expect(code, platform.output()).not.toBe(0);
      } finally {
        platform.child.kill('SIGKILL');
      }
      expect(Date.now() - started).toBeLessThan(30_000);
      const human = platform.output().split('\n').filter((line) => line.startsWith('Fanout cannot start: '));
      expect(human.length, platform.output().slice(-3000)).toBeGreaterThan(0);
      expect(human.join('\n')).toMatch(pattern);
    }

    for (const setting of ['EMBEDDED_PG_PORT', 'API_PORT', 'WEB_PORT', 'RTMP_PORT'] as const) {
      it(`${setting} already in use`, async () => {
        const blocker = createServer();
        await new Promise<void>((resolve) => blocker.listen(Number(env[setting]), '127.0.0.1', resolve));
        try {
          await expectRefusal({}, new RegExp(`^Fanout cannot start: ${setting} ${env[setting]} is already in use; set ${setting} to a free port$`, 'm'));
        } finally {
          blocker.close();
        }
      }, 60_000);
    }

    it('DATA_DIR not writable', async () => {
      const file = join(dataDir, 'a-file');
      await writeFile(file, '');
      await expectRefusal({ DATA_DIR: join(file, 'data') }, /^Fanout cannot start: DATA_DIR .*a-file\/data is not a writable folder \(ENOTDIR\); set DATA_DIR/m);
    }, 60_000);

    it('DATABASE_URL unreachable', async () => {
      const port = await freePort();
      await expectRefusal(
        { DATABASE_URL: `postgresql://fanout:secret-password@127.0.0.1:${port}/fanout` },
        new RegExp(`^Fanout cannot start: DATABASE_URL postgresql://fanout:\\*\\*\\*@127\\.0\\.0\\.1:${port}/fanout cannot be used \\(connection refused\\); check DATABASE_URL$`, 'm'),
      );
    }, 60_000);
  });

  it('refuses to start with a clear message naming API_PORT when it is not a number', async () => {
    const platform = startPlatform({ ...env, API_PORT: 'abc' });
    expect(await platform.exited).toBe(78);
    expect(platform.output()).toMatch(/API_PORT: must be a whole number/);
  }, 60_000);
});

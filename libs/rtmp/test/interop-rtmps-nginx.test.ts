import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtmpError, publish } from '../src';
import { selfSignedCert } from './support/certs';
import { StreamCounts, freePort, probeFrames, retry, run, testSourceArgs } from './support/processes';
import { publishFlv } from './support/publish-flv';
import {
  FFMPEG_AVAILABLE,
  NGINX_RTMP_MODULE,
  NGINX_STREAM_AVAILABLE,
  NGINX_STREAM_MODULE,
  OPENSSL_AVAILABLE,
  skipWithout,
} from './support/tools';

/**
 * Our client publishing over RTMPS to a real peer. nginx-rtmp has no TLS and `ffmpeg -listen`
 * refuses rtmps, so nginx's stream module terminates TLS (self-signed certificate for
 * localhost / 127.0.0.1) and proxies plain RTMP to nginx-rtmp, which records the stream.
 * The stream module logs `$ssl_server_name`, so the SNI our client sent is checked too.
 */

const SECONDS = 3;
/** Upper bound for every wait on a peer: startup, recordings, log lines. */
const WAIT_MS = 20_000;

const skip =
  skipWithout('ffmpeg', FFMPEG_AVAILABLE) ||
  skipWithout('openssl', OPENSSL_AVAILABLE) ||
  skipWithout('nginx with the rtmp and stream modules', NGINX_STREAM_AVAILABLE);

/** Resolves once something accepts TCP connections on 127.0.0.1:port (one attempt, bounded). */
function acceptsConnections(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy(new Error(`no answer on port ${port}`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Rejects with `what` if `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(skip)('RTMPS interop: our client publishes through nginx (stream TLS termination) to nginx-rtmp', () => {
  let dir: string | undefined;
  let nginx: ReturnType<typeof run> | undefined;
  let tlsPort: number;
  let rtmpPort: number;
  let cert: Buffer;
  let source: Buffer;
  let sourceCounts: StreamCounts;
  let sniLog: string;
  let errorLog: string;

  /**
   * The TLS sessions nginx's stream module logged since `from` (a byte offset into its access
   * log), as `{ sni, protocol, upstream, received }`. A session is logged when it ends, so this
   * waits (bounded) until `count` sessions are there.
   */
  async function tlsSessionsSince(from: number, count: number): Promise<Array<Record<string, string>>> {
    return retry(async () => {
      const text = existsSync(sniLog) ? readFileSync(sniLog).subarray(from).toString() : '';
      const sessions = text
        .split('\n')
        .filter(Boolean)
        .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split('=', 2) as [string, string])));
      if (sessions.length < count) throw new Error(`${sessions.length} of ${count} TLS sessions logged`);
      return sessions;
    }, WAIT_MS);
  }

  function sniLogSize(): number {
    return existsSync(sniLog) ? readFileSync(sniLog).length : 0;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rtmp-rtmps-nginx-'));

    const sourceFile = join(dir, 'source.flv');
    const ffmpeg = await run('ffmpeg', [...testSourceArgs(SECONDS), '-f', 'flv', '-y', sourceFile], 60_000).exit;
    if (ffmpeg.code !== 0) throw new Error(`ffmpeg failed: ${ffmpeg.stderr}`);
    source = readFileSync(sourceFile);
    sourceCounts = await probeFrames(sourceFile);

    // Self-signed for CN=localhost, subjectAltName=DNS:localhost,IP:127.0.0.1 (openssl req -x509).
    const pair = selfSignedCert();
    cert = pair.cert;
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    writeFileSync(certFile, pair.cert);
    writeFileSync(keyFile, pair.key, { mode: 0o600 });

    tlsPort = await freePort();
    rtmpPort = await freePort();
    while (rtmpPort === tlsPort) rtmpPort = await freePort();

    sniLog = join(dir, 'stream-access.log');
    errorLog = join(dir, 'error.log');
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      [
        `load_module ${NGINX_STREAM_MODULE};`,
        `load_module ${NGINX_RTMP_MODULE};`,
        'daemon off;',
        'master_process off;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${errorLog} info;`,
        'events { worker_connections 64; }',
        'stream {',
        "  log_format sni 'sni=$ssl_server_name protocol=$ssl_protocol upstream=$upstream_addr received=$bytes_received';",
        `  access_log ${sniLog} sni;`,
        '  server {',
        `    listen 127.0.0.1:${tlsPort} ssl;`,
        `    ssl_certificate ${certFile};`,
        `    ssl_certificate_key ${keyFile};`,
        `    proxy_pass 127.0.0.1:${rtmpPort};`,
        '  }',
        '}',
        'rtmp {',
        `  access_log ${join(dir, 'rtmp-access.log')};`,
        '  server {',
        `    listen 127.0.0.1:${rtmpPort};`,
        '    application live {',
        '      live on;',
        '      record all;',
        `      record_path ${dir};`,
        '      record_unique off;',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
    // Watchdog: nginx is SIGKILLed after 120 s whatever happens; afterAll stops it sooner.
    nginx = run('nginx', ['-p', dir, '-c', conf, '-e', errorLog], 120_000);
    const exited = nginx.exit.then((exit) => {
      const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '';
      throw new Error(`nginx exited early (${exit.code ?? exit.signal}): ${exit.stderr}\n${log}`);
    });
    exited.catch(() => undefined); // observed below; never an unhandled rejection
    await Promise.race([retry(() => acceptsConnections(tlsPort), WAIT_MS), exited]);
    // The probe's session is logged once nginx notices it closed: wait, so each test sees only its own.
    await tlsSessionsSince(0, 1);
  }, 90_000);

  afterAll(async () => {
    if (nginx) {
      const { child, exit } = nginx;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('publishes H.264 + AAC over RTMPS to localhost with the certificate verified, and nginx-rtmp records every frame', async () => {
    expect(sourceCounts).toMatchObject({ video: SECONDS * 30, videoCodec: 'h264', audioCodec: 'aac' });
    const logFrom = sniLogSize();

    const publisher = await publish(`rtmps://localhost:${tlsPort}/live/key`, {
      tls: { ca: cert },
      connectTimeoutMs: 5_000,
      timeoutMs: 10_000,
    });
    let sent: { audio: number; video: number };
    try {
      sent = await within(publishFlv(publisher, source), WAIT_MS, 'publishing the recording');
    } finally {
      await within(publisher.close(), WAIT_MS, 'closing the publisher');
    }
    expect(publisher.session.error).toBeUndefined(); // a clean unpublish, not a dropped connection
    expect(sent.video).toBeGreaterThanOrEqual(sourceCounts.video); // plus sequence header / end of sequence

    // nginx-rtmp finalises key.flv (record_unique off) when the publisher goes away.
    const recorded = await retry(async () => {
      const counts = await probeFrames(join(dir!, 'key.flv'));
      if (counts.video < sourceCounts.video) throw new Error(`recording incomplete: ${counts.video} video frames`);
      return counts;
    }, WAIT_MS);
    expect(recorded).toEqual({
      video: sourceCounts.video,
      audio: sourceCounts.audio,
      videoCodec: 'h264',
      audioCodec: 'aac',
    });

    // nginx saw SNI `localhost` (the URL's host) and proxied the whole stream to nginx-rtmp.
    const sessions = await tlsSessionsSince(logFrom, 1);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ sni: 'localhost', upstream: `127.0.0.1:${rtmpPort}` });
    expect(sessions[0]!['protocol']).toMatch(/^TLSv1\.[23]$/);
    expect(Number(sessions[0]!['received'])).toBeGreaterThan(source.length * 0.9); // the media went through TLS
  }, 90_000);

  it('rejects the self-signed certificate without `ca` as TLS_FAILURE, before sending any RTMP byte', async () => {
    const logFrom = sniLogSize();
    const error: unknown = await publish(`rtmps://localhost:${tlsPort}/live/unverified`, { connectTimeoutMs: 5_000 }).then(
      () => {
        throw new Error('publish succeeded against an untrusted certificate');
      },
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(RtmpError);
    expect(error).toMatchObject({ code: 'TLS_FAILURE' });
    // Node completes the TLS handshake and then checks the certificate, so nginx sees SNI
    // `localhost` and a session in which the client sent nothing: no RTMP handshake, no stream key.
    const sessions = await tlsSessionsSince(logFrom, 1);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ sni: 'localhost', received: '0' });
    expect(existsSync(join(dir!, 'unverified.flv'))).toBe(false);
  }, 30_000);

  it('verifies an IP host against the IP subjectAltName and sends no SNI for it (RFC 6066 forbids IP literals)', async () => {
    const logFrom = sniLogSize();
    const publisher = await publish(`rtmps://127.0.0.1:${tlsPort}/live/by-ip`, {
      tls: { ca: cert },
      connectTimeoutMs: 5_000,
      timeoutMs: 10_000,
    });
    await within(publisher.close(), WAIT_MS, 'closing the publisher');
    expect(publisher.session.error).toBeUndefined();
    const sessions = await tlsSessionsSince(logFrom, 1);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ sni: '-', upstream: `127.0.0.1:${rtmpPort}` }); // nginx logs an empty value as '-'
  }, 30_000);
});

import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema } from '@fanout/contracts';
import { type Actor, setUpTeam } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { recordingClient } from './support/http';

/** A raw HTTP/1.1 connection, to send a request as slowly as an attacker would. */
function rawSocket(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const started = Date.now();
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.on('data', (d) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

/** A request with a Host of our choosing (fetch always sends the URL's own). */
function withHost(url: string, host: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: { ...init.headers, host } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Writes `chunks` one every `everyMs` until the socket closes or they run out. */
async function trickle(socket: Socket, chunks: string[], everyMs: number): Promise<void> {
  for (const chunk of chunks) {
    if (socket.destroyed) return;
    socket.write(chunk);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

describe('HTTP edge: security headers, Host allowlist, request timeouts, trusted proxies', () => {
  let api: TestApi;
  let owner: Actor;

  beforeAll(async () => {
    api = await startTestApi({ HTTP_HEADERS_TIMEOUT_S: '1', HTTP_REQUEST_TIMEOUT_S: '2', PUBLIC_HOSTS: 'fanout.example.com,*.lan.example' });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  describe('Host allowlist (DNS rebinding)', () => {
    it('refuses first-run setup addressed to a foreign name, even with a matching Origin', async () => {
      const res = await withHost(`${api.url}/api/auth/setup`, 'rebind.attacker.example:4000', {
        method: 'POST',
        headers: { origin: 'http://rebind.attacker.example:4000', 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'attacker@example.com', password: 'attacker password 1' }),
      });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ code: 'HOST_NOT_ALLOWED', message: 'This server does not answer to that host name. Add it to PUBLIC_HOSTS.' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect((await withHost(`${api.url}/api/auth/state`, 'fanout.example.com')).status).toBe(200);
      expect((await (await fetch(`${api.url}/api/auth/state`)).json()) as object).toEqual({ setupRequired: true });
    });

    it('refuses a foreign X-Forwarded-Host from the trusted dashboard proxy too, and answers the allowed names', async () => {
      const forwarded = await fetch(`${api.url}/api/auth/state`, { headers: { 'x-forwarded-host': 'evil.example:3000' } });
      expect(forwarded.status).toBe(403);
      for (const host of ['fanout.example.com', 'FANOUT.example.com:3000', 'studio.lan.example', 'localhost:4000', '127.0.0.1', '[::1]:3000']) {
        expect((await fetch(`${api.url}/api/auth/state`, { headers: { 'x-forwarded-host': host } })).status, host).toBe(200);
      }
      expect((await fetch(`${api.url}/api/auth/state`, { headers: { 'x-forwarded-host': 'lan.example.evil.com' } })).status).toBe(403);
    });

    it('keeps the health check open to any host name (load balancers, the start script)', async () => {
      expect((await withHost(`${api.url}/api/health`, 'anything.example')).status).toBe(200);
      expect((await withHost(`${api.url}/api/auth/state`, 'anything.example')).status).toBe(403);
    });
  });

  describe('security headers', () => {
    beforeAll(async () => {
      ({ owner } = await setUpTeam(recordingClient(api.url), {}));
    });

    it('sets them on data, errors and event streams; HSTS only over https', async () => {
      const ok = await owner.call('GET', '/api/streams');
      const missing = await owner.call('GET', '/api/nope');
      expect(missing.status).toBe(404);
      const controller = new AbortController();
      const me = await fetch(`${api.url}/api/auth/me`, { headers: { cookie: owner.cookie }, signal: controller.signal });
      for (const res of [ok, missing, me]) {
        for (const [name, value] of Object.entries(SECURITY)) expect(res.headers.get(name), name).toBe(value);
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
      controller.abort();
      const https = await owner.call('GET', '/api/streams', undefined, { 'x-forwarded-proto': 'https' });
      expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const stream = (await owner.call('POST', '/api/streams', { name: 'S' })).body as { id: string };
      const sse = await fetch(`${api.url}/api/streams/${stream.id}/events`, { headers: { cookie: owner.cookie } });
      expect(sse.headers.get('content-type')).toContain('text/event-stream');
      for (const [name, value] of Object.entries(SECURITY)) expect(sse.headers.get(name), name).toBe(value);
      await sse.body?.cancel();
    });
  });

  describe('request timeouts', () => {
    it('cuts a body trickled slower than HTTP_REQUEST_TIMEOUT_S', async () => {
      const { socket, received, closed } = await rawSocket(api.url);
      socket.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n');
      void trickle(socket, Array.from({ length: 60 }, () => ' '), 200);
      const ms = await closed;
      expect(ms).toBeGreaterThanOrEqual(1_900);
      expect(ms).toBeLessThan(5_000);
      expect(received()).toMatch(/^HTTP\/1\.1 408/);
    });

    it('cuts headers trickled slower than HTTP_HEADERS_TIMEOUT_S', async () => {
      const { socket, closed } = await rawSocket(api.url);
      void trickle(socket, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '.split('').concat(Array.from({ length: 60 }, () => 'a')), 100);
      const ms = await closed;
      expect(ms).toBeLessThan(4_000);
    });

    it('keeps a slow but finished request and a long event stream alone', async () => {
      const res = await fetch(`${api.url}/api/health`);
      expect(res.status).toBe(200);
      const stream = (await owner.call('POST', '/api/streams', { name: 'Long' })).body as { id: string };
      const controller = new AbortController();
      const sse = await fetch(`${api.url}/api/streams/${stream.id}/events`, { headers: { cookie: owner.cookie }, signal: controller.signal });
      const reader = sse.body!.getReader();
      await new Promise((r) => setTimeout(r, 3_000)); // past HTTP_REQUEST_TIMEOUT_S
      let text = '';
      const deadline = Date.now() + 6_000;
      while (!text.includes('event: status') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toContain('event: status');
      controller.abort();
    });
  });
});

describe('X-Forwarded-For is trusted only from TRUST_PROXY', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ TRUST_PROXY: 'none' });
  });

  afterAll(async () => {
    await api?.dispose();
  });

  it('records the socket address, not a forged X-Forwarded-For, and the forged one evades no limit', async () => {
    const client = recordingClient(api.url);
    const { owner } = await setUpTeam(client, {});
    for (let i = 0; i < 5; i++) {
      await client.request('POST', '/api/auth/login', { json: { email: 'owner@example.com', password: 'wrong password 000' }, headers: { 'x-forwarded-for': `192.0.2.${i}` } });
    }
    const sixth = await client.request('POST', '/api/auth/login', { json: { email: 'owner@example.com', password: 'wrong password 000' }, headers: { 'x-forwarded-for': '192.0.2.99' } });
    expect(sixth.status).toBe(429);
    const entries = auditPageSchema.parse((await owner.call('GET', '/api/audit?limit=20')).body).entries.filter((e) => e.action === 'auth.login-failed');
    expect(new Set(entries.map((e) => e.metadata.ip))).toEqual(new Set(['127.0.0.1']));
  });
});

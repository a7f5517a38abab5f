// @vitest-environment node
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, Server } from 'node:http';
import { createWebServer, type WebServerOptions } from './web-server';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Our server in front of a stand-in for Next that records each request's headers and echoes them. */
async function start(options: Partial<WebServerOptions> = {}) {
  const seen: IncomingMessage['headers'][] = [];
  const server = createWebServer({
    trustProxy: 'loopback',
    allowedHosts: ['localhost', '127.0.0.1', '[::1]', 'fanout.example'],
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 1_500,
    handle: async (req, res) => {
      seen.push({ ...req.headers });
      for await (const _ of req) void _; // read the body, as the /api proxy does
      res.setHeader('content-type', 'text/html');
      res.end('<html></html>');
    },
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, seen };
}

describe('createWebServer', () => {
  it('overwrites X-Forwarded-For, -Proto and -Host with what it saw when the peer is not trusted', async () => {
    const web = await start({ trustProxy: 'none' });
    await fetch(`${web.url}/login`, { headers: { 'x-forwarded-for': '203.0.113.66', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', forwarded: 'for=1.2.3.4', 'x-real-ip': '1.2.3.4' } });
    expect(web.seen[0]).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': `127.0.0.1:${web.port}` });
    expect(web.seen[0]!.forwarded).toBeUndefined();
    expect(web.seen[0]!['x-real-ip']).toBeUndefined();
  });

  it('believes a trusted proxy (TRUST_PROXY) about the client, keeping only the nearest untrusted address', async () => {
    const web = await start({ trustProxy: 'loopback' });
    await fetch(`${web.url}/login`, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'fanout.example' } });
    expect(web.seen[0]).toMatchObject({ 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'fanout.example' });
  });

  it('refuses a Host outside PUBLIC_HOSTS before Next sees the request', async () => {
    const web = await start({ trustProxy: 'none' });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${web.url}/api/auth/setup`, { method: 'POST', headers: { host: 'rebind.attacker.example:3000', origin: 'http://rebind.attacker.example:3000' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
    expect(web.seen).toEqual([]);
  });

  it('sets the security headers, and a page CSP whose nonce Next receives on the request', async () => {
    const web = await start();
    const page = await fetch(`${web.url}/streams`);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(web.seen[0]!['content-security-policy']).toBe(csp);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("media-src 'self' blob:");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('strict-transport-security')).toBeNull();
    const again = await fetch(`${web.url}/streams`);
    expect(again.headers.get('content-security-policy')).not.toBe(csp); // a fresh nonce per response
    const api = await fetch(`${web.url}/api/streams`);
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const https = await fetch(`${web.url}/streams`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(https.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('cuts a request body trickled past the request timeout', async () => {
    const web = await start();
    const socket = connect(web.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n');
    for (let i = 0; i < 50 && !socket.destroyed; i++) {
      socket.write(' ');
      await new Promise((r) => setTimeout(r, 150));
    }
    const ms = await closed;
    expect(ms).toBeLessThan(4_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});

// @vitest-environment node
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DELETE, GET, POST, PUT } from './route';

/** A real HTTP server on 127.0.0.1:0 standing in for the API; each test installs its handler. */
let api: Server;
let handle: (req: IncomingMessage, res: ServerResponse) => void;
const savedApiPort = process.env['API_PORT'];

beforeAll(async () => {
  api = createServer((req, res) => handle(req, res));
  api.listen(0, '127.0.0.1');
  await once(api, 'listening');
  process.env['API_PORT'] = String((api.address() as AddressInfo).port);
});

afterEach(() => {
  api.closeAllConnections();
});

afterAll(async () => {
  if (savedApiPort === undefined) delete process.env['API_PORT'];
  else process.env['API_PORT'] = savedApiPort;
  api.close();
  await once(api, 'close');
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// What the browser sends to `next start`: same origin as the dashboard.
const dashboard = 'http://fanout.local:3000';

describe('/api/[...path] proxy', () => {
  it('forwards method, path, query, JSON body and cookies, and returns status and every Set-Cookie', async () => {
    let seen: Record<string, string | undefined> = {};
    handle = async (req, res) => {
      seen = {
        method: req.method,
        url: req.url,
        body: await readBody(req),
        cookie: req.headers.cookie,
        type: req.headers['content-type'],
        origin: req.headers.origin,
        forwardedHost: req.headers['x-forwarded-host'] as string,
        forwardedProto: req.headers['x-forwarded-proto'] as string,
        hopHeader: req.headers['x-secret-hop'] as string | undefined,
      };
      res.writeHead(201, [
        ['content-type', 'application/json'],
        ['set-cookie', 'fanout_session=abc; HttpOnly; Path=/; SameSite=Lax'],
        ['set-cookie', 'fanout_csrf=xyz; Path=/'],
      ]);
      res.end(JSON.stringify({ ok: true }));
    };

    const response = await POST(
      new Request(`${dashboard}/api/auth/login?next=%2Fstreams`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: 'theme=dark; other=1',
          origin: dashboard,
          'x-forwarded-host': 'fanout.local:3000',
          'x-forwarded-proto': 'https',
          connection: 'x-secret-hop',
          'x-secret-hop': 'not for the API',
        },
        body: JSON.stringify({ email: 'a@b.co', password: 'pw' }),
      }),
    );

    expect(seen).toEqual({
      method: 'POST',
      url: '/api/auth/login?next=%2Fstreams',
      body: '{"email":"a@b.co","password":"pw"}',
      cookie: 'theme=dark; other=1',
      type: 'application/json',
      // The API trusts loopback proxies: it checks Origin against X-Forwarded-Host (CSRF)
      // and marks cookies Secure from X-Forwarded-Proto.
      origin: dashboard,
      forwardedHost: 'fanout.local:3000',
      forwardedProto: 'https',
      // Named in the browser's Connection header, so it belongs to that hop only.
      hopHeader: undefined,
    });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual([
      'fanout_session=abc; HttpOnly; Path=/; SameSite=Lax',
      'fanout_csrf=xyz; Path=/',
    ]);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("leaves the API's security headers to the dashboard server, which sets them once on every response", async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'", 'x-frame-options': 'DENY', 'x-request-id': 'r1' });
      res.end('{}');
    };
    const response = await GET(new Request(`${dashboard}/api/streams`));
    expect(response.headers.get('content-security-policy')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBeNull();
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(response.headers.get('x-request-id')).toBe('r1');
  });

  it('passes error statuses and headers through untouched (429 with Retry-After)', async () => {
    handle = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '17' });
      res.end(JSON.stringify({ code: 'RATE_LIMITED', message: 'Slow down' }));
    };
    const response = await POST(new Request(`${dashboard}/api/auth/login`, { method: 'POST', body: '{}' }));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('17');
    expect(await response.json()).toEqual({ code: 'RATE_LIMITED', message: 'Slow down' });
  });

  it('forwards other methods and empty 204 answers', async () => {
    let method: string | undefined;
    handle = (req, res) => {
      method = req.method;
      res.writeHead(204).end();
    };
    const response = await DELETE(new Request(`${dashboard}/api/streams/42`, { method: 'DELETE' }));
    expect(method).toBe('DELETE');
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('returns redirects to the browser instead of following them', async () => {
    handle = (_req, res) => {
      res.writeHead(302, { location: '/login' }).end();
    };
    const response = await GET(new Request(`${dashboard}/api/somewhere`));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login');
  });

  it('streams the response: Server-Sent Events arrive while the API is still writing', async () => {
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      // The second event is only written once the test has read the first one through the proxy.
      void finished.then(() => res.end('data: second\n\n'));
    };

    const response = await GET(new Request(`${dashboard}/api/events`, { headers: { accept: 'text/event-stream' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');

    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(first.value).toBe('data: first\n\n');

    finish();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    expect(rest).toBe('data: second\n\n');
  });

  it('streams the request body up to the API', async () => {
    let received = '';
    handle = async (req, res) => {
      received = await readBody(req);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${received.length} bytes`);
    };
    const encoder = new TextEncoder();
    const parts = ['chunk-1;', 'chunk-2;', 'chunk-3'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const part = parts.shift();
        if (part === undefined) controller.close();
        else controller.enqueue(encoder.encode(part));
      },
    });
    const response = await POST(
      new Request(`${dashboard}/api/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit),
    );
    expect(received).toBe('chunk-1;chunk-2;chunk-3');
    expect(await response.text()).toBe('got 23 bytes');
  });

  it('forwards a binary PUT body byte for byte with its content type (a slate image)', async () => {
    let seen: { method?: string; url?: string; type?: string; bytes?: Buffer } = {};
    handle = async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      seen = { method: req.method, url: req.url, type: req.headers['content-type'], bytes: Buffer.concat(chunks) };
      res.writeHead(204).end();
    };
    // A PNG signature followed by every byte value: nothing may be re-encoded as text on the way.
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 256 }, (_, i) => i), ...new Uint8Array(200_000).fill(0xff)]);
    const response = await PUT(
      new Request(`${dashboard}/api/streams/s1/slate-image`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Blob([png], { type: 'image/png' }) }),
    );
    expect(response.status).toBe(204);
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/api/streams/s1/slate-image');
    expect(seen.type).toBe('image/png');
    expect(seen.bytes!.length).toBe(png.length);
    expect(seen.bytes!.equals(Buffer.from(png))).toBe(true);
  });

  it('aborts the upstream request when the browser goes away', async () => {
    const closed = new Promise<void>((resolve) => {
      handle = (req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: hello\n\n');
        req.socket.once('close', () => resolve());
      };
    });
    const browser = new AbortController();
    const response = await GET(new Request(`${dashboard}/api/events`, { signal: browser.signal }));
    const reader = response.body!.getReader();
    await reader.read();
    browser.abort();
    await expect(closed).resolves.toBeUndefined();
  });

  it('only ever forwards to paths under /api', async () => {
    let hits = 0;
    handle = (_req, res) => {
      hits += 1;
      res.writeHead(200).end();
    };
    const response = await GET(new Request(`${dashboard}/api/%2e%2e/internal/metrics`));
    expect(response.status).toBe(404);
    expect(hits).toBe(0);
  });

  it('answers 502 with an API error body when the API is not running', async () => {
    const saved = process.env['API_PORT'];
    const closedServer = createServer();
    closedServer.listen(0, '127.0.0.1');
    await once(closedServer, 'listening');
    const deadPort = (closedServer.address() as AddressInfo).port;
    closedServer.close();
    await once(closedServer, 'close');
    process.env['API_PORT'] = String(deadPort);
    try {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      const response = await GET(new Request(`${dashboard}/api/health`));
      expect(logged).toHaveBeenCalledOnce();
      logged.mockRestore();
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ code: 'API_UNREACHABLE' });
    } finally {
      process.env['API_PORT'] = saved;
    }
  });
});

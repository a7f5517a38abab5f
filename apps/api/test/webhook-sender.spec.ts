import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/ports';
import type { HostResolver } from '../src/net/destination-lookup';
import { RESPONSE_KEEP_CHARS, WebhookSender } from '../src/webhooks/webhook-sender';
import { webhookTarget } from '../src/webhooks/webhook-url';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on 127.0.0.1 answering with `handle`; counts the bytes it managed to write. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      handle(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

const systemResolver: Pick<HostResolver, 'resolveAll'> = { resolveAll: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]) };
const sender = (resolver: Pick<HostResolver, 'resolveAll'> = systemResolver) => new WebhookSender(resolver as HostResolver);
const post = (url: string, extra: Partial<Parameters<WebhookSender['send']>[0]> = {}) =>
  sender().send({ target: webhookTarget(url)!, allowPrivate: true, headers: { 'webhook-id': 'evt-1' }, body: '{"a":1}', timeoutMs: 2_000, ...extra });

describe('WebhookSender', () => {
  it('posts the body as JSON with the headers given, and keeps the start of the answer', async () => {
    const seen: IncomingMessage[] = [];
    const receiver = await serve((req, res) => {
      seen.push(req);
      res.writeHead(202).end('  accepted\u0000\n');
    });
    const result = await post(receiver.url);
    expect(result).toMatchObject({ ok: true, statusCode: 202, error: null, response: 'accepted' });
    expect(receiver.bodies).toEqual(['{"a":1}']);
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'evt-1', 'content-length': '7' });
    expect(seen[0]!.method).toBe('POST');
  });

  it('counts 3xx as a failure and does not follow it', async () => {
    let hits = 0;
    const receiver = await serve((_req, res) => {
      hits++;
      res.writeHead(301, { location: 'http://169.254.169.254/latest' }).end();
    });
    expect(await post(receiver.url)).toMatchObject({ ok: false, statusCode: 301, error: 'HTTP 301: redirects are not followed, update the URL' });
    expect(hits).toBe(1);
  });

  it("reads at most 64 KiB of an answer and keeps 256 characters of it, and takes a 429's Retry-After", async () => {
    const receiver = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      const chunk = 'x'.repeat(64 * 1024);
      // An endless answer: the sender must stop reading on its own.
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    const result = await post(receiver.url, { timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, statusCode: 429, error: 'HTTP 429', retryAfterS: 120 });
    expect([...result.response!]).toHaveLength(RESPONSE_KEEP_CHARS);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const receiver = await serve(() => undefined);
    const result = await post(receiver.url, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 0.3 s' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(250);
  });

  it('bounds connecting (the name lookup included) on its own', async () => {
    const never: Pick<HostResolver, 'resolveAll'> = { resolveAll: () => undefined };
    const result = await sender(never).send({ target: webhookTarget('https://stuck.example/hook')!, allowPrivate: false, headers: {}, body: '{}', timeoutMs: 2_000, connectTimeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'could not connect within 0.2 s' });
  });

  it('refuses a private literal without connecting when the policy forbids it, and reads refusals in words', async () => {
    const receiver = await serve((_req, res) => res.end());
    expect(await post(receiver.url, { allowPrivate: false })).toMatchObject({ ok: false, latencyMs: 0, error: expect.stringMatching(/^address not allowed: 127\.0\.0\.1 is a loopback address/) });
    expect(receiver.bodies).toEqual([]);
    const closed = `http://127.0.0.1:${await freePort()}/hook`;
    expect(await post(closed)).toMatchObject({ ok: false, error: 'connection refused' });
  });

  it('ends an attempt at once when the server shuts down, marked interrupted', async () => {
    const receiver = await serve(() => undefined);
    const abort = new AbortController();
    const pending = post(receiver.url, { timeoutMs: 10_000, signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    abort.abort();
    expect(await pending).toMatchObject({ ok: false, interrupted: true, error: 'interrupted: the server is shutting down' });
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it, and what it answered (null while it has not, or never did). */
export interface Received {
  /** Arrival order, from 0. */
  n: number;
  id: string;
  timestamp: string;
  signature: string;
  contentType: string | undefined;
  userAgent: string | undefined;
  body: string;
  /** The body parsed (Fanout sends JSON). */
  json: { id: string; type: string; timestamp: string; data: Record<string, unknown> & { stream?: { id: string; name: string | null } } };
  arrivedAt: number;
  answered: number | null;
  /** When the answer was written. */
  answeredAt: number | null;
}

/** How to answer one request: a status after an optional delay, or never ('hang'). */
export type Answer = { status: number; delayMs?: number; body?: string; headers?: Record<string, string> } | 'hang';

/**
 * A webhook receiver: node:http on 127.0.0.1 (a free port), recording every request with its raw
 * body. `answer` decides each reply and may be changed at any time; hanging requests are closed
 * with the server.
 */
export async function startReceiver(answer: (request: Omit<Received, 'answered' | 'answeredAt'>) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  let open = 0;
  let behaviour = answer;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      };
      const entry: Received = {
        n: received.length,
        id: header('webhook-id') ?? '',
        timestamp: header('webhook-timestamp') ?? '',
        signature: header('webhook-signature') ?? '',
        contentType: header('content-type'),
        userAgent: header('user-agent'),
        body,
        json: JSON.parse(body) as Received['json'],
        arrivedAt: Date.now(),
        answered: null,
        answeredAt: null,
      };
      received.push(entry);
      open += 1;
      const reply = behaviour(entry);
      if (reply === 'hang') {
        hanging.add(res);
        res.on('close', () => {
          if (hanging.delete(res)) open -= 1;
        });
        return;
      }
      const send = () => {
        open -= 1;
        entry.answered = reply.status;
        entry.answeredAt = Date.now();
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? 'ok');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    /** Requests that arrived and have not been answered yet (hanging ones included). */
    open: () => open,
    answer(next: (request: Omit<Received, 'answered' | 'answeredAt'>) => Answer) {
      behaviour = next;
    },
    /** Requests answered with a 2xx. */
    delivered: () => received.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * Standard Webhooks verification, written from the spec for the tests (independent of the
 * API's signer): the secret's bytes are the base64 after `whsec_`; the signed content is
 * `id.timestamp.body`; the header lists `v1,<base64 HMAC-SHA256>` signatures separated by
 * spaces, any of which may match; the timestamp must be within `toleranceS` of now.
 */
export function verifyStandardWebhook(secret: string, request: Pick<Received, 'id' | 'timestamp' | 'signature' | 'body'>, toleranceS = 300): boolean {
  if (!secret.startsWith('whsec_') || !/^\d+$/.test(request.timestamp) || request.id === '') return false;
  if (Math.abs(Date.now() / 1000 - Number(request.timestamp)) > toleranceS) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${request.id}.${request.timestamp}.${request.body}`).digest();
  return request.signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

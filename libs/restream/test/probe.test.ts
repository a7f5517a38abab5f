import { type LookupFunction, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeDestination } from '../src';
import { Sink, waitFor } from './support/harness';

const sinks: Sink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.kill();
});

async function sink(key = 'probe-key'): Promise<Sink> {
  const s = await new Sink(key).listen();
  sinks.push(s);
  return s;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('probeDestination (real RTMP server)', () => {
  it('publishes with the key, then unpublishes at once without sending any media', async () => {
    const s = await sink();
    const result = await probeDestination({ url: s.url, streamKey: 'probe-key' });
    expect(result.ok).toBe(true);
    expect(s.connections).toHaveLength(1);
    await waitFor('the unpublish', () => s.connections[0]!.unpublished && s.connections[0]!.closed, 5_000);
    expect(s.connections[0]!.messages).toEqual([]);
  });

  it('reports a refused key as rejected-key, without quoting the key', async () => {
    const s = await sink();
    const result = await probeDestination({ url: s.url, streamKey: 'the-wrong-key-1234' });
    expect(result).toMatchObject({ ok: false, reason: 'rejected-key' });
    expect(result.ok ? '' : result.message).not.toContain('the-wrong-key-1234');
    expect(s.rejected).toBe(1);
  });

  it('reports a closed port as refused', async () => {
    const result = await probeDestination({ url: `rtmp://127.0.0.1:${await closedPort()}/live`, streamKey: 'k' });
    expect(result).toMatchObject({ ok: false, reason: 'refused' });
  });

  it("connects through the spec's lookup, so the host's address policy decides", async () => {
    const s = await sink();
    const looked: string[] = [];
    const refuse: LookupFunction = (hostname, _options, callback) => {
      looked.push(hostname);
      (callback as (e: NodeJS.ErrnoException | null, a: string, f: number) => void)(Object.assign(new Error('destination address not allowed: loopback'), { code: 'ERR_ADDRESS_NOT_ALLOWED' }), '', 0);
    };
    const result = await probeDestination({ url: s.url, streamKey: 'probe-key', lookup: refuse });
    expect(result.ok).toBe(false);
    expect(looked).toEqual(['127.0.0.1']);
    expect(s.connections).toHaveLength(0);
  });

  it('gives up within its timeout on a server that accepts TCP but never answers the handshake', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const result = await probeDestination({ url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'k' }, { timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

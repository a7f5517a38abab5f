import type { LookupFunction } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRtmp, publish, RtmpServer } from '../src';

/** A lookup that answers every name with one address (or refuses), recording what it was asked. */
function fakeLookup(answer: string | Error, asked: string[]): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    const reply = callback as (error: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;
    if (answer instanceof Error) return reply(answer, options.all ? [] : '', 0);
    if (options.all) return reply(null, [{ address: answer, family: 4 }]);
    return reply(null, answer, 4);
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A TCP listener that only counts connections. */
async function countingListener(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, connections: () => connections };
}

describe('connectRtmp with a lookup (connection policy)', () => {
  it('connects to the address the lookup returned, never asking the system resolver for the name', async () => {
    const server = new RtmpServer();
    server.on('session', (session) => session.on('publish', (request) => request.accept()));
    const { port } = await server.listen(0, '127.0.0.1');
    closers.push(() => server.close());
    const asked: string[] = [];
    const publisher = await publish(`rtmp://not-a-real-name.invalid:${port}/live/key`, { lookup: fakeLookup('127.0.0.1', asked) });
    expect(asked).toEqual(['not-a-real-name.invalid']);
    await publisher.close();
  });

  it('fails with a typed error and opens no connection when the lookup refuses a name', async () => {
    const listener = await countingListener();
    const refusal = Object.assign(new Error('destination address not allowed'), { code: 'ERR_ADDRESS_NOT_ALLOWED' });
    const error = await connectRtmp({ host: 'blocked.invalid', port: listener.port, lookup: fakeLookup(refusal, []) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RtmpError', code: 'SOCKET_ERROR' });
    expect((error as Error).message).toContain('ERR_ADDRESS_NOT_ALLOWED');
    expect(listener.connections()).toBe(0);
  });

  it('consults the lookup for address literals too (Node skips it for those), over TCP and TLS', async () => {
    const listener = await countingListener();
    const asked: string[] = [];
    const refusal = Object.assign(new Error('loopback refused'), { code: 'ERR_ADDRESS_NOT_ALLOWED' });
    for (const secure of [false, true]) {
      const error = await connectRtmp({ host: '127.0.0.1', port: listener.port, secure, lookup: fakeLookup(refusal, asked) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SOCKET_ERROR' });
    }
    expect(asked).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(listener.connections()).toBe(0);
  });
});

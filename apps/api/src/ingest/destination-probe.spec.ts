import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RtmpServer } from '@fanout/rtmp';
import { capturedLogger } from '../../test/support/logs';
import { strictFake } from '../../test/support/strict-fake';
import type { Role } from '../auth/auth.types';
import { Secrets } from '../crypto/secrets';
import type { DestinationsRepository } from '../destinations/destinations.repository';
import type { HostResolver } from '../net/destination-lookup';
import { RtmpDestinationProbe } from './destination-probe';
import { EngineDestinations } from './engine-destinations';

const servers: RtmpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A local RTMP destination accepting one key; it counts publishes and media. */
async function sink() {
  const server = new RtmpServer();
  servers.push(server);
  const seen = { publishes: 0, media: 0 };
  server.on('session', (session) => {
    session.on('publish', (request) => {
      seen.publishes += 1;
      if (request.streamName === 'the-key') request.accept();
      else request.reject('badName', 'unknown key');
    });
    session.on('video', () => (seen.media += 1));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, seen };
}

/**
 * The probe as the API builds it: the destination read and decrypted like the engine's, with the
 * owner's address policy in the lookup. `live.example` resolves to loopback, as a rebinding or
 * internal name would: public by name, private by address.
 */
function probeFor(port: number, ownerRole: Role, allowPrivate = false) {
  const secrets = new Secrets(randomBytes(32));
  const row = { id: 'd1', streamId: 's1', name: 'Sink', platform: 'custom', url: `rtmp://live.example:${port}/live`, keyCiphertext: secrets.encrypt('the-key'), enabled: true, createdAt: new Date(), updatedAt: new Date() };
  const repository = strictFake<DestinationsRepository>('DestinationsRepository', { listForEngine: async () => ({ rows: [row], ownerRole, more: false }) });
  const looked: string[] = [];
  const resolver = strictFake<HostResolver>('HostResolver', {
    resolveAll: (hostname, _options, callback) => {
      looked.push(hostname);
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    },
  });
  const destinations = new EngineDestinations(repository, secrets, resolver, { ALLOW_PRIVATE_DESTINATIONS: allowPrivate, MAX_DESTINATIONS_PER_STREAM: 20 }, capturedLogger().logger);
  return { probe: new RtmpDestinationProbe(destinations), looked };
}

describe('RtmpDestinationProbe (the connection test)', () => {
  it('refuses a name that resolves to a private address for a member, before any connection', async () => {
    const { port, seen } = await sink();
    const { probe, looked } = probeFor(port, 'member');
    const result = await probe.probe('s1', 'd1');
    expect(result).toMatchObject({ ok: false });
    expect(looked).toEqual(['live.example']);
    expect(seen.publishes).toBe(0);
  });

  it('connects to the address it checked for an owner, publishes with the decrypted key and sends no media', async () => {
    const { port, seen } = await sink();
    const { probe } = probeFor(port, 'owner');
    expect(await probe.probe('s1', 'd1')).toMatchObject({ ok: true });
    expect(seen).toEqual({ publishes: 1, media: 0 });
  });

  it('lets members reach private addresses only with ALLOW_PRIVATE_DESTINATIONS', async () => {
    const { port } = await sink();
    expect(await probeFor(port, 'member', true).probe.probe('s1', 'd1')).toMatchObject({ ok: true });
  });

  it('answers undefined for a destination the stream does not have', async () => {
    const { port } = await sink();
    expect(await probeFor(port, 'owner').probe.probe('s1', 'other')).toBeUndefined();
  });
});

import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { AddressNotAllowedError, type HostResolver, policyLookup } from './destination-lookup';

/** A resolver answering from a table (a rebinding DNS server is just a table that changes). */
function resolver(table: Record<string, LookupAddress[]>): Pick<HostResolver, 'resolveAll'> {
  return {
    resolveAll(hostname, _options, callback) {
      const answer = table[hostname];
      if (!answer) callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      else callback(null, answer);
    },
  };
}

function ask(lookup: ReturnType<typeof policyLookup>, host: string, all: boolean): Promise<{ error: NodeJS.ErrnoException | null; result: unknown; family?: number }> {
  return new Promise((resolve) => {
    const cb = (error: NodeJS.ErrnoException | null, result: unknown, family?: number) => resolve({ error, result, family });
    (lookup as (h: string, o: object, c: typeof cb) => void)(host, { all }, cb);
  });
}

const TABLE = {
  'public.example': [{ address: '93.184.216.34', family: 4 }],
  'rebind.example': [{ address: '127.0.0.1', family: 4 }],
  'mixed.example': [
    { address: '93.184.216.34', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ],
  'mapped.example': [{ address: '::ffff:169.254.169.254', family: 6 }],
  'v6.example': [{ address: '2606:4700:4700::1111', family: 6 }],
};

describe('policyLookup', () => {
  it('hands the socket exactly the checked addresses, in both lookup shapes', async () => {
    const lookup = policyLookup(resolver(TABLE), false);
    expect(await ask(lookup, 'public.example', true)).toEqual({ error: null, result: TABLE['public.example'], family: undefined });
    expect(await ask(lookup, 'v6.example', false)).toEqual({ error: null, result: '2606:4700:4700::1111', family: 6 });
  });

  it('refuses a name that resolves to loopback, a private address among public ones, or an IPv4-mapped metadata address', async () => {
    const lookup = policyLookup(resolver(TABLE), false);
    for (const host of ['rebind.example', 'mixed.example', 'mapped.example']) {
      for (const all of [true, false]) {
        const { error } = await ask(lookup, host, all);
        expect(error, host).toBeInstanceOf(AddressNotAllowedError);
        expect(error!.code).toBe('ERR_ADDRESS_NOT_ALLOWED');
      }
    }
    expect((await ask(lookup, 'rebind.example', true)).error!.message).toBe('destination address not allowed: 127.0.0.1 is a loopback address (this machine)');
  });

  it('lets an owner\'s stream through to a private address', async () => {
    const lookup = policyLookup(resolver(TABLE), true);
    expect(await ask(lookup, 'rebind.example', false)).toEqual({ error: null, result: '127.0.0.1', family: 4 });
  });

  it('passes resolver errors on unchanged (they read as DNS failures)', async () => {
    const { error } = await ask(policyLookup(resolver(TABLE), false), 'nowhere.example', true);
    expect(error?.code).toBe('ENOTFOUND');
  });
});

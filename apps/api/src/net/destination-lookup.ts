import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Injectable } from '@nestjs/common';
import type { LookupFunction } from 'node:net';
import { type AddressClass, classifyAddress, describeAddress, parseIpLiteral } from './address-policy';

/** The system resolver, behind an injectable so tests can make a name resolve anywhere. */
@Injectable()
export class HostResolver {
  resolveAll(hostname: string, options: Omit<LookupOptions, 'all'>, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void {
    dnsLookup(hostname, { ...options, all: true }, callback);
  }
}

/** The error a refused address fails the connection with (the RTMP client reports it as a socket error). */
export class AddressNotAllowedError extends Error {
  readonly code = 'ERR_ADDRESS_NOT_ALLOWED';
  constructor(
    readonly host: string,
    readonly addressClass: Exclude<AddressClass, 'public'>,
  ) {
    super(`destination address not allowed: ${describeAddress(host, addressClass)}`);
    this.name = 'AddressNotAllowedError';
  }
}

/**
 * A `lookup` for net.connect / tls.connect that resolves the host, refuses the connection when
 * any resolved address is non-public (unless `allowPrivate`), and hands the socket exactly the
 * addresses it checked, so the address connected to is the address judged (no second lookup a
 * rebinding DNS server could answer differently). TLS still verifies and sends SNI for the name.
 * Handles both lookup shapes Node uses: `all: true` (autoSelectFamily) and a single address.
 */
export function policyLookup(resolver: Pick<HostResolver, 'resolveAll'>, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolver.resolveAll(hostname, { family: options.family, hints: options.hints }, (error, addresses) => {
      const reply = callback as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
      if (error) return reply(error, options.all ? [] : '', 0);
      if (addresses.length === 0) return reply(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : '', 0);
      if (!allowPrivate) {
        for (const { address } of addresses) {
          const ip = parseIpLiteral(address);
          const cls = ip ? classifyAddress(ip) : 'reserved';
          if (cls !== 'public') return reply(new AddressNotAllowedError(address, cls), options.all ? [] : '', 0);
        }
      }
      if (options.all) return reply(null, addresses);
      const first = addresses[0]!;
      return reply(null, first.address, first.family);
    });
  };
}

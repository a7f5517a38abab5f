import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { webhookUrlProblem } from '@fanout/contracts';
import { classifyAddress, describeAddress, judgeHost, parseIpLiteral } from '../net/address-policy';
import { AddressNotAllowedError, type HostResolver, policyLookup } from '../net/destination-lookup';

/** Where a webhook URL sends its events, parsed once (the WHATWG parser canonicalises IPv4 shorthands). */
export interface WebhookTarget {
  protocol: 'https' | 'http';
  /** Lower case; IPv6 without brackets. */
  host: string;
  port: number;
  /** Path and query, as sent in the request line. */
  path: string;
}

export function webhookTarget(url: string): WebhookTarget | null {
  if (webhookUrlProblem(url) !== null) return null;
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return { protocol, host, port: parsed.port === '' ? (protocol === 'https' ? 443 : 80) : Number(parsed.port), path: `${parsed.pathname}${parsed.search}` };
}

const PLAINTEXT_PUBLIC = 'http:// is only for receivers on a private network; use https:// for one on the internet';
const PLAINTEXT_WARNING = 'Sent over plain http: anyone on the network path can read the events (the signature still proves they are ours).';

/**
 * The save-time verdict on a webhook URL, by the destinations' address policy
 * (`judgeHost`): a literal private, loopback, link-local, CGNAT, multicast or metadata address
 * (in any spelling), or a localhost name, needs `allowPrivate` (the URL setter is an owner or
 * admin, or ALLOW_PRIVATE_DESTINATIONS), and then carries a warning. On top of that, events go
 * over https, except to a private address: plain http to a literal public address is refused
 * here, and to a name that resolves to one at delivery time (see {@link webhookLookup}).
 */
export function judgeWebhookTarget(target: WebhookTarget, allowPrivate: boolean): { refusal: string | null; warnings: string[] } {
  const verdict = judgeHost(target.host, allowPrivate);
  const cls = verdict.addressClass;
  const warnings: string[] = [];
  if (cls !== null && cls !== 'public') {
    const what = describeAddress(target.host, cls);
    if (!verdict.allowed) return { refusal: `${what}; only owners and admins may send to private addresses`, warnings };
    warnings.push(`${what}: Fanout connects to it from inside its own network.`);
  }
  if (target.protocol === 'http') {
    if (cls === 'public') return { refusal: PLAINTEXT_PUBLIC, warnings };
    // A name: it can only ever work if it resolves to a private address, which needs the allowance.
    if (cls === null && !allowPrivate) return { refusal: `${PLAINTEXT_PUBLIC}, and only owners and admins may send to private addresses`, warnings };
    warnings.push(PLAINTEXT_WARNING);
  }
  return { refusal: null, warnings };
}

/** A plain-http delivery resolved to a public address. */
export class PlaintextToPublicError extends Error {
  readonly code = 'ERR_PLAINTEXT_TO_PUBLIC';
  constructor(readonly address: string) {
    super(`${address} is a public address: ${PLAINTEXT_PUBLIC}`);
    this.name = 'PlaintextToPublicError';
  }
}

/**
 * The `lookup` a delivery connects with: the destinations' {@link policyLookup} (each resolved
 * address judged, and the socket connects to exactly the addresses judged, so a rebinding DNS
 * server cannot answer differently a moment later), plus, for plain http, every address must be
 * a private one. Literal addresses never reach a lookup: the caller judges them with
 * {@link judgeWebhookTarget} before it connects.
 */
export function webhookLookup(resolver: Pick<HostResolver, 'resolveAll'>, allowPrivate: boolean, plaintext: boolean): LookupFunction {
  const pinned = policyLookup(resolver, allowPrivate);
  if (!plaintext) return pinned;
  return (hostname, options, callback) => {
    const reply = callback as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
    pinned(hostname, options, ((error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      if (error) return reply(error, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
      for (const one of addresses) {
        const ip = parseIpLiteral(one);
        if (!ip || classifyAddress(ip) === 'public') return reply(new PlaintextToPublicError(one), options.all ? [] : '', 0);
      }
      return reply(null, address, family);
    }) as Parameters<LookupFunction>[2]);
  };
}

export { AddressNotAllowedError };

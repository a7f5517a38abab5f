import type { Config } from '@fanout/contracts';
import { parseRtmpUrl } from '@fanout/rtmp';
import type { Role } from '../auth/auth.types';
import { describeAddress, judgeHost } from '../net/address-policy';

/** Where a destination URL sends its key: what must not change without the key being given again. */
export interface DestinationServer {
  protocol: string;
  host: string;
  port: number;
}

/** The server a URL points at, parsed exactly as the engine parses it to connect; null when it does not parse. */
export function serverOf(url: string): DestinationServer | null {
  try {
    const target = parseRtmpUrl(url);
    return { protocol: target.protocol, host: target.host.toLowerCase(), port: target.port };
  } catch {
    return null;
  }
}

export function sameServer(a: DestinationServer, b: DestinationServer): boolean {
  return a.protocol === b.protocol && a.host === b.host && a.port === b.port;
}

/** `host:port`, IPv6 in brackets, for the audit log. */
export function serverLabel(server: DestinationServer): string {
  return `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
}

/**
 * Whether a stream's destinations may reach private, loopback, link-local and metadata
 * addresses: when its owner is an owner or admin (they run the box, e.g. a LAN relay), or when
 * ALLOW_PRIVATE_DESTINATIONS says members may too.
 */
export function privateAddressesAllowed(ownerRole: Role, config: Pick<Config, 'ALLOW_PRIVATE_DESTINATIONS'>): boolean {
  return ownerRole !== 'member' || config.ALLOW_PRIVATE_DESTINATIONS;
}

/**
 * The save-time check of a destination's host, where the host is a literal (an address in any
 * form, or a localhost name): `refusal` when the policy forbids it, `warning` when it is allowed
 * but private. Names are checked again at every connection, against what they resolve to.
 */
export function judgeServer(server: DestinationServer, allowPrivate: boolean): { refusal: string | null; warning: string | null } {
  const verdict = judgeHost(server.host, allowPrivate);
  if (verdict.addressClass === null || verdict.addressClass === 'public') return { refusal: null, warning: null };
  const what = describeAddress(server.host, verdict.addressClass);
  if (!verdict.allowed) return { refusal: `${what}; only streams of owners and admins may send to private addresses`, warning: null };
  return { refusal: null, warning: `${what}: Fanout connects to it from inside its own network.` };
}

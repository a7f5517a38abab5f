/**
 * Which network addresses an outbound connection chosen by a user may reach (destinations now,
 * webhooks later). Pure and synchronous: literal parsing and classification only; resolving names
 * is the caller's job (see destination-lookup.ts), which then classifies every resolved address.
 *
 * Parsing accepts every form the system resolver accepts for IPv4 (inet_aton: `127.1`,
 * `2130706433`, `0x7f000001`, `0177.0.0.1`), so a shorthand cannot slip past a save-time check
 * that the connect-time resolver would later turn into loopback.
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'metadata'
  | 'ipv4-mapped'
  | 'reserved';

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/** How each class reads in a warning or an error. */
export const ADDRESS_CLASS_LABEL: Readonly<Record<Exclude<AddressClass, 'public'>, string>> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  'link-local': 'a link-local address',
  cgnat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  metadata: 'a cloud metadata address',
  'ipv4-mapped': 'an IPv4-mapped IPv6 address',
  reserved: 'a reserved address',
};

/** One IPv4 part as inet_aton reads it: decimal, octal with a leading 0, hex with 0x. */
function ipv4Part(text: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(text)) return text.length === 2 ? 0 : parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return parseInt(text, 8);
  if (/^[1-9][0-9]*$/.test(text)) return parseInt(text, 10);
  return null;
}

/** IPv4 in any inet_aton form (1 to 4 parts, the last filling the remaining bytes), or null. */
export function parseIpv4(text: string): IpAddress | null {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '')) return null;
  const values = parts.map(ipv4Part);
  if (values.some((v) => v === null || !Number.isFinite(v))) return null;
  const nums = values as number[];
  const last = nums[nums.length - 1]!;
  const lead = nums.slice(0, -1);
  if (lead.some((v) => v > 255) || last >= 2 ** (8 * (5 - nums.length))) return null;
  let value = last;
  lead.forEach((v, i) => (value += v * 2 ** (8 * (3 - i))));
  return { family: 4, bytes: Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255) };
}

/** IPv6 (with `::`, an embedded dotted IPv4 tail and an optional `%zone`), or null. */
export function parseIpv6(text: string): IpAddress | null {
  const address = text.replace(/%[A-Za-z0-9_.-]+$/, '');
  if (!/^[0-9a-f:.]+$/i.test(address) || address.split('::').length > 2) return null;
  let tail: number[] = [];
  let head = address;
  const lastColon = address.lastIndexOf(':');
  if (address.slice(lastColon + 1).includes('.')) {
    const quad = address.slice(lastColon + 1);
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(quad)) return null;
    const v4 = quad.split('.').map(Number);
    if (v4.some((n) => n > 255)) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    head = address.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let words: number[];
  if (head.includes('::')) {
    const [a, b] = head.split('::') as [string, string];
    const left = groups(a);
    const right = groups(b);
    if (!left || !right) return null;
    const fill = 8 - left.length - right.length - tail.length;
    if (fill < 1) return null;
    words = [...left, ...new Array<number>(fill).fill(0), ...right, ...tail];
  } else {
    const all = groups(head);
    if (!all) return null;
    words = [...all, ...tail];
  }
  if (words.length !== 8) return null;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 255;
  });
  return { family: 6, bytes };
}

/** A host as written in a URL or returned by a resolver: IPv4 (any form), IPv6 (brackets optional), or null for a name. */
export function parseIpLiteral(host: string): IpAddress | null {
  const h = host.trim().replace(/\.$/, '');
  if (h.startsWith('[') && h.endsWith(']')) return parseIpv6(h.slice(1, -1));
  if (h.includes(':')) return parseIpv6(h);
  return parseIpv4(h);
}

const v4 = (a: number, b: number, c: number, d: number) => Uint8Array.of(a, b, c, d);

/** [prefix bytes, prefix length, class]: the first match wins, so specific entries come first. */
const IPV4_RANGES: readonly [Uint8Array, number, AddressClass][] = [
  [v4(169, 254, 169, 254), 32, 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean...
  [v4(100, 100, 100, 200), 32, 'metadata'], // Alibaba Cloud
  [v4(168, 63, 129, 16), 32, 'metadata'], // Azure WireServer
  [v4(0, 0, 0, 0), 32, 'unspecified'],
  [v4(0, 0, 0, 0), 8, 'unspecified'], // "this network": Linux connects 0.x to itself
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(255, 255, 255, 255), 32, 'reserved'], // broadcast
  [v4(240, 0, 0, 0), 4, 'reserved'],
  [v4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24, 'reserved'], // TEST-NET-1
  [v4(198, 51, 100, 0), 24, 'reserved'], // TEST-NET-2
  [v4(203, 0, 113, 0), 24, 'reserved'], // TEST-NET-3
  [v4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [v4(192, 88, 99, 0), 24, 'reserved'], // 6to4 relay anycast
];

const v6 = (...words: number[]): Uint8Array => {
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 255;
  });
  return bytes;
};

const IPV6_RANGES: readonly [Uint8Array, number, AddressClass][] = [
  [v6(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254), 128, 'metadata'], // AWS IMDS over IPv6
  [v6(), 128, 'unspecified'],
  [v6(0, 0, 0, 0, 0, 0, 0, 1), 128, 'loopback'],
  [v6(0, 0, 0, 0, 0, 0xffff), 96, 'ipv4-mapped'],
  [v6(), 96, 'reserved'], // IPv4-compatible (deprecated)
  [v6(0x64, 0xff9b, 1), 48, 'private'], // local-use NAT64
  [v6(0x100), 64, 'reserved'], // discard
  [v6(0x2001, 0xdb8), 32, 'reserved'], // documentation
  [v6(0x2001, 0), 32, 'reserved'], // Teredo (hides an IPv4 address)
  [v6(0x2001, 0x10), 28, 'reserved'], // ORCHID
  [v6(0x2001, 0x20), 28, 'reserved'], // ORCHIDv2
  [v6(0x3fff), 20, 'reserved'], // documentation (2024)
  [v6(0xfc00), 7, 'private'], // unique local
  [v6(0xfe80), 10, 'link-local'],
  [v6(0xfec0), 10, 'private'], // site-local (deprecated)
  [v6(0xff00), 8, 'multicast'],
];

function inPrefix(bytes: Uint8Array, prefix: Uint8Array, length: number): boolean {
  for (let bit = 0; bit < length; bit += 8) {
    const take = Math.min(8, length - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8]! & mask) !== (prefix[bit / 8]! & mask)) return false;
  }
  return true;
}

/** The class of an address; `public` when no special range holds it. */
export function classifyAddress(ip: IpAddress): AddressClass {
  if (ip.family === 4) {
    for (const [prefix, length, cls] of IPV4_RANGES) if (inPrefix(ip.bytes, prefix, length)) return cls;
    return 'public';
  }
  for (const [prefix, length, cls] of IPV6_RANGES) if (inPrefix(ip.bytes, prefix, length)) return cls;
  // Addresses that carry an IPv4 address inside: NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
  if (inPrefix(ip.bytes, v6(0x64, 0xff9b), 96)) return classifyAddress({ family: 4, bytes: ip.bytes.slice(12, 16) });
  if (inPrefix(ip.bytes, v6(0x2002), 16)) return classifyAddress({ family: 4, bytes: ip.bytes.slice(2, 6) });
  return 'public';
}

/** Names every resolver maps to loopback without asking DNS (RFC 6761). */
function isLocalhostName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost') || n === 'localhost.localdomain' || n === 'ip6-localhost' || n === 'ip6-loopback';
}

export interface HostVerdict {
  /** What the host is when that is known without DNS: a literal address, or a localhost name. `null` for other names. */
  addressClass: AddressClass | null;
  /** Whether the policy lets the connection go ahead. */
  allowed: boolean;
}

/**
 * The verdict for a host (URL host or resolved address). `allowPrivate` lifts every refusal
 * (owners' and admins' streams, or ALLOW_PRIVATE_DESTINATIONS); a name that is not a literal is
 * allowed here and checked again, address by address, when it is resolved at connect time.
 */
export function judgeHost(host: string, allowPrivate: boolean): HostVerdict {
  const ip = parseIpLiteral(host);
  const addressClass = ip ? classifyAddress(ip) : isLocalhostName(host) ? 'loopback' : null;
  return { addressClass, allowed: addressClass === null || addressClass === 'public' || allowPrivate };
}

/** Text for a destination warning or refusal, e.g. "10.0.0.1 is a private network address". */
export function describeAddress(host: string, cls: Exclude<AddressClass, 'public'>): string {
  return `${host} is ${ADDRESS_CLASS_LABEL[cls]}`;
}

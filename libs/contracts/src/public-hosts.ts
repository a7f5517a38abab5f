/**
 * The Host allowlist (PUBLIC_HOSTS), shared by the API and the dashboard server. Pure: callers
 * pass the machine's names and addresses (os.hostname(), os.networkInterfaces()), so this file
 * stays free of Node imports and can sit in contracts.
 */

/** Always allowed: only the machine itself can address them, never a rebinding DNS name. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** `Host`/`X-Forwarded-Host` value → bare lower-case host name (IPv6 kept in brackets), port dropped. */
export function hostNameOf(host: string | undefined): string | null {
  if (!host) return null;
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    return close > 1 ? value.slice(0, close + 1) : null;
  }
  const name = value.replace(/:\d*$/, '').replace(/\.$/, '');
  return name === '' || name.includes(':') ? null : name;
}

export interface MachineIdentity {
  hostname: string;
  /** Every interface address (IPv4 dotted, IPv6 bare). */
  addresses: readonly string[];
}

/** The allowlist: PUBLIC_HOSTS when set, else the machine's own names and addresses; loopback always; PUBLIC_HOST too. */
export function allowedHosts(setting: string | undefined, machine: MachineIdentity, publicHost?: string): string[] {
  const entries = setting !== undefined && setting.trim() !== '' ? setting.split(',') : [machine.hostname, ...machine.addresses];
  const names = new Set(LOOPBACK_HOSTS);
  for (const raw of [...entries, ...(publicHost ? [publicHost] : [])]) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*' || entry.startsWith('*.')) names.add(entry);
    else if (entry.includes(':') && !entry.startsWith('[')) names.add(`[${entry.replace(/%.*$/, '')}]`);
    else {
      const name = hostNameOf(entry);
      if (name) names.add(name);
    }
  }
  return [...names];
}

/** Whether a request's Host names this server. `*` allows any; `*.example.com` any subdomain of it. */
export function isAllowedHost(host: string | undefined, allowed: readonly string[]): boolean {
  const name = hostNameOf(host);
  if (name === null) return false;
  for (const entry of allowed) {
    if (entry === '*' || entry === name) return true;
    if (entry.startsWith('*.') && name.endsWith(entry.slice(1))) return true;
  }
  return false;
}

/** The machine's names and addresses, from something shaped like `node:os` (passed in: contracts imports no Node modules). */
export function machineIdentity(os: { hostname(): string; networkInterfaces(): Record<string, { address: string }[] | undefined> }): MachineIdentity {
  const addresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
  return { hostname: os.hostname(), addresses };
}

/**
 * Headers every response of the API and the dashboard carries (OWASP Secure Headers): no
 * MIME sniffing, no framing, no Referer to other sites, and HSTS once the request came over
 * https. The content security policy differs (the API serves only data) and is set by each.
 */
export function commonSecurityHeaders(https: boolean, referrerPolicy: 'no-referrer' | 'same-origin'): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': referrerPolicy,
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    ...(https ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/** Names of the headers above (and CSP), which a proxy replaces rather than passes through twice. */
export const SECURITY_HEADER_NAMES: readonly string[] = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
  'strict-transport-security',
];

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

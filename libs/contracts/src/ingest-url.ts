/** The RTMP application every publish goes to: `rtmp://HOST:RTMP_PORT/live/<stream key>`. */
export const INGEST_APP = 'live';

/** The host part of a Host header: `example.com:3000` → `example.com`, `[::1]:3000` → `[::1]`. */
export function hostWithoutPort(hostHeader: string): string {
  const host = hostHeader.trim();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address, which has no port to strip.
  if (colon === -1 || host.indexOf(':', colon + 1) !== -1) return host;
  return host.slice(0, colon);
}

/**
 * The "Server" URL OBS publishes to. PUBLIC_HOST wins when set (behind NAT or a reverse proxy
 * the browser's host may not be reachable for RTMP); otherwise the host the dashboard was
 * opened with, which is the machine OBS should reach in the common single-box setup.
 */
export function ingestServerUrl(opts: { publicHost?: string | undefined; requestHost?: string | null; rtmpPort: number }): string {
  const host = opts.publicHost?.trim() || hostWithoutPort(opts.requestHost ?? '') || 'localhost';
  return `rtmp://${host}:${opts.rtmpPort}/${INGEST_APP}`;
}

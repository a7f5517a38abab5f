import { AppError } from '../common/app-error';

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `host[:port]` as a browser would write it in an Origin: lower-case, default port dropped. Null when unparseable. */
function normalisedHost(scheme: string, host: string): string | null {
  try {
    return new URL(`${scheme}://${host}`).host;
  } catch {
    return null;
  }
}

/** Host of an Origin or Referer value (`null` and opaque origins have none). */
function sourceHost(value: string): string | null {
  if (value === 'null') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : null;
  } catch {
    return null;
  }
}

export interface OriginFacts {
  method: string;
  origin: string | undefined;
  referer: string | undefined;
  /**
   * Hosts the client may have addressed: Fastify's `request.host` (X-Forwarded-Host from a
   * trusted proxy, else Host), the raw Host, and the raw X-Forwarded-Host. Trusting the last
   * one from any peer is safe *for this check*: a cross-site page cannot set it (a custom
   * header forces a CORS preflight, which this API never grants), and it is what the
   * dashboard's proxy sends when it runs in another container (not loopback, so untrusted).
   */
  hosts: readonly (string | undefined)[];
  protocol: string;
}

/**
 * CSRF defence for cookie-authenticated changes: the request must say where it came from
 * (Origin, else Referer) and that must be this host. Browsers send Origin on every
 * cross-site and same-origin POST/PUT/PATCH/DELETE, so a page elsewhere cannot forge one.
 *
 * `required`: reject a missing Origin/Referer too (a cookie rides the request). When false, a
 * missing header passes but a foreign one is still refused (guards login against login-CSRF).
 */
export function assertSameOrigin(facts: OriginFacts, required: boolean): void {
  if (SAFE_METHODS.has(facts.method)) return;
  const claimed = facts.origin ?? facts.referer;
  if (claimed === undefined) {
    if (!required) return;
    throw new AppError('CSRF_ORIGIN_MISMATCH', { message: 'This request did not say where it came from.', internal: 'no Origin or Referer on a cookie-authenticated change' });
  }
  const expected = facts.hosts.flatMap((host) => (host ? [normalisedHost(facts.protocol, host)] : [])).filter((h) => h !== null);
  const actual = sourceHost(claimed);
  if (actual === null || !expected.includes(actual)) {
    throw new AppError('CSRF_ORIGIN_MISMATCH', { internal: `origin host ${actual ?? '(none)'} is none of ${expected.join(', ') || '(no host)'}` });
  }
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';
import { commonSecurityHeaders, isAllowedHost, trustProxySetting } from '@fanout/contracts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface WebServerOptions {
  /** Next's request handler (tests pass their own). */
  handle: RequestHandler;
  /** TRUST_PROXY: which peers may tell us the client address, protocol and host. */
  trustProxy: string;
  /** PUBLIC_HOSTS as allowedHosts() resolved it. */
  allowedHosts: readonly string[];
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Who a peer may speak for, in proxy-addr's terms (the same semantics Fastify gives the API). */
function trustFunction(setting: string): (address: string, hop: number) => boolean {
  const value = trustProxySetting(setting);
  if (value === false) return () => false;
  if (value === true) return () => true;
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return proxyaddr.compile(value);
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;

/**
 * The page policy. Scripts need the per-request nonce Next puts on its own inline scripts
 * ('strict-dynamic' then trusts what those load); styles come from files, and React's `style`
 * attributes (charts, progress bars) need 'unsafe-inline' for attributes only. The video player
 * to come plays MSE/blob: media from /api.
 */
export function pageCsp(nonce: string, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** `/api/*` is data passed through from the API: nothing in it may run or be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The dashboard's HTTP server, in front of Next in the same process:
 *
 * - the client address, protocol and host are worked out here from the socket, believing
 *   X-Forwarded-* only from TRUST_PROXY peers, and written over whatever the client sent, so
 *   the `/api` proxy and the server components pass the API the truth (the API trusts this
 *   server as a loopback proxy; a browser can no longer pick its own address);
 * - a Host outside PUBLIC_HOSTS is refused (DNS rebinding);
 * - every response gets the security headers; pages a CSP whose nonce Next applies to its
 *   inline scripts (Next reads it from the request's Content-Security-Policy header);
 * - headers and whole requests (bodies) must arrive within the configured timeouts.
 */
export function createWebServer(options: WebServerOptions): Server {
  const trust = trustFunction(options.trustProxy);
  const server = createServer(
    { headersTimeout: options.headersTimeoutMs, requestTimeout: options.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    (req, res) => {
      const peerTrusted = trust(req.socket.remoteAddress ?? '', 0);
      const client = proxyaddr(req, trust);
      const host = (peerTrusted ? first(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host;
      const forwardedProto = peerTrusted ? first(req.headers['x-forwarded-proto'])?.toLowerCase() : undefined;
      const proto = forwardedProto === 'https' ? 'https' : 'http';
      const https = proto === 'https';
      for (const [name, value] of Object.entries(commonSecurityHeaders(https, 'same-origin'))) res.setHeader(name, value);

      if (!isAllowedHost(host, options.allowedHosts)) {
        res.statusCode = 403;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.setHeader('content-security-policy', API_CSP);
        res.setHeader('cache-control', 'no-store');
        res.end('This server does not answer to that host name. Add it to PUBLIC_HOSTS.\n');
        return;
      }

      // Ours, not the client's: what the proxy and the server components forward to the API.
      req.headers['x-forwarded-for'] = client;
      req.headers['x-forwarded-proto'] = proto;
      req.headers['x-forwarded-host'] = host!;
      delete req.headers['forwarded'];
      delete req.headers['x-real-ip'];

      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/api' || path.startsWith('/api/')) {
        res.setHeader('content-security-policy', API_CSP);
      } else {
        const policy = pageCsp(randomBytes(16).toString('base64'), https);
        req.headers['content-security-policy'] = policy; // Next takes the nonce from here
        res.setHeader('content-security-policy', policy);
      }
      Promise.resolve(options.handle(req, res)).catch((error: unknown) => {
        if (!req.destroyed) console.error('[web] request failed', error); // a client that went away is not an error
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    },
  );
  return server;
}

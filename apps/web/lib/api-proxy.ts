import { SECURITY_HEADER_NAMES } from '@fanout/contracts';
import { apiOrigin } from './env';

/** Headers that describe one hop, not the message; never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The fixed hop-by-hop headers plus any the message's own `Connection` header names. */
function hopByHop(headers: Headers): Set<string> {
  const named = (headers.get('connection') ?? '').split(',').map((token) => token.trim().toLowerCase());
  return new Set([...HOP_BY_HOP, ...named.filter(Boolean)]);
}

function requestHeadersFor(request: Request, target: URL): Headers {
  const out = new Headers();
  const skip = hopByHop(request.headers);
  request.headers.forEach((value, name) => {
    if (skip.has(name) || name === 'host' || name === 'content-length' || name === 'accept-encoding') return;
    out.set(name, value);
  });
  // Loopback: compression buys nothing and would have to be undone for streaming.
  out.set('accept-encoding', 'identity');
  // The dashboard's server (server/web-server.ts) has written these from the socket and
  // TRUST_PROXY, over anything the browser sent; the fallbacks are for direct callers (tests).
  const incoming = new URL(request.url);
  if (!out.has('x-forwarded-host')) out.set('x-forwarded-host', request.headers.get('host') ?? incoming.host);
  if (!out.has('x-forwarded-proto')) out.set('x-forwarded-proto', incoming.protocol.replace(':', ''));
  out.set('host', target.host);
  return out;
}

function responseHeadersFor(upstream: Response): Headers {
  const out = new Headers();
  const skip = hopByHop(upstream.headers);
  upstream.headers.forEach((value, name) => {
    // Set-Cookie is added below, one header per cookie (forEach would join them). The
    // dashboard's server sets the security headers itself, once, on every response.
    if (skip.has(name) || name === 'set-cookie' || SECURITY_HEADER_NAMES.includes(name)) return;
    out.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append('set-cookie', cookie);
  if (out.has('content-encoding')) {
    // fetch already decoded the body; its length and encoding no longer apply.
    out.delete('content-encoding');
    out.delete('content-length');
  }
  if (out.get('content-type')?.startsWith('text/event-stream')) {
    // `no-transform` keeps `next start`'s gzip from buffering events; the other header does the same for nginx.
    out.set('cache-control', 'no-cache, no-transform');
    out.set('x-accel-buffering', 'no');
  }
  return out;
}

const NO_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * Forwards one `/api/*` request to the API on loopback and streams the answer back:
 * method, path, query, headers (cookies included) and body go up as they came; status,
 * headers (every Set-Cookie) and body come back unbuffered, so Server-Sent Events pass
 * through as they are written. Redirects are returned to the browser, not followed.
 */
export async function proxyToApi(request: Request): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(`${incoming.pathname}${incoming.search}`, apiOrigin());
  // URL parsing resolves `..` (also written `%2e%2e`); never let that reach API routes outside /api.
  if (target.pathname !== '/api' && !target.pathname.startsWith('/api/')) {
    return Response.json({ code: 'NOT_FOUND', message: 'Not found.' }, { status: 404 });
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;

  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: requestHeadersFor(request, target),
      body: hasBody ? request.body : null,
      redirect: 'manual',
      cache: 'no-store',
      // Closing the browser tab (or an EventSource) aborts the upstream request too.
      signal: request.signal,
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    console.error(`[api-proxy] ${request.method} ${incoming.pathname}: API unreachable at ${target.origin} (${reason})`);
    return Response.json(
      { code: 'API_UNREACHABLE', message: 'The Fanout API is not reachable. Check that it is running, then retry.' },
      { status: 502, headers: { 'cache-control': 'no-store' } },
    );
  }

  return new Response(NO_BODY_STATUS.has(upstream.status) || request.method === 'HEAD' ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeadersFor(upstream),
  });
}

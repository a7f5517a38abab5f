/** One HTTP exchange as the test saw it. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  setCookies: string[];
}

export interface RequestOptions {
  json?: unknown;
  /** A raw body (sent as is); use `headers` for its content type. */
  raw?: string;
  headers?: Record<string, string>;
  /** `name=value` sent as the Cookie header. */
  cookie?: string;
  bearer?: string;
  /** Sends `Origin: <the API's own origin>` unless an origin header is given. */
  sameOrigin?: boolean;
}

/**
 * A fetch wrapper that keeps every exchange, so a suite can assert exact bodies and
 * headers and, at the end, grep every response body for secrets.
 */
export function recordingClient(baseUrl: string) {
  const exchanges: Exchange[] = [];
  async function request(method: string, path: string, options: RequestOptions = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.sameOrigin) headers['origin'] ??= baseUrl;
    if (options.cookie) headers['cookie'] = options.cookie;
    if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
    let body: string | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const exchange: Exchange = { method, path, status: res.status, headers: res.headers, text, body: parsed, setCookies: res.headers.getSetCookie() };
    exchanges.push(exchange);
    return exchange;
  }
  return { request, exchanges };
}

/** `fanout_session=<value>` from a response's Set-Cookie, ready to send back. */
export function sessionCookieOf(exchange: Exchange): string {
  const cookie = exchange.setCookies.find((c) => c.startsWith('fanout_session='));
  if (!cookie) throw new Error(`no session cookie in ${exchange.method} ${exchange.path} (${exchange.status})`);
  return cookie.split(';')[0]!;
}

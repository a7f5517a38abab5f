// @vitest-environment node
import { healthSchema } from '@fanout/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, apiRequest, parseRetryAfter } from './api';

function fetchReturning(response: Response) {
  return vi.fn<typeof globalThis.fetch>().mockResolvedValue(response);
}

async function failure(promise: Promise<unknown>): Promise<ApiRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiRequestError) return error;
    throw error;
  }
  throw new Error('expected an ApiRequestError');
}

const health = {
  status: 'ok',
  version: '0.1.0',
  uptimeS: 12,
  database: { status: 'ok', embedded: true },
  rtmp: { status: 'ok', port: 1935, connections: 0 },
};

describe('apiRequest', () => {
  it('returns the body validated by the schema', async () => {
    const fetch = fetchReturning(Response.json(health));
    await expect(apiRequest('/api/health', { schema: healthSchema, fetch })).resolves.toEqual(health);
    expect(fetch).toHaveBeenCalledWith('/api/health', expect.objectContaining({ credentials: 'same-origin' }));
  });

  it('sends JSON bodies with a content type and prefixes the base URL', async () => {
    const fetch = fetchReturning(new Response(null, { status: 204 }));
    await expect(
      apiRequest('/api/auth/login', { method: 'POST', json: { a: 1 }, baseUrl: 'http://127.0.0.1:4000', fetch }),
    ).resolves.toBeUndefined();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:4000/api/auth/login');
    expect(init?.body).toBe('{"a":1}');
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json');
  });

  it('sends a blob as it is, with the blob\'s type as the content type', async () => {
    const fetch = fetchReturning(new Response(null, { status: 204 }));
    const image = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    await apiRequest('/api/streams/s1/slate-image', { method: 'PUT', blob: image, fetch });
    const [, init] = fetch.mock.calls[0]!;
    expect(init?.body).toBe(image);
    expect(new Headers(init?.headers).get('content-type')).toBe('image/png');
  });

  it('maps a validation error body to code, message and field errors', async () => {
    const body = {
      code: 'VALIDATION_FAILED',
      message: 'Check the highlighted fields',
      errors: [
        { path: 'email', message: 'Enter a valid email address' },
        { path: 'email', message: 'second message for the same field is dropped' },
        { path: 'destinations.0.url', message: 'Use rtmp:// or rtmps://' },
      ],
    };
    const error = await failure(apiRequest('/api/x', { fetch: fetchReturning(Response.json(body, { status: 400 })) }));
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Check the highlighted fields',
      fieldErrors: { email: 'Enter a valid email address', 'destinations.0.url': 'Use rtmp:// or rtmps://' },
    });
  });

  it('reads Retry-After on 429', async () => {
    const response = Response.json({ code: 'RATE_LIMITED', message: 'Slow down' }, { status: 429, headers: { 'retry-after': '42' } });
    const error = await failure(apiRequest('/api/auth/login', { fetch: fetchReturning(response) }));
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterS: 42 });
  });

  it('takes retryAfterS from the body when there is no Retry-After header', async () => {
    const response = Response.json({ code: 'RATE_LIMITED', message: 'Slow down', retryAfterS: 9 }, { status: 429 });
    const error = await failure(apiRequest('/api/auth/login', { fetch: fetchReturning(response) }));
    expect(error.retryAfterS).toBe(9);
  });

  it('falls back to a generic code and message when the error body is not an API error', async () => {
    const response = new Response('<html>Bad Gateway</html>', { status: 502 });
    const error = await failure(apiRequest('/api/health', { fetch: fetchReturning(response) }));
    expect(error).toMatchObject({ status: 502, code: 'HTTP_502', message: 'The Fanout API is not reachable.', fieldErrors: {} });
  });

  it('reports an unreachable server as status 0', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockRejectedValue(new TypeError('fetch failed'));
    const error = await failure(apiRequest('/api/health', { fetch }));
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('rejects a success body that does not match the schema', async () => {
    const fetch = fetchReturning(Response.json({ status: 'ok' }));
    const error = await failure(apiRequest('/api/health', { schema: healthSchema, fetch }));
    expect(error).toMatchObject({ status: 200, code: 'BAD_RESPONSE' });
  });

  it('rethrows aborts unchanged so callers can ignore them', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    const fetch = vi.fn<typeof globalThis.fetch>().mockRejectedValue(abort);
    await expect(apiRequest('/api/health', { fetch })).rejects.toBe(abort);
  });
});

describe('parseRetryAfter', () => {
  it('accepts delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(parseRetryAfter('Sat, 21 Nov 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

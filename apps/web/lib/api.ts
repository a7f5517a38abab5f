import { apiErrorSchema, type FieldError } from '@fanout/contracts';

/** Field path (`email`, `destinations.0.url`) → first message for it. */
export type FieldErrors = Record<string, string>;

/** Anything with zod's `safeParse`; keeps this module free of a direct zod import. */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/** A failed API call: the API's `{code, message, errors}` body, or what we know without one. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldErrors;
  /** Seconds from `Retry-After`, when the API sent one (429, 503). */
  readonly retryAfterS: number | undefined;
  /** The parsed JSON body, if any (a 503 from /api/health still carries the health report). */
  readonly body: unknown;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fieldErrors?: FieldErrors;
    retryAfterS?: number | undefined;
    body?: unknown;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fieldErrors = init.fieldErrors ?? {};
    this.retryAfterS = init.retryAfterS;
    this.body = init.body;
  }
}

export function toFieldErrorMap(errors: readonly FieldError[]): FieldErrors {
  const map: FieldErrors = {};
  for (const { path, message } of errors) map[path] ??= message;
  return map;
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const fallbackMessages: Record<number, string> = {
  400: 'The request was not valid.',
  401: 'Sign in to continue.',
  403: 'You do not have permission to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state. Reload and try again.',
  429: 'Too many requests. Try again shortly.',
  502: 'The Fanout API is not reachable.',
  503: 'The Fanout API is not reachable.',
  504: 'The Fanout API did not answer in time.',
};

export const NETWORK_ERROR_MESSAGE = 'Cannot reach the Fanout server. Check that it is running, then retry.';

export interface ApiRequestOptions<T> extends Omit<RequestInit, 'body'> {
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as it is (a slate image), with `Content-Type` from the blob's own type. */
  blob?: Blob;
  /** Validates a successful JSON body; without one the body is returned unchecked. */
  schema?: Schema<T>;
  /** Prefix for `path`; empty in the browser (same origin), the API origin on the server. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Typed fetch for `/api/*`. Resolves with the (validated) JSON body, or `undefined` for 204;
 * rejects with an `ApiRequestError` for any HTTP error, unreachable server or malformed body.
 * Aborts (`signal`) are rethrown unchanged.
 */
export async function apiRequest<T = unknown>(path: string, options: ApiRequestOptions<T> = {}): Promise<T> {
  const { json, blob, schema, baseUrl = '', fetch: fetchImpl = fetch, headers, ...init } = options;
  const requestHeaders = new Headers(headers);
  requestHeaders.set('accept', 'application/json');
  let body: string | Blob | undefined;
  if (json !== undefined) {
    requestHeaders.set('content-type', 'application/json');
    body = JSON.stringify(json);
  } else if (blob !== undefined) {
    if (blob.type) requestHeaders.set('content-type', blob.type);
    body = blob;
  }

  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}${path}`, {
      credentials: 'same-origin',
      ...init,
      headers: requestHeaders,
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      if (error.name === 'TimeoutError') {
        throw new ApiRequestError({ status: 0, code: 'TIMEOUT', message: 'The Fanout API did not answer in time.' });
      }
      throw error;
    }
    throw new ApiRequestError({ status: 0, code: 'NETWORK_ERROR', message: NETWORK_ERROR_MESSAGE });
  }

  const data = await readJson(response);

  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(data);
    const retryAfterS =
      parseRetryAfter(response.headers.get('retry-after')) ?? (parsed.success ? parsed.data.retryAfterS : undefined);
    throw new ApiRequestError({
      status: response.status,
      code: parsed.success ? parsed.data.code : `HTTP_${response.status}`,
      message: parsed.success
        ? parsed.data.message
        : (fallbackMessages[response.status] ?? `Request failed (HTTP ${response.status}).`),
      fieldErrors: parsed.success ? toFieldErrorMap(parsed.data.errors ?? []) : {},
      retryAfterS,
      body: data,
    });
  }

  if (!schema) return data as T;
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ApiRequestError({
      status: response.status,
      code: 'BAD_RESPONSE',
      message: 'The Fanout API sent an unexpected response.',
      body: data,
    });
  }
  return result.data;
}

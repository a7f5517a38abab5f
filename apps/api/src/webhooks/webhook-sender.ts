import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { boundedFailureText } from '@fanout/restream';
import { HostResolver } from '../net/destination-lookup';
import { VERSION } from '../version';
import { judgeWebhookTarget, webhookLookup, type WebhookTarget } from './webhook-url';

/** Bytes of an answer read at most; the rest is not waited for. */
export const RESPONSE_READ_MAX = 64 * 1024;
/** Characters of an answer kept for the delivery log. */
export const RESPONSE_KEEP_CHARS = 256;
/** Connecting (DNS and TCP) gets at most this much of the total timeout. */
export const CONNECT_TIMEOUT_MAX_MS = 5_000;

export interface WebhookRequest {
  target: WebhookTarget;
  /** Whether the URL may reach private addresses (the URL setter's role, or ALLOW_PRIVATE_DESTINATIONS). */
  allowPrivate: boolean;
  /** The signature headers; content type and user agent are added here. */
  headers: Record<string, string>;
  body: string;
  /** Everything, connecting included. */
  timeoutMs: number;
  /** Resolving and connecting; default the smaller of {@link CONNECT_TIMEOUT_MAX_MS} and `timeoutMs`. */
  connectTimeoutMs?: number;
  /** Aborting (the server shutting down) ends the attempt at once, `interrupted`. */
  signal?: AbortSignal;
}

export interface WebhookResult {
  /** A 2xx answer. */
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed, in words (null when ok). */
  error: string | null;
  /** The start of the answer, control characters removed. */
  response: string | null;
  /** A 429 or 503's `Retry-After`, in seconds. */
  retryAfterS?: number;
  /** Cut short by `signal`: not the receiver's fault, and not an attempt that counts. */
  interrupted?: boolean;
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

class AttemptTimeout extends Error {
  constructor(readonly words: string) {
    super(words);
  }
}

/** A failure in the words the delivery log shows. */
export function describeFailure(error: unknown): string {
  if (error instanceof AttemptTimeout) return error.words;
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'ERR_ADDRESS_NOT_ALLOWED' || code === 'ERR_PLAINTEXT_TO_PUBLIC') return boundedFailureText(e.message);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'the name did not resolve (DNS)';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the receiver closed the connection';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'no route to the receiver';
  if (TLS_CODES.test(code)) return boundedFailureText(`TLS: ${e.message}`);
  return boundedFailureText(e instanceof Error ? e.message : String(error));
}

function retryAfter(res: IncomingMessage): number | undefined {
  if (res.statusCode !== 429 && res.statusCode !== 503) return undefined;
  const value = res.headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * Sends one webhook attempt: a POST with the body and its signature headers, over a fresh
 * connection whose address is judged by the address policy first (literals here, names in the
 * pinned lookup, so the address judged is the address connected to). Redirects are not
 * followed (a 3xx is a failure: update the URL). Bounded everywhere: connecting gets
 * {@link CONNECT_TIMEOUT_MAX_MS}, the whole attempt `timeoutMs`, and at most
 * {@link RESPONSE_READ_MAX} bytes of the answer are read. Never throws.
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly resolver: HostResolver) {}

  send(request: WebhookRequest): Promise<WebhookResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { target } = request;
    const { refusal } = judgeWebhookTarget(target, request.allowPrivate);
    if (refusal !== null) return Promise.resolve({ ok: false, statusCode: null, latencyMs: 0, error: `address not allowed: ${refusal}`, response: null });
    if (request.signal?.aborted) return Promise.resolve({ ok: false, statusCode: null, latencyMs: 0, error: 'interrupted: the server is shutting down', response: null, interrupted: true });

    return new Promise<WebhookResult>((resolve) => {
      let settled = false;
      let status: { code: number; latencyMs: number; retryAfterS: number | undefined } | undefined;
      const chunks: Buffer[] = [];
      let read = 0;
      const timers: NodeJS.Timeout[] = [];

      const finish = (result: WebhookResult) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        resolve(result);
      };
      const answered = () => {
        const code = status!.code;
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_KEEP_CHARS * 4).toString('utf8');
        const response = text.trim() === '' ? null : boundedFailureText(text, RESPONSE_KEEP_CHARS);
        const ok = code >= 200 && code < 300;
        const error = ok ? null : code >= 300 && code < 400 ? `HTTP ${code}: redirects are not followed, update the URL` : `HTTP ${code}`;
        finish({ ok, statusCode: code, latencyMs: status!.latencyMs, error, response, ...(status!.retryAfterS === undefined ? {} : { retryAfterS: status!.retryAfterS }) });
      };
      const fail = (error: unknown) => {
        if (status !== undefined) return answered(); // the receiver answered; a broken body does not undo that
        finish({ ok: false, statusCode: null, latencyMs: elapsed(), error: describeFailure(error), response: null });
      };
      const onAbort = () => {
        if (status !== undefined) return answered();
        finish({ ok: false, statusCode: null, latencyMs: elapsed(), error: 'interrupted: the server is shutting down', response: null, interrupted: true });
      };
      const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
      const connectMs = Math.min(request.connectTimeoutMs ?? CONNECT_TIMEOUT_MAX_MS, request.timeoutMs);
      const send = target.protocol === 'https' ? httpsRequest : httpRequest;
      const req: ClientRequest = send({
        host: target.host,
        port: target.port,
        path: target.path,
        method: 'POST',
        agent: false,
        lookup: webhookLookup(this.resolver, request.allowPrivate, target.protocol === 'http'),
        ...(target.protocol === 'https' && isIP(target.host) === 0 ? { servername: target.host } : {}),
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': `Fanout-Webhooks/${VERSION}`,
          connection: 'close',
        },
      });
      request.signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(setTimeout(() => fail(new AttemptTimeout(`no answer within ${seconds(request.timeoutMs)}`)), request.timeoutMs));
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => fail(new AttemptTimeout(`could not connect within ${seconds(connectMs)}`)), connectMs);
        timers.push(timer);
        socket.once('connect', () => clearTimeout(timer));
      });
      req.on('error', fail);
      req.on('response', (res) => {
        status = { code: res.statusCode ?? 0, latencyMs: elapsed(), retryAfterS: retryAfter(res) };
        res.on('data', (chunk: Buffer) => {
          if (read < RESPONSE_READ_MAX) chunks.push(chunk.subarray(0, RESPONSE_READ_MAX - read));
          read += chunk.length;
          if (read >= RESPONSE_READ_MAX) answered();
        });
        res.on('end', answered);
        res.on('error', () => answered());
        res.on('close', answered);
      });
      req.end(request.body);
    });
  }
}

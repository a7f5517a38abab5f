/** Server-Sent Events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and other proxies must pass each event on at once.
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/** How long a browser waits before reconnecting, sent once at the start. */
export const SSE_RETRY_MS = 3000;

/** One event: `event: <name>` and the JSON on a single `data:` line (JSON.stringify never emits a newline). */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by EventSource, keeps proxies and load balancers from closing an idle connection. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export function sseRetry(ms: number): string {
  return `retry: ${ms}\n\n`;
}

/** The parts of a Fastify reply an events stream needs (kept narrow so tests can fake it). */
export interface SseReply {
  hijack(): unknown;
  getHeaders(): Record<string, string | number | string[] | undefined>;
  raw: {
    writeHead(status: number, headers: Record<string, string | number | string[]>): unknown;
    write(chunk: string): boolean;
    end(): unknown;
    on(event: 'close', listener: () => void): unknown;
    readonly destroyed: boolean;
  };
}

/**
 * Takes the response over from Fastify (no serialisation, no buffering, no onSend hooks) and
 * sends the event-stream headers, keeping any header set earlier (a renewed session cookie).
 * `onClose` runs once, when the client goes away or the server closes the connection.
 */
export function openEventStream(reply: SseReply, onClose: () => void): { write(chunk: string): void; end(): void } {
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined && name !== 'content-length') headers[name] = value;
  Object.assign(headers, SSE_HEADERS);
  reply.raw.writeHead(200, headers);
  let done = false;
  reply.raw.on('close', () => {
    if (done) return;
    done = true;
    onClose();
  });
  return {
    write(chunk: string) {
      if (!done && !reply.raw.destroyed) reply.raw.write(chunk);
    },
    /** Ends the response from our side (server shutdown); the client's EventSource reconnects after `retry`. */
    end() {
      if (!reply.raw.destroyed) reply.raw.end();
    },
  };
}

/** One parsed Server-Sent Events block. */
export interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

/**
 * A real `fetch` reading an event stream as it arrives: `next()` waits for a matching
 * message, `close()` aborts the request (the client going away).
 */
export async function openEventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const waiters: { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }[] = [];
  let raw = '';
  let ended = false;
  const pump = (async () => {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        raw += value;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          messages.push(message);
          for (const waiter of [...waiters]) {
            if (waiter.match(message)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(message);
            }
          }
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
    }
  })();
  return {
    response,
    messages,
    raw: () => raw,
    ended: () => ended,
    /** The first message from now on (or already received after `since`) that matches. */
    next(match: (m: SseMessage) => boolean, timeoutMs = 10_000, since = messages.length): Promise<SseMessage> {
      const already = messages.slice(since).find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${messages.map((m) => (m.event === 'status' ? 'status' : m.event ? `${m.event} ${m.data}` : (m.comment ?? m.retry))).join(', ')}`)), timeoutMs);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

export function parseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) message.event = line.slice(7);
    else if (line.startsWith('data: ')) message.data = (message.data === undefined ? '' : `${message.data}\n`) + line.slice(6);
    else if (line.startsWith('retry: ')) message.retry = Number(line.slice(7));
  }
  return message;
}

export const isEvent = (name: string) => (m: SseMessage) => m.event === name;

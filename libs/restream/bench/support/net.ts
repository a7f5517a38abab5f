import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { sleep } from './clock';

/** Resolves once 127.0.0.1:port accepts a TCP connection; rejects after `ms`. */
export async function waitForPort(port: number, ms: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the process behind port ${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await sleep(100);
  }
}

/** Established TCP connections from 127.0.0.1 clients to `port` (client ends, from /proc/net/tcp). */
export function establishedTo(port: number): number {
  let text: string;
  try {
    text = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return 0;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // fields: sl local_address rem_address st ...
    if (fields[3] === '01' && fields[2]?.endsWith(`:${hexPort}`)) count++;
  }
  return count;
}

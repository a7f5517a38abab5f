import { Socket, connect } from 'node:net';

/** A raw TCP connection for hostile-peer tests: write anything, see when it closes. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
    socket.resume(); // read (and discard) what the server sends, so its FIN is seen
  });
}

export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
}

/** A plain C0+C1 followed by a C2 of zeros: enough to get past our server's handshake. */
export function plainHandshake(): Buffer {
  const c0c1 = Buffer.alloc(1 + 1536);
  c0c1[0] = 3;
  return Buffer.concat([c0c1, Buffer.alloc(1536)]);
}

import { EventEmitter } from 'node:events';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { TlsOptions, createServer as createTlsServer } from 'node:tls';
import { RtmpError } from '../errors';
import { RtmpLimits, resolveLimits } from '../limits';
import type { HandshakeOptions } from '../handshake/handshake';
import { ServerSession } from '../session/server-session';
import { SocketTransport, socketError } from '../session/socket-transport';

export interface RtmpServerOptions {
  limits?: Partial<RtmpLimits>;
  /** Open connections the server holds at most; more are closed on accept (default 1000, SRS's default). */
  maxConnections?: number;
  /**
   * Open connections from one address at most (default 50: encoders behind one NAT must fit).
   * IPv4-mapped IPv6 addresses count as their IPv4 address.
   */
  maxConnectionsPerAddress?: number;
  /** Serve RTMPS: a TLS certificate and key (PEM), plus any other tls.createServer option. */
  tls?: TlsOptions & { cert: string | Buffer; key: string | Buffer };
  handshake?: HandshakeOptions;
}

export interface ConnectionInfo {
  /** Sequential id, unique per server. */
  readonly id: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly secure: boolean;
}

export interface RtmpServerEvents {
  /** A new connection (before its handshake): attach 'connect'/'publish'/'play' listeners here. */
  session: [session: ServerSession, info: ConnectionInfo];
  /** A connection ended with an error; only that connection was closed. */
  connectionError: [error: RtmpError, info: ConnectionInfo];
  /** A connection was closed on accept because a connection cap was reached. */
  connectionRefused: [reason: 'server-full' | 'address-full', info: ConnectionInfo];
}

/** The address connections are counted under: IPv4-mapped IPv6 as its IPv4 form. */
export function addressKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}


/**
 * RTMP (or RTMPS) listener: one {@link ServerSession} per socket, with a timeout on every
 * handshake stage and an idle timeout. A misbehaving connection is closed on its own with a
 * typed error ('connectionError'); nothing is thrown out of socket callbacks.
 */
export class RtmpServer extends EventEmitter<RtmpServerEvents> {
  readonly limits: RtmpLimits;
  private readonly server: Server;
  private readonly sockets = new Map<Socket, ServerSession>();
  private readonly perAddress = new Map<string, number>();
  private nextId = 1;
  private readonly secure: boolean;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;

  constructor(private readonly options: RtmpServerOptions = {}) {
    super();
    this.limits = resolveLimits(options.limits);
    this.secure = options.tls !== undefined;
    this.maxConnections = options.maxConnections ?? 1_000;
    this.maxConnectionsPerAddress = options.maxConnectionsPerAddress ?? 50;
    if (options.tls) {
      const server = createTlsServer({ handshakeTimeout: this.limits.handshakeTimeoutMs, ...options.tls }, (socket) =>
        this.accept(socket),
      );
      // A failed TLS handshake never becomes a session; it must not take anything else down.
      server.on('tlsClientError', (error, socket) => {
        const info: ConnectionInfo = {
          id: this.nextId++,
          remoteAddress: socket.remoteAddress,
          remotePort: socket.remotePort,
          secure: true,
        };
        this.emit('connectionError', new RtmpError('TLS_FAILURE', `TLS handshake failed: ${error.message}`, { cause: error }), info);
      });
      this.server = server;
    } else {
      this.server = createServer((socket) => this.accept(socket));
    }
    this.server.on('error', () => undefined);
    // A backstop below the session caps: sockets still in their TLS handshake count here too.
    this.server.maxConnections = this.maxConnections + 16;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port = 1935, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | null {
    return this.server.address() as AddressInfo | null;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  get sessions(): ServerSession[] {
    return [...this.sockets.values()];
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const [socket, session] of this.sockets) {
        session.close(new RtmpError('SESSION_CLOSED', 'server shutting down'));
        socket.destroy();
      }
      this.sockets.clear();
    });
  }

  private accept(socket: Socket): void {
    const info: ConnectionInfo = {
      id: this.nextId++,
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
      secure: this.secure,
    };
    const address = addressKey(socket.remoteAddress);
    const fromAddress = this.perAddress.get(address) ?? 0;
    const full = this.sockets.size >= this.maxConnections ? 'server-full' : fromAddress >= this.maxConnectionsPerAddress ? 'address-full' : undefined;
    if (full !== undefined) {
      socket.on('error', () => undefined);
      socket.destroy();
      try {
        this.emit('connectionRefused', full, info);
      } catch {
        // a host listener's failure must not reach the accept loop
      }
      return;
    }
    this.perAddress.set(address, fromAddress + 1);
    let counted = true;
    const uncount = (): void => {
      if (!counted) return;
      counted = false;
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, n);
    };
    const limits = this.limits;
    const session = new ServerSession({ limits, handshake: this.options.handshake });
    this.sockets.set(socket, session);
    socket.setNoDelay(true);
    socket.once('close', uncount);
    // However it trickles bytes, a connection that has not asked to publish (or play) by now is closed.
    const publishTimer = setTimeout(() => {
      if (!session.requestedStream) session.close(new RtmpError('IDLE_TIMEOUT', `no publish within ${limits.publishTimeoutMs} ms`));
    }, limits.publishTimeoutMs);
    publishTimer.unref();

    let handshakeTimer: NodeJS.Timeout | undefined;
    let stage: string | undefined;
    /**
     * Runs a socket or timer callback so that nothing escapes it: an exception (from our code
     * or a host listener) destroys this one connection and is reported as 'connectionError'.
     */
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch (cause) {
          socket.destroy();
          this.sockets.delete(socket);
          try {
            this.emit('connectionError', new RtmpError('SESSION_CLOSED', 'a listener threw', { cause }), info);
          } catch {
            // the host's error listener threw too; the connection is gone either way
          }
        }
      };
    const armHandshakeTimer = (): void => {
      const current = session.handshakeStage;
      if (current === stage) return;
      stage = current;
      if (handshakeTimer) clearTimeout(handshakeTimer);
      handshakeTimer = undefined;
      if (current === undefined) return;
      handshakeTimer = setTimeout(
        guard(() =>
          session.close(new RtmpError('HANDSHAKE_TIMEOUT', `no ${current} within ${limits.handshakeTimeoutMs} ms`)),
        ),
        limits.handshakeTimeoutMs,
      );
      handshakeTimer.unref();
    };

    session.on('close', (error) => {
      clearTimeout(publishTimer);
      if (handshakeTimer) clearTimeout(handshakeTimer);
      this.sockets.delete(socket);
      if (error && error.code !== 'SESSION_CLOSED') this.emit('connectionError', error, info);
    });
    session.attach(new SocketTransport(socket, limits.maxWriteQueueBytes, (error) => session.close(error)));

    socket.setTimeout(limits.idleTimeoutMs);
    socket.on(
      'timeout',
      guard(() => session.close(new RtmpError('IDLE_TIMEOUT', `idle for ${limits.idleTimeoutMs} ms`))),
    );
    socket.on(
      'data',
      guard((data: Buffer) => {
        session.receive(data);
        armHandshakeTimer();
      }),
    );
    socket.on(
      'drain',
      guard(() => session.notifyDrain()),
    );
    socket.on(
      'error',
      guard((error: Error) => session.transportClosed(socketError(error))),
    );
    socket.on(
      'close',
      guard(() => {
        clearTimeout(publishTimer);
        if (handshakeTimer) clearTimeout(handshakeTimer);
        this.sockets.delete(socket);
        session.transportClosed(
          session.handshakeStage
            ? new RtmpError('CONNECTION_CLOSED', `closed during handshake (${session.handshakeStage})`)
            : undefined,
        );
      }),
    );

    guard(() => this.emit('session', session, info))();
    armHandshakeTimer();
  }
}

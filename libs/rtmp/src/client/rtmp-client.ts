import { EventEmitter } from 'node:events';
import { type LookupFunction, Socket, connect as netConnect, isIP as netIsIP } from 'node:net';
import { ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { AmfObject } from '../amf/types';
import { RtmpError } from '../errors';
import { RtmpLimits, resolveLimits } from '../limits';
import { serialiseMessage } from '../chunk/chunk-encoder';
import { MessageType } from '../message/types';
import { Csid } from '../session/chunk-streams';
import { ClientSession } from '../session/client-session';
import { SocketTransport, socketError } from '../session/socket-transport';
import { parseRtmpUrl, type RtmpUrl } from '../url';

export interface RtmpConnectOptions {
  host: string;
  port: number;
  /** RTMPS: TLS with SNI = host and certificate verification on (unless `tls.rejectUnauthorized: false`). */
  secure?: boolean;
  /** Extra TLS options, e.g. `ca` to trust a test certificate. */
  tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized' | 'servername' | 'cert' | 'key'>;
  limits?: Partial<RtmpLimits>;
  /** Outgoing chunk size announced after the handshake (default limits.outChunkSize, 4096). */
  chunkSize?: number;
  /** Time allowed for TCP/TLS connect plus the RTMP handshake (default limits.handshakeTimeoutMs). */
  connectTimeoutMs?: number;
  /**
   * Resolves the host instead of the system resolver (net.connect's `lookup`): a connection
   * policy can refuse an address, and the socket connects to exactly what it returned. It is
   * consulted for address literals too (Node itself skips `lookup` for those).
   */
  lookup?: LookupFunction;
  /** Local address to connect from (a host with several interfaces; tests use 127.0.0.x as distinct clients). */
  localAddress?: string;
}

export interface PublishOptions extends Omit<RtmpConnectOptions, 'host' | 'port' | 'secure'> {
  /** Enhanced RTMP FourCCs to advertise in connect (e.g. ['hvc1', 'av01', 'vp09']). */
  fourCcList?: readonly string[];
  flashVer?: string;
  publishType?: 'live' | 'record' | 'append';
  /** Extra connect command object properties. */
  connectExtra?: AmfObject;
  /** Time allowed for connect through Publish.Start (default 3 x handshakeTimeoutMs). */
  timeoutMs?: number;
}

/**
 * An open RTMP connection as seen from the client: the I/O-free {@link ClientSession} bound
 * to its socket. Closing it always destroys the socket.
 */
export class RtmpClientConnection {
  constructor(
    readonly session: ClientSession,
    private readonly socket: Socket,
  ) {}

  get writable(): boolean {
    return this.session.writable;
  }

  get bytesQueued(): number {
    return this.session.bytesQueued;
  }

  /** Ends the connection (after flushing), destroying it if it does not close in time. */
  close(error?: RtmpError): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.session.close(error);
    });
  }

  /** Drops the connection at once, without flushing (the peer stopped taking data). */
  destroy(error: RtmpError): void {
    this.session.destroy(error);
  }
}

/** Opens a TCP or TLS connection and runs the RTMP handshake. Socket errors become typed errors. */
export function connectRtmp(options: RtmpConnectOptions): Promise<RtmpClientConnection> {
  const lookup = options.lookup;
  if (lookup === undefined || netIsIP(options.host) === 0) return openConnection(options);
  return new Promise<void>((resolve, reject) =>
    lookup(options.host, { all: true }, (error) => (error ? reject(socketError(error, 'connect')) : resolve())),
  ).then(() => openConnection(options));
}

function openConnection(options: RtmpConnectOptions): Promise<RtmpClientConnection> {
  const limits = resolveLimits(options.limits);
  const timeoutMs = options.connectTimeoutMs ?? limits.handshakeTimeoutMs;
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket: Socket = options.secure
      ? tlsConnect({
          host: options.host,
          port: options.port,
          servername: options.tls?.servername ?? (isIp(options.host) ? undefined : options.host),
          ...(options.lookup ? { lookup: options.lookup } : {}),
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
          ...options.tls,
        })
      : netConnect({
          host: options.host,
          port: options.port,
          ...(options.lookup ? { lookup: options.lookup } : {}),
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        });
    const session = new ClientSession({ limits, chunkSize: options.chunkSize });
    const fail = (error: RtmpError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.close(error);
      socket.destroy();
      reject(error);
    };
    let connected = false;
    const timer = setTimeout(
      () =>
        fail(
          connected
            ? new RtmpError('HANDSHAKE_TIMEOUT', `no RTMP handshake within ${timeoutMs} ms`)
            : new RtmpError('CONNECT_TIMEOUT', `no ${options.secure ? 'TLS' : 'TCP'} connection within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    timer.unref();

    /** Nothing thrown by a host listener may escape a socket callback: it ends this connection. */
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch {
          socket.destroy();
        }
      };

    socket.setNoDelay(true);
    socket.on(
      'error',
      guard((error: Error) => {
        const mapped = socketError(error, settled ? 'established' : 'connect');
        if (!settled) fail(mapped);
        else session.transportClosed(mapped);
      }),
    );
    socket.on(
      'close',
      guard(() => {
        if (!settled) fail(session.error ?? new RtmpError('CONNECTION_CLOSED', 'closed during handshake'));
        else session.transportClosed(new RtmpError('CONNECTION_CLOSED', 'connection closed by peer'));
      }),
    );
    socket.on(
      'data',
      guard((data: Buffer) => session.receive(data)),
    );
    socket.on(
      'drain',
      guard(() => session.notifyDrain()),
    );
    session.on('close', (error) => {
      if (!settled && error) fail(error);
    });

    socket.once(options.secure ? 'secureConnect' : 'connect', () => {
      connected = true;
      session.attach(new SocketTransport(socket, limits.maxWriteQueueBytes, (error) => session.close(error)));
      session.ready().then(
        () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // A peer that neither reads nor writes for this long is gone (writes stall once the
          // kernel buffers fill, so a dead server is noticed while publishing too).
          socket.setTimeout(limits.idleTimeoutMs);
          socket.on(
            'timeout',
            guard(() => session.close(new RtmpError('IDLE_TIMEOUT', `no socket activity for ${limits.idleTimeoutMs} ms`))),
          );
          resolve(new RtmpClientConnection(session, socket));
        },
        (error: unknown) => fail(error instanceof RtmpError ? error : socketError(error)),
      );
    });
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** What an {@link RtmpPublisher} emits. */
export interface RtmpPublisherEvents {
  /** The socket took what was queued: write more. */
  drain: [];
  /** The connection ended, with the error that ended it, if any. */
  close: [error: RtmpError | undefined];
}

/**
 * The key under which a message serialised for one connection can be written to another as is:
 * its outgoing chunk size and the message stream id it publishes on.
 */
export function serialisationKeyOf(chunkSize: number, streamId: number): string {
  return `${chunkSize}:${streamId}`;
}

/**
 * A live publication: send metadata and media, watch backpressure (`writable`, 'drain',
 * `bytesQueued`), and `close()` to unpublish (FCUnpublish, deleteStream) and disconnect.
 */
export class RtmpPublisher extends EventEmitter<RtmpPublisherEvents> {
  constructor(
    readonly connection: RtmpClientConnection,
    readonly url: RtmpUrl,
    readonly streamId: number,
  ) {
    super();
    const session = connection.session;
    session.on('drain', () => this.emit('drain'));
    session.on('close', (error) => this.emit('close', error));
  }

  get session(): ClientSession {
    return this.connection.session;
  }

  get writable(): boolean {
    return this.connection.writable;
  }

  get bytesQueued(): number {
    return this.connection.bytesQueued;
  }

  get closed(): boolean {
    return this.session.closed;
  }

  sendMetadata(metadata: AmfObject): boolean {
    return this.session.sendMetadata(metadata);
  }

  sendAudio(timestamp: number, payload: Buffer): boolean {
    return this.session.sendAudio(timestamp, payload);
  }

  sendVideo(timestamp: number, payload: Buffer): boolean {
    return this.session.sendVideo(timestamp, payload);
  }

  /**
   * Publishers with equal keys (same outgoing chunk size and message stream id) accept the same
   * pre-serialised Buffers: serialise a frame once per key, write it to all of them.
   */
  get serialisationKey(): string {
    return serialisationKeyOf(this.session.outChunkSize, this.streamId);
  }

  /** Serialises a media message for this publisher and every one with the same {@link serialisationKey}. */
  serialiseMedia(kind: 'audio' | 'video', timestamp: number, payload: Buffer): Buffer {
    return serialiseMessage(
      {
        csid: kind === 'audio' ? Csid.Audio : Csid.Video,
        type: kind === 'audio' ? MessageType.Audio : MessageType.Video,
        streamId: this.streamId,
        timestamp,
        payload,
      },
      this.session.outChunkSize,
    );
  }

  /**
   * Writes chunks from {@link serialiseMedia} (or `serialiseMessage` with this publisher's key).
   * An array of such buffers is written as one corked batch (one writev), in order.
   */
  writeRaw(chunks: Buffer | readonly Buffer[]): boolean {
    return this.session.writeRaw(chunks);
  }

  /** Unpublishes cleanly and closes the connection. */
  async close(): Promise<void> {
    this.session.unpublish();
    await this.connection.close();
  }

  /**
   * Drops the connection at once, without unpublishing or flushing: for a destination that
   * stopped taking data (a clean close would wait on the very socket that is stuck).
   */
  destroy(error: RtmpError): void {
    this.connection.destroy(error);
  }
}

/**
 * Publishes to `rtmp://host[:port]/app/streamName` (or rtmps://): connect, handshake,
 * NetConnection.connect, then releaseStream / FCPublish / createStream / publish.
 * Rejects with a typed RtmpError: INVALID_URL, DNS_FAILURE, CONNECTION_REFUSED, TLS_FAILURE,
 * CONNECT_TIMEOUT, HANDSHAKE_*, CONNECT_REJECTED, PUBLISH_BAD_NAME, PUBLISH_REJECTED, ...
 */
export async function publish(url: string, options: PublishOptions = {}): Promise<RtmpPublisher> {
  const target = parseRtmpUrl(url);
  if (!target.streamName) throw new RtmpError('INVALID_URL', 'publish URL has no stream name');
  return publishTarget(target, options);
}

/**
 * {@link publish} to a target already split into host, app and stream name (see
 * `resolvePublishTarget`, which keeps a server path of several segments whole as the app).
 */
export async function publishTarget(target: RtmpUrl, options: PublishOptions = {}): Promise<RtmpPublisher> {
  const limits = resolveLimits(options.limits);
  const timeoutMs = options.timeoutMs ?? limits.handshakeTimeoutMs * 3;
  const connection = await connectRtmp({
    ...options,
    host: target.host,
    port: target.port,
    secure: target.secure,
  });
  const session = connection.session;
  const timer = setTimeout(
    () => session.close(new RtmpError('COMMAND_TIMEOUT', `publish not started within ${timeoutMs} ms`)),
    timeoutMs,
  );
  timer.unref();
  try {
    await session.connect({
      app: target.app,
      tcUrl: target.tcUrl,
      flashVer: options.flashVer,
      fourCcList: options.fourCcList,
      extra: options.connectExtra,
    });
    const streamId = await session.publish(target.streamName, options.publishType ?? 'live');
    return new RtmpPublisher(connection, target, streamId);
  } catch (error) {
    await connection.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

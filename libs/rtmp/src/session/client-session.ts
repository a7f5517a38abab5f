import type { AmfObject, AmfValue } from '../amf/types';
import { isAmfObject } from '../amf/types';
import type { RawMessage } from '../chunk/types';
import { RtmpError, RtmpErrorCode } from '../errors';
import { ClientHandshake, type HandshakeOptions } from '../handshake/handshake';
import type { CommandMessage, RtmpMessage } from '../message/types';
import { Csid } from './chunk-streams';
import { RtmpSession, SessionEvents, SessionOptions } from './rtmp-session';

export type ClientSessionState = 'handshake' | 'ready' | 'connecting' | 'connected' | 'publishing' | 'closed';

export interface ClientConnectOptions {
  app: string;
  tcUrl: string;
  flashVer?: string;
  /** Enhanced RTMP: advertise these FourCCs (e.g. ['hvc1', 'av01', 'vp09']) in connect. */
  fourCcList?: readonly string[];
  /** Extra properties merged into the connect command object. */
  extra?: AmfObject;
}

export interface ConnectResult {
  readonly properties: AmfValue;
  readonly information: AmfValue;
}

export interface ClientSessionEvents extends SessionEvents {
  state: [state: ClientSessionState];
  /** onStatus messages from the server, for logging. */
  status: [info: AmfObject, streamId: number];
  /** Messages the session does not handle itself. */
  message: [message: RtmpMessage, raw: RawMessage];
  drain: [];
  error: [error: RtmpError];
  close: [error: RtmpError | undefined];
}


export interface ClientSessionOptions extends SessionOptions {
  handshake?: HandshakeOptions;
  /** Outgoing chunk size announced right after the handshake (default limits.outChunkSize). */
  chunkSize?: number;
}

interface Pending {
  readonly name: string;
  resolve(command: CommandMessage): void;
  reject(error: RtmpError): void;
}

const DEFAULT_FLASH_VER = 'FMLE/3.0 (compatible; Fanout)';

/**
 * The publishing client side of one RTMP connection, I/O-free: plain handshake, connect,
 * releaseStream / FCPublish / createStream / publish, media, and a clean unpublish. Rejections
 * become typed errors: NetConnection.Connect.Rejected is CONNECT_REJECTED, NetStream.Publish
 * .BadName is PUBLISH_BAD_NAME, anything else PUBLISH_REJECTED.
 */
export class ClientSession extends RtmpSession<ClientSessionEvents> {
  private readonly handshake: ClientHandshake;
  private stateValue: ClientSessionState = 'handshake';
  private readonly chunkSizeOption: number;
  private nextTransactionId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly readyWaiters: Array<{ resolve(): void; reject(error: RtmpError): void }> = [];
  private publishWaiter: { streamId: number; resolve(): void; reject(error: RtmpError): void } | undefined;

  /** The published stream, once publish succeeded. */
  publishing: { readonly streamId: number; readonly streamName: string } | undefined;

  constructor(options: ClientSessionOptions = {}) {
    super(options);
    this.handshake = new ClientHandshake(options.handshake);
    this.chunkSizeOption = options.chunkSize ?? this.limits.outChunkSize;
  }

  get state(): ClientSessionState {
    return this.stateValue;
  }

  get handshakeStage(): string | undefined {
    return this.handshake.done ? undefined : this.handshake.waitingFor;
  }

  private setState(state: ClientSessionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  protected override onAttach(): void {
    this.writeRaw(this.handshake.start());
  }

  protected receiveHandshake(data: Buffer): Buffer | null {
    if (this.handshake.done) return data;
    const step = this.handshake.push(data);
    if (step.reply) this.writeRaw(step.reply);
    if (!step.done) return null;
    this.setOutChunkSize(this.chunkSizeOption);
    this.setState('ready');
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
    return step.rest;
  }

  /** Resolves once the handshake is over. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(this.error ?? new RtmpError('SESSION_CLOSED'));
    if (this.handshake.done) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** NetConnection.connect; resolves with the server's _result. */
  async connect(options: ClientConnectOptions): Promise<ConnectResult> {
    await this.ready();
    if (this.stateValue !== 'ready') throw new RtmpError('INVALID_STATE', `connect in state ${this.stateValue}`);
    const commandObject: AmfObject = {
      app: options.app,
      type: 'nonprivate',
      flashVer: options.flashVer ?? DEFAULT_FLASH_VER,
      tcUrl: options.tcUrl,
    };
    if (options.fourCcList && options.fourCcList.length > 0) commandObject['fourCcList'] = [...options.fourCcList];
    Object.assign(commandObject, options.extra);
    this.setState('connecting');
    let result: CommandMessage;
    try {
      result = await this.call(0, 'connect', commandObject);
    } catch (error) {
      throw this.mapConnectError(error);
    }
    const information = result.args[0];
    const code = isAmfObject(information) ? information['code'] : undefined;
    if (result.name === '_error' || (code !== undefined && code !== 'NetConnection.Connect.Success')) {
      const description = isAmfObject(information) ? String(information['description'] ?? code) : 'connect failed';
      const error = new RtmpError('CONNECT_REJECTED', `connect rejected: ${description}`);
      this.close(error);
      throw error;
    }
    // Tell the server how often to acknowledge what we send (librtmp and ffmpeg do the same),
    // unless answering its Set Peer Bandwidth already did.
    if (this.announcedWindow === 0) this.sendWindowAckSize(this.limits.ackWindow);
    this.setState('connected');
    return { properties: result.commandObject, information };
  }

  private mapConnectError(error: unknown): RtmpError {
    if (error instanceof RtmpError && error.code !== 'SESSION_CLOSED' && error.code !== 'CONNECTION_CLOSED') return error;
    return new RtmpError('CONNECT_FAILED', 'connection closed during connect', { cause: error });
  }

  /**
   * releaseStream, FCPublish, createStream, then publish; resolves with the message stream id
   * once the server answered NetStream.Publish.Start.
   */
  async publish(streamName: string, publishType: 'live' | 'record' | 'append' = 'live'): Promise<number> {
    if (this.stateValue !== 'connected') throw new RtmpError('INVALID_STATE', `publish in state ${this.stateValue}`);
    this.corked(() => {
      this.sendCommand(0, 'releaseStream', this.nextTransactionId++, null, streamName);
      this.sendCommand(0, 'FCPublish', this.nextTransactionId++, null, streamName);
    });
    const created = await this.call(0, 'createStream', null);
    if (created.name === '_error' || typeof created.args[0] !== 'number') {
      throw new RtmpError('PUBLISH_FAILED', 'createStream failed');
    }
    const streamId = created.args[0];
    const started = new Promise<void>((resolve, reject) => {
      this.publishWaiter = { streamId, resolve, reject };
    });
    this.sendCommand(streamId, 'publish', this.nextTransactionId++, null, streamName, publishType);
    await started;
    this.publishing = { streamId, streamName };
    this.setState('publishing');
    return streamId;
  }

  /** Sends onMetaData the way encoders do: `@setDataFrame`, `onMetaData`, object. */
  sendMetadata(metadata: AmfObject): boolean {
    return this.sendData(['@setDataFrame', 'onMetaData', metadata]);
  }

  sendData(values: readonly AmfValue[], timestamp = 0): boolean {
    const publishing = this.requirePublishing();
    return this.writeRaw(this.serialise(Csid.Stream, publishing.streamId, timestamp, { kind: 'data', values }));
  }

  sendAudio(timestamp: number, payload: Buffer): boolean {
    const publishing = this.requirePublishing();
    return this.writeRaw(this.serialise(Csid.Audio, publishing.streamId, timestamp, { kind: 'audio', payload }));
  }

  sendVideo(timestamp: number, payload: Buffer): boolean {
    const publishing = this.requirePublishing();
    return this.writeRaw(this.serialise(Csid.Video, publishing.streamId, timestamp, { kind: 'video', payload }));
  }

  /** Message stream id to use with `serialiseMessage` for pre-serialised media. */
  get streamId(): number | undefined {
    return this.publishing?.streamId;
  }

  private requirePublishing(): { readonly streamId: number } {
    if (!this.publishing) throw new RtmpError('INVALID_STATE', 'not publishing');
    return this.publishing;
  }

  /** FCUnpublish and deleteStream. Safe to call when not publishing. */
  unpublish(): void {
    const publishing = this.publishing;
    if (!publishing || this.closed) return;
    this.publishing = undefined;
    this.corked(() => {
      this.sendCommand(0, 'FCUnpublish', this.nextTransactionId++, null, publishing.streamName);
      this.sendCommand(0, 'deleteStream', this.nextTransactionId++, null, publishing.streamId);
    });
    this.setState('connected');
  }

  private call(streamId: number, name: string, commandObject: AmfValue, ...args: AmfValue[]): Promise<CommandMessage> {
    if (this.closed) return Promise.reject(this.error ?? new RtmpError('SESSION_CLOSED'));
    const transactionId = this.nextTransactionId++;
    const promise = new Promise<CommandMessage>((resolve, reject) => {
      this.pending.set(transactionId, { name, resolve, reject });
    });
    this.sendCommand(streamId, name, transactionId, commandObject, ...args);
    return promise;
  }

  protected onMessage(message: RtmpMessage, raw: RawMessage): void {
    if (message.kind !== 'command') {
      this.emit('message', message, raw);
      return;
    }
    switch (message.name) {
      case '_result':
      case '_error': {
        const pending = this.pending.get(message.transactionId);
        if (!pending) return;
        this.pending.delete(message.transactionId);
        pending.resolve(message);
        return;
      }
      case 'onStatus': {
        const info = message.args[0];
        if (!isAmfObject(info)) return;
        this.emit('status', info, raw.streamId);
        this.onStatus(info, raw.streamId);
        return;
      }
      default:
        this.emit('message', message, raw);
    }
  }

  private onStatus(info: AmfObject, streamId: number): void {
    const waiter = this.publishWaiter;
    if (!waiter || (streamId !== waiter.streamId && streamId !== 0)) return;
    const code = typeof info['code'] === 'string' ? info['code'] : '';
    if (code === 'NetStream.Publish.Start') {
      this.publishWaiter = undefined;
      waiter.resolve();
      return;
    }
    if (info['level'] === 'error') {
      this.publishWaiter = undefined;
      const errorCode: RtmpErrorCode = code === 'NetStream.Publish.BadName' ? 'PUBLISH_BAD_NAME' : 'PUBLISH_REJECTED';
      const description = typeof info['description'] === 'string' ? info['description'] : code;
      waiter.reject(new RtmpError(errorCode, `${code}: ${description}`));
    }
  }

  protected override onClose(error: RtmpError | undefined): void {
    this.stateValue = 'closed';
    this.emit('state', 'closed');
    const reason = error ?? new RtmpError('CONNECTION_CLOSED', 'connection closed');
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(reason);
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
    if (this.publishWaiter) {
      const waiter = this.publishWaiter;
      this.publishWaiter = undefined;
      waiter.reject(
        reason.code === 'CONNECTION_CLOSED' || reason.code === 'SESSION_CLOSED'
          ? new RtmpError('PUBLISH_FAILED', 'connection closed before publish started', { cause: reason })
          : reason,
      );
    }
  }
}

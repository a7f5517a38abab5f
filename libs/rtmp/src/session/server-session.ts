import type { AmfObject, AmfValue } from '../amf/types';
import { isAmfObject } from '../amf/types';
import type { RawMessage } from '../chunk/types';
import { RtmpError } from '../errors';
import { ServerHandshake, type HandshakeOptions } from '../handshake/handshake';
import { splitAggregate } from '../message/aggregate';
import { CommandMessage, MessageType, PeerBandwidthLimit, RtmpMessage } from '../message/types';
import { Csid } from './chunk-streams';
import { RtmpSession, SessionEvents, SessionOptions, StatusInfo } from './rtmp-session';

export type ServerSessionState = 'handshake' | 'connecting' | 'connected' | 'publishing' | 'playing' | 'closed';
export type PublishType = 'live' | 'record' | 'append';
export type PublishRejectReason = 'badName' | 'denied';
export type PlayRejectReason = 'notFound' | 'denied';

export interface ConnectRequest {
  readonly app: string;
  readonly tcUrl: string | undefined;
  readonly flashVer: string | undefined;
  readonly objectEncoding: number;
  /** Enhanced RTMP: FourCCs the client can send (e.g. ['hvc1', 'av01', 'vp09']). */
  readonly fourCcList: readonly string[] | undefined;
  /** The whole connect command object, as sent. */
  readonly commandObject: AmfObject;
  accept(): void;
  reject(description?: string): void;
}

export interface PublishRequest {
  readonly app: string;
  /** As sent, query string included (e.g. "key?token=x"). Never log it: it is the stream key. */
  readonly streamName: string;
  readonly publishType: PublishType;
  readonly streamId: number;
  accept(): void;
  reject(reason?: PublishRejectReason, description?: string): void;
}

export interface PlayRequest {
  readonly app: string;
  readonly streamName: string;
  readonly streamId: number;
  /** Start time argument (-2 live or recorded, -1 live only, >= 0 recorded from). */
  readonly start: number;
  accept(): void;
  reject(reason?: PlayRejectReason, description?: string): void;
}

export interface ServerSessionEvents extends SessionEvents {
  connect: [request: ConnectRequest];
  publish: [request: PublishRequest];
  play: [request: PlayRequest];
  /** onMetaData from `@setDataFrame` (or a bare `onMetaData`) on the published stream. */
  metadata: [metadata: AmfValue, message: RawMessage];
  /** Any other data message on the published stream. */
  data: [values: readonly AmfValue[], message: RawMessage];
  audio: [message: RawMessage];
  video: [message: RawMessage];
  unpublish: [streamName: string];
  stopPlay: [streamName: string];
  /** Commands the session does not handle itself. */
  command: [command: CommandMessage, message: RawMessage];
  state: [state: ServerSessionState];
  drain: [];
  error: [error: RtmpError];
  close: [error: RtmpError | undefined];
}

export interface ServerSessionOptions extends SessionOptions {
  handshake?: HandshakeOptions;
}


type StreamMessage = Extract<RtmpMessage, { kind: 'data' | 'audio' | 'video' | 'aggregate' }>;

interface HeldPublish {
  items: { message: StreamMessage; raw: RawMessage }[];
  bytes: number;
  firstTs: number | undefined;
  lastTs: number;
}

const PUBLISH_REJECT_CODES: Record<PublishRejectReason, string> = {
  badName: 'NetStream.Publish.BadName',
  denied: 'NetStream.Publish.Denied',
};
const PLAY_REJECT_CODES: Record<PlayRejectReason, string> = {
  notFound: 'NetStream.Play.StreamNotFound',
  denied: 'NetStream.Play.Failed',
};

/**
 * The server side of one RTMP connection, I/O-free: handshake (plain or digest), then
 * NetConnection and NetStream commands for live publishing and playing. Authorisation is the
 * host's: it answers 'connect' (auto-accepted when nobody listens), 'publish' and 'play'
 * (rejected when nobody listens) by calling `accept()` or `reject()`, possibly later.
 */
export class ServerSession extends RtmpSession<ServerSessionEvents> {
  private readonly handshake: ServerHandshake;
  private stateValue: ServerSessionState = 'handshake';
  private nextStreamId = 1;
  private readonly streams = new Set<number>();

  app = '';
  /** Set once connect was accepted. */
  connectInfo: ConnectRequest | undefined;
  /** The stream being published, once accepted. */
  publishing: { readonly streamId: number; readonly streamName: string; readonly publishType: PublishType } | undefined;
  /** The stream being played, once accepted. */
  playing: { readonly streamId: number; readonly streamName: string } | undefined;
  private pendingPublish = false;
  private pendingStreamId = 0;
  /** What arrived behind a publish that is not decided yet (see {@link hold}). */
  private held: HeldPublish | undefined;

  /** Commands received before a publish or play request (bounded by maxCommandsBeforePublish). */
  private commandsBeforePublish = 0;

  constructor(options: ServerSessionOptions = {}) {
    super(options);
    this.handshake = new ServerHandshake(options.handshake);
    // Anonymous input until `publish`: small messages, little reassembly, few chunk streams.
    this.setInputLimits('pre-auth');
  }

  /**
   * The input bounds for where the connection is: `pre-auth` until it asks to publish,
   * `pending` while the host decides (bounded by what a held backlog may hold), `publishing`
   * once accepted (the full media limits).
   */
  private setInputLimits(stage: 'pre-auth' | 'pending' | 'publishing'): void {
    const l = this.limits;
    if (stage === 'publishing') {
      this.decoder.setLimits({ maxMessageSize: l.maxMessageSize, maxReassemblyBytes: l.maxReassemblyBytes, maxChunkStreams: l.maxChunkStreams });
    } else if (stage === 'pending') {
      const held = Math.max(l.preAuthMaxMessageSize, l.maxHeldPublishBytes);
      this.decoder.setLimits({
        maxMessageSize: Math.min(l.maxMessageSize, held),
        maxReassemblyBytes: Math.min(l.maxReassemblyBytes, held),
        maxChunkStreams: l.maxChunkStreams,
      });
    } else {
      this.decoder.setLimits({
        maxMessageSize: Math.min(l.maxMessageSize, l.preAuthMaxMessageSize),
        maxReassemblyBytes: Math.min(l.maxReassemblyBytes, l.preAuthMaxReassemblyBytes),
        maxChunkStreams: Math.min(l.maxChunkStreams, l.preAuthMaxChunkStreams),
      });
    }
  }

  /** The peer asked to publish or play (decided or not): what the server's publish deadline waits for. */
  get requestedStream(): boolean {
    return this.publishing !== undefined || this.playing !== undefined || this.pendingPublish;
  }

  get state(): ServerSessionState {
    return this.stateValue;
  }

  get handshakeStage(): string | undefined {
    return this.handshake.done ? undefined : this.handshake.waitingFor;
  }

  /** 'plain' or 'digest' once C1 was read. */
  get handshakeKind(): 'plain' | 'digest' | undefined {
    return this.handshake.kind;
  }

  private setState(state: ServerSessionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  protected receiveHandshake(data: Buffer): Buffer | null {
    if (this.handshake.done) return data;
    const step = this.handshake.push(data);
    if (step.reply) this.writeRaw(step.reply);
    if (!step.done) return null;
    this.setState('connecting');
    return step.rest;
  }

  protected onMessage(message: RtmpMessage, raw: RawMessage): void {
    switch (message.kind) {
      case 'command':
        return this.onCommand(message, raw);
      case 'data':
      case 'audio':
      case 'video':
      case 'aggregate':
        if (this.publishing && raw.streamId === this.publishing.streamId) return this.onStreamMessage(message, raw);
        if (this.pendingPublish && raw.streamId === this.pendingStreamId) return this.hold(message, raw);
        return;
      default:
        return;
    }
  }

  /** Media and data on the published stream, as the host hears them. */
  private onStreamMessage(message: StreamMessage, raw: RawMessage): void {
    switch (message.kind) {
      case 'data':
        return this.onData(message.values, raw);
      case 'audio':
      case 'video':
        this.emit(message.kind, raw);
        return;
      case 'aggregate':
        for (const part of splitAggregate(message.payload, raw.timestamp)) {
          if (!this.publishing) return; // a listener ended the publish
          const sub: RawMessage = { ...raw, type: part.type, timestamp: part.timestamp, payload: part.payload };
          if (part.type === MessageType.Audio) this.emit('audio', sub);
          else if (part.type === MessageType.Video) this.emit('video', sub);
        }
    }
  }

  /**
   * Keeps what a publisher sends behind `publish` while the host decides (it may be checking the
   * key against a database): some encoders do not wait for NetStream.Publish.Start. The bytes are
   * copied (the socket read they came in does not outlive this call), bounded by
   * `maxHeldPublishBytes` and `maxHeldPublishMs`, replayed in order on accept, dropped on reject.
   */
  private hold(message: StreamMessage, raw: RawMessage): void {
    const payload = Buffer.from(raw.payload);
    const copy: RawMessage = { ...raw, payload };
    const kept: StreamMessage = message.kind === 'data' ? message : { ...message, payload };
    const held = (this.held ??= { items: [], bytes: 0, firstTs: undefined, lastTs: 0 });
    held.items.push({ message: kept, raw: copy });
    held.bytes += payload.length;
    if (message.kind !== 'data') {
      held.firstTs ??= raw.timestamp;
      held.lastTs = Math.max(held.lastTs, raw.timestamp);
    }
    const spanMs = held.firstTs === undefined ? 0 : held.lastTs - held.firstTs;
    if (held.bytes > this.limits.maxHeldPublishBytes || spanMs > this.limits.maxHeldPublishMs) {
      this.held = undefined;
      throw new RtmpError(
        'PUBLISH_BACKLOG_OVERFLOW',
        `${held.bytes} bytes (${spanMs} ms) of media sent before the publish was accepted; the limit is ${this.limits.maxHeldPublishBytes} bytes or ${this.limits.maxHeldPublishMs} ms`,
      );
    }
  }

  /** Media and data held before the publish was accepted, in arrival order. */
  get heldPublishBytes(): number {
    return this.held?.bytes ?? 0;
  }

  private replayHeld(): void {
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    for (const { message, raw } of held.items) {
      if (this.closed || !this.publishing) return;
      this.onStreamMessage(message, raw);
    }
  }

  private onData(values: readonly AmfValue[], raw: RawMessage): void {
    if (values[0] === '@setDataFrame' && values[1] === 'onMetaData') {
      this.emit('metadata', values[2], raw);
    } else if (values[0] === 'onMetaData') {
      this.emit('metadata', values[1], raw);
    } else {
      this.emit('data', values, raw);
    }
  }

  private onCommand(command: CommandMessage, raw: RawMessage): void {
    if (this.stateValue === 'connecting' && command.name !== 'connect') {
      throw new RtmpError('PROTOCOL_VIOLATION', `command ${command.name} before connect`);
    }
    if (!this.requestedStream && ++this.commandsBeforePublish > this.limits.maxCommandsBeforePublish) {
      throw new RtmpError('PROTOCOL_VIOLATION', `more than ${this.limits.maxCommandsBeforePublish} commands before publish`);
    }
    switch (command.name) {
      case 'connect':
        return this.onConnect(command);
      case 'releaseStream':
        return this.sendCommand(0, '_result', command.transactionId, null, undefined);
      case 'FCPublish':
        return this.sendCommand(0, 'onFCPublish', 0, null, {
          code: 'NetStream.Publish.Start',
          description: stringArg(command.args[0]),
        });
      case 'createStream': {
        this.assertStreamRoom();
        const streamId = this.nextStreamId++;
        this.streams.add(streamId);
        return this.sendCommand(0, '_result', command.transactionId, null, streamId);
      }
      case 'publish':
        return this.onPublish(command, raw.streamId);
      case 'play':
        return this.onPlay(command, raw.streamId);
      case 'FCUnpublish':
        this.sendCommand(0, 'onFCUnpublish', 0, null, {
          code: 'NetStream.Unpublish.Success',
          description: stringArg(command.args[0]),
        });
        return this.endPublishing(true);
      case 'closeStream':
        this.endPublishing(true);
        return this.endPlaying(raw.streamId);
      case 'deleteStream': {
        const streamId = typeof command.args[0] === 'number' ? command.args[0] : raw.streamId;
        if (this.publishing?.streamId === streamId) this.endPublishing(false);
        this.endPlaying(streamId);
        this.streams.delete(streamId);
        return;
      }
      default:
        this.emit('command', command, raw);
    }
  }

  private onConnect(command: CommandMessage): void {
    if (this.stateValue !== 'connecting') throw new RtmpError('PROTOCOL_VIOLATION', 'connect sent twice');
    const object = isAmfObject(command.commandObject) ? command.commandObject : {};
    const fourCc = object['fourCcList'];
    const decision = this.oneDecision();
    const request: ConnectRequest = {
      app: typeof object['app'] === 'string' ? object['app'].replace(/\/+$/, '') : '',
      tcUrl: typeof object['tcUrl'] === 'string' ? object['tcUrl'] : undefined,
      flashVer: typeof object['flashVer'] === 'string' ? object['flashVer'] : undefined,
      objectEncoding: typeof object['objectEncoding'] === 'number' ? object['objectEncoding'] : 0,
      fourCcList: Array.isArray(fourCc) ? fourCc.filter((v): v is string => typeof v === 'string') : undefined,
      commandObject: object,
      accept: decision(() => this.acceptConnect(command.transactionId, request)),
      reject: decision((description: string = 'Connection rejected.') => {
        this.sendCommand(0, '_error', command.transactionId, null, {
          level: 'error',
          code: 'NetConnection.Connect.Rejected',
          description,
        });
        this.close(new RtmpError('CONNECT_REJECTED', description));
      }),
    };
    this.app = request.app;
    if (this.listenerCount('connect') === 0) request.accept();
    else this.emit('connect', request);
  }

  private acceptConnect(transactionId: number, request: ConnectRequest): void {
    this.connectInfo = request;
    this.corked(() => {
      this.sendWindowAckSize(this.limits.ackWindow);
      this.sendControl({
        kind: 'setPeerBandwidth',
        windowSize: this.limits.ackWindow,
        limitType: PeerBandwidthLimit.Dynamic,
      });
      this.setOutChunkSize(this.limits.outChunkSize);
      const properties: AmfObject = { fmsVer: 'FMS/3,0,1,123', capabilities: 31 };
      // Enhanced RTMP: a relay passes any codec through, so it accepts every FourCC offered.
      if (request.fourCcList) properties['fourCcList'] = [...request.fourCcList];
      this.sendCommand(0, '_result', transactionId, properties, {
        level: 'status',
        code: 'NetConnection.Connect.Success',
        description: 'Connection succeeded.',
        objectEncoding: request.objectEncoding,
      });
    });
    this.setState('connected');
  }

  private onPublish(command: CommandMessage, streamId: number): void {
    const streamName = stringArg(command.args[0]);
    const typeArg = command.args[1];
    const publishType: PublishType = typeArg === 'record' || typeArg === 'append' ? typeArg : 'live';
    if (this.publishing || this.pendingPublish || this.playing) {
      return this.sendStatus(streamId, {
        level: 'error',
        code: 'NetStream.Publish.BadName',
        description: 'Already publishing or playing on this connection.',
      });
    }
    if (!this.streams.has(streamId)) {
      this.assertStreamRoom();
      this.streams.add(streamId); // lenient: publish without createStream
    }
    const decision = this.oneDecision();
    const reject = decision((reason: PublishRejectReason = 'badName', description: string = 'Publish rejected.'): void => {
      this.pendingPublish = false;
      this.held = undefined;
      this.setInputLimits('pre-auth');
      this.sendStatus(streamId, { level: 'error', code: PUBLISH_REJECT_CODES[reason], description });
    });
    const request: PublishRequest = {
      app: this.app,
      streamName,
      publishType,
      streamId,
      accept: decision(() => {
        this.pendingPublish = false;
        this.publishing = { streamId, streamName, publishType };
        this.setInputLimits('publishing');
        this.corked(() => {
          this.sendControl({ kind: 'userControl', event: 'streamBegin', streamId });
          this.sendStatus(streamId, {
            level: 'status',
            code: 'NetStream.Publish.Start',
            description: 'Start publishing.',
            details: streamName,
          });
        });
        this.setState('publishing');
        this.replayHeld();
      }),
      reject,
    };
    if (streamName === '') return reject('badName', 'Empty stream name.');
    this.pendingPublish = true;
    this.pendingStreamId = streamId;
    this.setInputLimits('pending');
    if (this.listenerCount('publish') === 0) reject('denied', 'Publishing is not enabled.');
    else this.emit('publish', request);
  }

  private onPlay(command: CommandMessage, streamId: number): void {
    const streamName = stringArg(command.args[0]);
    const start = typeof command.args[1] === 'number' ? command.args[1] : -2;
    const decision = this.oneDecision();
    const reject = decision((reason: PlayRejectReason = 'notFound', description: string = 'Play rejected.'): void => {
      this.sendStatus(streamId, { level: 'error', code: PLAY_REJECT_CODES[reason], description });
    });
    const request: PlayRequest = {
      app: this.app,
      streamName,
      streamId,
      start,
      accept: decision(() => {
        this.playing = { streamId, streamName };
        this.corked(() => {
          this.sendControl({ kind: 'userControl', event: 'streamBegin', streamId });
          this.sendStatus(streamId, {
            level: 'status',
            code: 'NetStream.Play.Reset',
            description: 'Playing and resetting.',
            details: streamName,
          });
          this.sendStatus(streamId, {
            level: 'status',
            code: 'NetStream.Play.Start',
            description: 'Started playing.',
            details: streamName,
          });
          this.send(Csid.Stream, streamId, 0, { kind: 'data', values: ['|RtmpSampleAccess', true, true] });
        });
        this.setState('playing');
      }),
      reject,
    };
    if (this.publishing || this.playing || streamName === '') return reject('notFound', 'Stream not available.');
    if (this.listenerCount('play') === 0) reject('notFound', 'Playback is not enabled.');
    else this.emit('play', request);
  }

  /**
   * The accept/reject pair of one request: whichever is called first decides, later calls (and
   * calls after the connection closed) do nothing. Hosts may decide asynchronously.
   */
  private oneDecision(): <A extends unknown[]>(decide: (...args: A) => void) => (...args: A) => void {
    let decided = false;
    return (decide) =>
      (...args) => {
        if (decided || this.closed) return;
        decided = true;
        decide(...args);
      };
  }

  /** A connection holds at most maxStreamsPerConnection message streams (a createStream flood is closed). */
  private assertStreamRoom(): void {
    if (this.streams.size >= this.limits.maxStreamsPerConnection) {
      throw new RtmpError('PROTOCOL_VIOLATION', `more than ${this.limits.maxStreamsPerConnection} streams on one connection`);
    }
  }

  private endPublishing(notify: boolean): void {
    const publishing = this.publishing;
    if (!publishing) return;
    this.publishing = undefined;
    if (notify && !this.closed) {
      this.sendStatus(publishing.streamId, {
        level: 'status',
        code: 'NetStream.Unpublish.Success',
        description: 'Stop publishing.',
        details: publishing.streamName,
      });
    }
    this.setState('connected');
    this.emit('unpublish', publishing.streamName);
  }

  private endPlaying(streamId: number): void {
    const playing = this.playing;
    if (!playing || playing.streamId !== streamId) return;
    this.playing = undefined;
    this.setState('connected');
    this.emit('stopPlay', playing.streamName);
  }

  /** Sends a media message to the player (chunk stream per kind, the play stream id). */
  sendMedia(kind: 'audio' | 'video', timestamp: number, payload: Buffer): boolean {
    const playing = this.playing;
    if (!playing) return false;
    const csid = kind === 'audio' ? Csid.Audio : Csid.Video;
    return this.writeRaw(this.serialise(csid, playing.streamId, timestamp, { kind, payload }));
  }

  /** Sends a data message (e.g. ['onMetaData', {...}]) to the player. */
  sendData(values: readonly AmfValue[], timestamp = 0): boolean {
    const playing = this.playing;
    if (!playing) return false;
    return this.writeRaw(this.serialise(Csid.Stream, playing.streamId, timestamp, { kind: 'data', values }));
  }

  protected override onClose(): void {
    this.held = undefined;
    const wasPublishing = this.publishing;
    const wasPlaying = this.playing;
    this.publishing = undefined;
    this.playing = undefined;
    this.stateValue = 'closed';
    this.emit('state', 'closed');
    if (wasPublishing) this.emit('unpublish', wasPublishing.streamName);
    if (wasPlaying) this.emit('stopPlay', wasPlaying.streamName);
  }

  /**
   * Tells the player the live stream ended (the publisher left): Stream EOF, then
   * NetStream.Play.UnpublishNotify and NetStream.Play.Stop, on which ffmpeg and Flash stop.
   */
  stopPlayback(description = 'Stream ended.'): void {
    const playing = this.playing;
    if (!playing || this.closed) return;
    this.corked(() => {
      this.sendControl({ kind: 'userControl', event: 'streamEof', streamId: playing.streamId });
      this.sendStatus(playing.streamId, {
        level: 'status',
        code: 'NetStream.Play.UnpublishNotify',
        description,
        details: playing.streamName,
      });
      this.sendStatus(playing.streamId, {
        level: 'status',
        code: 'NetStream.Play.Stop',
        description,
        details: playing.streamName,
      });
    });
    this.endPlaying(playing.streamId);
  }

  /** Sends a NetStream status to the publisher/player (e.g. to tell it why it is cut off). */
  status(streamId: number, info: StatusInfo): void {
    this.sendStatus(streamId, info);
  }
}

function stringArg(value: AmfValue): string {
  return typeof value === 'string' ? value : '';
}

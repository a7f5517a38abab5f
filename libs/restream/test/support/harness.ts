import { type AmfObject, type FlvTag, type RawMessage, RtmpServer, type RtmpServerOptions, type RtmpPublisher, type ServerSession, publish } from '@fanout/rtmp';
import { type StreamRestreamer, rtmpIngestSource } from '../../src';

/** Polls `predicate` every `intervalMs` until it holds; fails after `timeoutMs`. Always bounded. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let i = 0; i < maxPolls; i++) {
    if (predicate()) return;
    if (Date.now() > deadline) break;
    await sleep(intervalMs);
  }
  if (!predicate()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ReceivedMessage {
  kind: 'video' | 'audio' | 'metadata';
  timestamp: number;
  /** Video: frame type 1. */
  keyframe: boolean;
  /** AVC / AAC sequence header. */
  sequenceHeader: boolean;
  /** A coded frame (not a header). */
  coded: boolean;
  payload?: Buffer;
}

export interface SinkConnection {
  session: ServerSession;
  streamName: string;
  messages: ReceivedMessage[];
  unpublished: boolean;
  closed: boolean;
  /** Enhanced RTMP FourCCs the client advertised in connect. */
  fourCcList: readonly string[] | undefined;
}

/** A destination: our RtmpServer, accepting one stream key and recording what arrives. */
export class Sink {
  server: RtmpServer;
  readonly connections: SinkConnection[] = [];
  /** Publish attempts refused (wrong key). */
  rejected = 0;
  port = 0;

  constructor(
    readonly key = 'sink-key',
    private readonly keepPayloads = false,
    private readonly serverOptions: RtmpServerOptions = {},
  ) {
    this.server = this.makeServer();
  }

  get url(): string {
    return `${this.serverOptions.tls ? 'rtmps' : 'rtmp'}://127.0.0.1:${this.port}/live`;
  }

  async listen(port = 0): Promise<this> {
    this.port = (await this.server.listen(port)).port;
    return this;
  }

  /** Kills the server and every connection (as a crashed ingest server would). */
  async kill(): Promise<void> {
    await this.server.close();
  }

  /** A new server on the same port. */
  async restart(): Promise<void> {
    this.server = this.makeServer();
    for (let i = 0; i < 50; i++) {
      try {
        await this.server.listen(this.port);
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`could not listen on ${this.port} again`);
  }

  get last(): SinkConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  /** Every message of every connection, in order. */
  get all(): ReceivedMessage[] {
    return this.connections.flatMap((c) => c.messages);
  }

  counts(): { video: number; audio: number } {
    const all = this.all;
    return {
      video: all.filter((m) => m.kind === 'video' && m.coded).length,
      audio: all.filter((m) => m.kind === 'audio' && m.coded).length,
    };
  }

  private makeServer(): RtmpServer {
    const server = new RtmpServer(this.serverOptions);
    server.on('session', (session) => {
      session.on('publish', (request) => {
        if (request.streamName !== this.key) {
          this.rejected += 1;
          // Like some platforms, quote the stream name back (the engine must redact it).
          request.reject('badName', `unknown stream key ${request.streamName}`);
          return;
        }
        request.accept();
        const connection: SinkConnection = { session, streamName: request.streamName, messages: [], unpublished: false, closed: false, fourCcList: session.connectInfo?.fourCcList };
        this.connections.push(connection);
        const media = (kind: 'video' | 'audio') => (raw: RawMessage) => {
          const p = raw.payload;
          const entry: ReceivedMessage = {
            kind,
            timestamp: raw.timestamp,
            keyframe: kind === 'video' && p.length > 0 && (p[0] as number) >> 4 === 1,
            sequenceHeader: p.length > 1 && p[1] === 0,
            coded: p.length > 1 && p[1] === 1,
          };
          if (this.keepPayloads) entry.payload = Buffer.from(p);
          connection.messages.push(entry);
        };
        session.on('video', media('video'));
        session.on('audio', media('audio'));
        session.on('metadata', (_m, raw) =>
          connection.messages.push({ kind: 'metadata', timestamp: raw.timestamp, keyframe: false, sequenceHeader: false, coded: false }),
        );
        session.on('unpublish', () => (connection.unpublished = true));
        session.on('close', () => (connection.closed = true));
      });
    });
    return server;
  }
}

/** The ingest: our RtmpServer handing every accepted publish to the restreamer. */
export async function startIngest(getRestreamer: () => StreamRestreamer): Promise<{ server: RtmpServer; url: string; sessions: ServerSession[] }> {
  const server = new RtmpServer();
  const sessions: ServerSession[] = [];
  server.on('session', (session) => {
    session.on('publish', (request) => {
      sessions.push(session);
      // As the API does: the engine listens before Publish.Start goes out.
      getRestreamer().attachPublisher(rtmpIngestSource(session));
      request.accept();
    });
  });
  const { port } = await server.listen(0);
  return { server, url: `rtmp://127.0.0.1:${port}/live/stream-key`, sessions };
}

export interface SendOptions {
  /** Added to every timestamp (a publisher whose clock does not start at 0). */
  timestampOffset?: number;
  /** Speed relative to real time; Infinity = as fast as backpressure allows. */
  speed?: number;
  /** Called before each tag; return false to stop. */
  before?: (tag: FlvTag, index: number) => boolean | Promise<boolean>;
}

/** Sends metadata and tags through a publisher, honouring 'drain'. Returns the tags sent. */
export async function sendTags(publisher: RtmpPublisher, metadata: AmfObject | undefined, tags: FlvTag[], options: SendOptions = {}): Promise<number> {
  const offset = options.timestampOffset ?? 0;
  const speed = options.speed ?? Number.POSITIVE_INFINITY;
  if (metadata !== undefined) publisher.sendMetadata(metadata);
  const started = Date.now();
  const first = tags[0]?.timestamp ?? 0;
  let sent = 0;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] as FlvTag;
    if (options.before !== undefined && !(await options.before(tag, i))) break;
    if (publisher.closed) break;
    if (Number.isFinite(speed)) {
      const due = started + (tag.timestamp - first) / speed;
      const wait = due - Date.now();
      if (wait > 1) await sleep(wait);
    }
    if (tag.kind === 'video') publisher.sendVideo(tag.timestamp + offset, tag.data);
    else publisher.sendAudio(tag.timestamp + offset, tag.data);
    sent += 1;
    if (!publisher.writable) await new Promise<void>((resolve) => {
      const done = (): void => {
        publisher.off('drain', done);
        publisher.off('close', done);
        resolve();
      };
      publisher.once('drain', done);
      publisher.once('close', done);
    });
  }
  return sent;
}

export { publish };

/** Checks that timestamps never go backwards per track. Returns the offending pair, if any. */
export function nonMonotonic(messages: ReceivedMessage[]): string | undefined {
  for (const kind of ['video', 'audio'] as const) {
    let last = -1;
    for (const m of messages) {
      if (m.kind !== kind) continue;
      if (m.timestamp < last) return `${kind} ${last} -> ${m.timestamp}`;
      last = m.timestamp;
    }
  }
  return undefined;
}

/** The first media messages: metadata, then both sequence headers, then a video keyframe. */
export function cleanStart(messages: ReceivedMessage[]): { metadataFirst: boolean; headersBeforeFrames: boolean; firstVideoIsKeyframe: boolean } {
  const firstCoded = messages.findIndex((m) => m.coded);
  const videoHeader = messages.findIndex((m) => m.kind === 'video' && m.sequenceHeader);
  const audioHeader = messages.findIndex((m) => m.kind === 'audio' && m.sequenceHeader);
  const firstVideo = messages.find((m) => m.kind === 'video' && m.coded);
  return {
    metadataFirst: messages[0]?.kind === 'metadata',
    headersBeforeFrames: videoHeader >= 0 && audioHeader >= 0 && videoHeader < firstCoded && audioHeader < firstCoded,
    firstVideoIsKeyframe: firstVideo?.keyframe === true,
  };
}

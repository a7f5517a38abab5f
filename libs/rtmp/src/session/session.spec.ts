import { describe, expect, it } from 'vitest';
import {
  ClientSession,
  PublishRequest,
  RtmpError,
  ServerSession,
  amfEcmaArray,
  encodeMessage,
  serialiseMessage,
} from '..';
import { CLIENT_HANDSHAKE_BYTES, SERVER_HANDSHAKE_BYTES, link, tick } from '../../test/support/memory';

function setup(options: { ackWindow?: number } = {}) {
  const limits = options.ackWindow ? { ackWindow: options.ackWindow } : {};
  const server = new ServerSession({ limits });
  const client = new ClientSession({ limits });
  const pipes = link(server, client);
  return { server, client, ...pipes };
}

async function publishing(options: { ackWindow?: number } = {}) {
  const s = setup(options);
  s.server.on('publish', (req) => req.accept());
  await s.client.connect({ app: 'live', tcUrl: 'rtmp://127.0.0.1/live' });
  const streamId = await s.client.publish('key');
  return { ...s, streamId };
}

describe('server and client sessions in memory', () => {
  it('connects, publishes and delivers metadata, audio and video with their timestamps', async () => {
    const { server, client, streamId } = await publishing();
    expect(streamId).toBe(1);
    expect(server.state).toBe('publishing');
    expect(server.publishing).toMatchObject({ streamName: 'key', publishType: 'live' });

    const got: Array<[string, number, string]> = [];
    let metadata: unknown;
    server.on('metadata', (m) => (metadata = m));
    server.on('audio', (m) => got.push(['audio', m.timestamp, m.payload.toString('hex')]));
    server.on('video', (m) => got.push(['video', m.timestamp, m.payload.toString('hex')]));
    client.sendMetadata(amfEcmaArray({ width: 640, height: 360, encoder: 'test' }));
    client.sendVideo(0, Buffer.from('17000000000164', 'hex'));
    client.sendAudio(0, Buffer.from('af00', 'hex'));
    client.sendVideo(33, Buffer.alloc(10_000, 1));
    client.sendAudio(23, Buffer.from('af01aa', 'hex'));
    await tick(5);
    expect(metadata).toEqual({ width: 640, height: 360, encoder: 'test' });
    expect(got.map(([k, t]) => [k, t])).toEqual([
      ['video', 0],
      ['audio', 0],
      ['video', 33],
      ['audio', 23],
    ]);
    expect(got[2]![2]).toBe(Buffer.alloc(10_000, 1).toString('hex'));
  });

  it('answers connect with Window Ack Size, Set Peer Bandwidth, Set Chunk Size and _result', async () => {
    const { client, toClient } = setup({ ackWindow: 5_000_000 });
    const result = await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    expect(result.information).toMatchObject({ code: 'NetConnection.Connect.Success' });
    const kinds = toClient.messages(SERVER_HANDSHAKE_BYTES).map(({ message }) => message);
    expect(kinds.slice(0, 4)).toEqual([
      { kind: 'windowAckSize', windowSize: 5_000_000 },
      { kind: 'setPeerBandwidth', windowSize: 5_000_000, limitType: 2 },
      { kind: 'setChunkSize', chunkSize: 4096 },
      expect.objectContaining({ kind: 'command', name: '_result', transactionId: 1 }),
    ]);
  });

  it('has the client answer Set Peer Bandwidth with a matching Window Ack Size, once', async () => {
    const { client, toServer } = setup({ ackWindow: 3_000_000 });
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    const windows = toServer
      .messages(CLIENT_HANDSHAKE_BYTES)
      .flatMap(({ message }) => (message.kind === 'windowAckSize' ? [message.windowSize] : []));
    expect(windows).toEqual([3_000_000]);
  });

  it('has the client announce a large chunk size right after the handshake', async () => {
    const { client, toServer } = setup();
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    const first = toServer.messages(CLIENT_HANDSHAKE_BYTES)[0]!.message;
    expect(first).toEqual({ kind: 'setChunkSize', chunkSize: 4096 });
  });

  it('sends releaseStream, FCPublish, createStream and publish, then Stream Begin and Publish.Start come back', async () => {
    const { toServer, toClient } = await publishing();
    const sent = toServer
      .messages(CLIENT_HANDSHAKE_BYTES)
      .flatMap(({ message }) => (message.kind === 'command' ? [message.name] : []));
    expect(sent).toEqual(['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish']);
    const received = toClient.messages(SERVER_HANDSHAKE_BYTES).map(({ message }) => message);
    expect(received).toContainEqual({ kind: 'userControl', event: 'streamBegin', streamId: 1 });
    expect(received).toContainEqual(
      expect.objectContaining({ name: 'onStatus', args: [expect.objectContaining({ code: 'NetStream.Publish.Start' })] }),
    );
  });

  it('advertises the Enhanced RTMP fourCcList in connect when asked', async () => {
    const { server, client } = setup();
    let fourCcList: readonly string[] | undefined;
    server.on('connect', (req) => {
      fourCcList = req.fourCcList;
      req.accept();
    });
    const result = await client.connect({ app: 'live', tcUrl: 'rtmp://h/live', fourCcList: ['hvc1', 'av01', 'vp09'] });
    expect(fourCcList).toEqual(['hvc1', 'av01', 'vp09']);
    expect(result.properties).toMatchObject({ fourCcList: ['hvc1', 'av01', 'vp09'] });
  });

  it('decides publish asynchronously: accept after a delay', async () => {
    const { server, client } = setup();
    server.on('publish', (req) => setTimeout(() => req.accept(), 20));
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    const started = Date.now();
    await client.publish('key');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  describe('media sent behind publish before the host decided', () => {
    /** A client that does not wait for Publish.Start: media right behind `publish`, as some encoders do. */
    async function pipelining(decide: (req: PublishRequest) => void, limits: Record<string, number> = {}) {
      const server = new ServerSession({ limits });
      const client = new ClientSession();
      const pipes = link(server, client);
      let request: PublishRequest | undefined;
      server.on('publish', (req) => (request = req));
      await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
      const published = client.publish('key').then(
        () => 'started',
        (error: RtmpError) => error.code,
      );
      for (let i = 0; i < 50 && request === undefined; i++) await tick(1);
      const streamId = request!.streamId;
      const send = (kind: 'audio' | 'video' | 'data', timestamp: number, payload: Buffer | unknown[]) => {
        const message = kind === 'data' ? { kind, values: payload as never } : { kind, payload: payload as Buffer };
        const { type, payload: body } = encodeMessage(message as never);
        pipes.toServer.write(serialiseMessage({ csid: kind === 'audio' ? 4 : kind === 'video' ? 6 : 5, type, streamId, timestamp, payload: body }, client.outChunkSize));
      };
      return { server, client, request: request!, published, send, decide: () => decide(request!) };
    }

    it('holds metadata and frames until accept, then delivers them in order before anything newer', async () => {
      const p = await pipelining((req) => req.accept());
      const got: string[] = [];
      p.server.on('metadata', (m, raw) => got.push(`meta@${raw.timestamp}:${JSON.stringify(m)}`));
      p.server.on('video', (raw) => got.push(`video@${raw.timestamp}:${raw.payload.toString('hex')}`));
      p.server.on('audio', (raw) => got.push(`audio@${raw.timestamp}:${raw.payload.toString('hex')}`));
      p.send('data', 0, ['@setDataFrame', 'onMetaData', { width: 1280 }]);
      p.send('video', 0, Buffer.from('1700000000', 'hex'));
      p.send('audio', 0, Buffer.from('af00', 'hex'));
      p.send('video', 33, Buffer.alloc(300, 7));
      await tick(5);
      expect(got).toEqual([]); // nothing is heard before the host accepts
      expect(p.server.heldPublishBytes).toBe(Buffer.from(encodeMessage({ kind: 'data', values: ['@setDataFrame', 'onMetaData', { width: 1280 }] }).payload).length + 5 + 2 + 300);
      p.decide();
      p.send('video', 66, Buffer.from('2701', 'hex'));
      await tick(5);
      expect(await p.published).toBe('started');
      expect(got).toEqual([
        'meta@0:{"width":1280}',
        'video@0:1700000000',
        'audio@0:af00',
        `video@33:${Buffer.alloc(300, 7).toString('hex')}`,
        'video@66:2701',
      ]);
      expect(p.server.heldPublishBytes).toBe(0);
    });

    it('discards what it held when the publish is rejected', async () => {
      const p = await pipelining((req) => req.reject('badName'));
      const got: number[] = [];
      p.server.on('video', (raw) => got.push(raw.timestamp));
      p.send('video', 0, Buffer.from('1700000000', 'hex'));
      await tick(5);
      p.decide();
      expect(await p.published).toBe('PUBLISH_BAD_NAME');
      expect(p.server.heldPublishBytes).toBe(0);
      p.send('video', 33, Buffer.from('2701', 'hex'));
      await tick(5);
      expect(got).toEqual([]);
    });

    it('closes the connection with PUBLISH_BACKLOG_OVERFLOW past the byte bound', async () => {
      const p = await pipelining(() => undefined, { maxHeldPublishBytes: 1_000 });
      p.send('video', 0, Buffer.alloc(600, 1));
      p.send('video', 33, Buffer.alloc(600, 2));
      await tick(5);
      expect(p.server.closed).toBe(true);
      expect(p.server.error?.code).toBe('PUBLISH_BACKLOG_OVERFLOW');
    });

    it('closes the connection with PUBLISH_BACKLOG_OVERFLOW past the media-time bound', async () => {
      const p = await pipelining(() => undefined, { maxHeldPublishMs: 500 });
      for (let ts = 0; ts <= 600; ts += 100) p.send('audio', ts, Buffer.from('af01', 'hex'));
      await tick(5);
      expect(p.server.error?.code).toBe('PUBLISH_BACKLOG_OVERFLOW');
      expect(p.server.error?.message).toMatch(/before the publish was accepted/);
    });
  });

  it('maps a rejected publish (bad key) to PUBLISH_BAD_NAME', async () => {
    const { server, client } = setup();
    let request: PublishRequest | undefined;
    server.on('publish', (req) => {
      request = req;
      req.reject('badName');
    });
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    await expect(client.publish('wrong-key')).rejects.toMatchObject({ code: 'PUBLISH_BAD_NAME' });
    expect(request?.streamName).toBe('wrong-key');
    expect(server.publishing).toBeUndefined();
  });

  it('maps a denied publish to PUBLISH_REJECTED', async () => {
    const { server, client } = setup();
    server.on('publish', (req) => req.reject('denied', 'no'));
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    await expect(client.publish('key')).rejects.toMatchObject({ code: 'PUBLISH_REJECTED' });
  });

  it('rejects publish when the host listens to nothing (never publish-by-default)', async () => {
    const { client } = setup();
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    await expect(client.publish('key')).rejects.toBeInstanceOf(RtmpError);
  });

  it('maps a rejected connect to CONNECT_REJECTED and closes both sides', async () => {
    const { server, client } = setup();
    server.on('connect', (req) => req.reject('bad app'));
    await expect(client.connect({ app: 'nope', tcUrl: 'rtmp://h/nope' })).rejects.toMatchObject({ code: 'CONNECT_REJECTED' });
    await tick(5);
    expect(server.closed).toBe(true);
    expect(client.closed).toBe(true);
  });

  it('fails a pending connect with CONNECT_FAILED when the server goes away', async () => {
    const { server, client } = setup();
    server.on('connect', () => setTimeout(() => server.close(), 5));
    await expect(client.connect({ app: 'live', tcUrl: 'rtmp://h/live' })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('unpublishes cleanly with FCUnpublish and deleteStream', async () => {
    const { server, client, toServer } = await publishing();
    const ended: string[] = [];
    server.on('unpublish', (name) => ended.push(name));
    client.unpublish();
    await tick(5);
    expect(ended).toEqual(['key']);
    expect(server.state).toBe('connected');
    const names = toServer.messages(CLIENT_HANDSHAKE_BYTES).flatMap(({ message }) => (message.kind === 'command' ? [message.name] : []));
    expect(names.slice(-2)).toEqual(['FCUnpublish', 'deleteStream']);
  });

  it('emits unpublish when a publishing connection drops', async () => {
    const { server, client } = await publishing();
    const ended: string[] = [];
    server.on('unpublish', (name) => ended.push(name));
    client.close();
    await tick(5);
    expect(ended).toEqual(['key']);
  });

  it('sends an Acknowledgement after every window of received bytes', async () => {
    const { client, toClient } = await publishing({ ackWindow: 20_000 });
    for (let i = 0; i < 10; i++) client.sendVideo(i * 33, Buffer.alloc(10_000, i));
    await tick(10);
    const acks = toClient
      .messages(SERVER_HANDSHAKE_BYTES)
      .flatMap(({ message }) => (message.kind === 'acknowledgement' ? [message.sequenceNumber] : []));
    expect(acks.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < acks.length; i++) expect(acks[i]! - acks[i - 1]!).toBeGreaterThanOrEqual(20_000);
    await tick(5);
    expect(client.peerAcknowledged).toBe(acks[acks.length - 1]);
  });

  it('answers a Ping Request with a Ping Response carrying the same timestamp', async () => {
    const { server, toServer } = await publishing();
    const { type, payload } = encodeMessage({ kind: 'userControl', event: 'pingRequest', timestamp: 123456 });
    server.writeRaw(serialiseMessage({ csid: 2, type, streamId: 0, timestamp: 0, payload }, server.outChunkSize));
    await tick(5);
    const pongs = toServer.messages(CLIENT_HANDSHAKE_BYTES).filter(({ message }) => message.kind === 'userControl');
    expect(pongs.map(({ message }) => message)).toContainEqual({ kind: 'userControl', event: 'pingResponse', timestamp: 123456 });
  });

  it('closes the server session with a typed error on garbage after the handshake', async () => {
    const { server, client } = setup();
    await client.ready();
    const closed = new Promise<RtmpError | undefined>((resolve) => server.on('close', resolve));
    client.writeRaw(Buffer.from([0x45, 0, 0, 0, 0, 0, 0, 0]));
    const error = await closed;
    expect(error).toBeInstanceOf(RtmpError);
    expect(error?.code).toBe('CHUNK_WITHOUT_PREVIOUS');
  });

  it('refuses commands before connect with PROTOCOL_VIOLATION', async () => {
    const { server, client } = setup();
    await client.ready();
    const closed = new Promise<RtmpError | undefined>((resolve) => server.on('close', resolve));
    const { type, payload } = encodeMessage({ kind: 'command', name: 'publish', transactionId: 1, commandObject: null, args: ['x'] });
    client.writeRaw(serialiseMessage({ csid: 3, type, streamId: 1, timestamp: 0, payload }, client.outChunkSize));
    expect((await closed)?.code).toBe('PROTOCOL_VIOLATION');
  });

  it('serves play: Stream Begin, Play.Reset, Play.Start, then media reaches the player', async () => {
    const { server, client } = setup();
    server.on('play', (req) => req.accept());
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    const statuses: string[] = [];
    const media: number[] = [];
    client.on('status', (info) => statuses.push(String(info['code'])));
    client.on('message', (message, raw) => {
      if (message.kind === 'video') media.push(raw.timestamp);
    });
    const send = (name: string, streamId: number, args: unknown[]) => {
      const { type, payload } = encodeMessage({ kind: 'command', name, transactionId: 9, commandObject: null, args: args as never });
      client.writeRaw(serialiseMessage({ csid: 8, type, streamId, timestamp: 0, payload }, client.outChunkSize));
    };
    send('createStream', 0, []);
    await tick(5);
    send('play', 1, ['key', -2]);
    await tick(5);
    expect(server.state).toBe('playing');
    expect(statuses).toEqual(['NetStream.Play.Reset', 'NetStream.Play.Start']);
    server.sendMedia('video', 40, Buffer.from('17', 'hex'));
    server.sendMedia('video', 80, Buffer.alloc(9000, 2));
    await tick(5);
    expect(media).toEqual([40, 80]);
  });
});

describe('real-client quirks (regressions)', () => {
  function rawCommand(client: ClientSession, name: string, streamId: number, commandObject: unknown, args: unknown[]): void {
    const { type, payload } = encodeMessage({
      kind: 'command',
      name,
      transactionId: 1,
      commandObject: commandObject as never,
      args: args as never,
    });
    client.writeRaw(serialiseMessage({ csid: 3, type, streamId, timestamp: 0, payload }, client.outChunkSize));
  }

  it('accepts publish on a stream that was never created (old encoders skip createStream)', async () => {
    const { server, client } = setup();
    const names: string[] = [];
    server.on('publish', (req) => {
      names.push(req.streamName);
      req.accept();
    });
    await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
    rawCommand(client, 'publish', 1, null, ['key', 'live']);
    await tick(5);
    expect(names).toEqual(['key']);
    expect(server.state).toBe('publishing');
  });

  it('strips a trailing slash from the connect app (some encoders send "live/")', async () => {
    const { server, client } = setup();
    let app: string | undefined;
    server.on('connect', (req) => {
      app = req.app;
      req.accept();
    });
    await client.connect({ app: 'live/', tcUrl: 'rtmp://h/live/' });
    expect(app).toBe('live');
    expect(server.app).toBe('live');
  });

  it('splits aggregate messages (FMS-style) into audio and video with rebased timestamps', async () => {
    const { server, client, streamId } = await publishing();
    const got: Array<[number, number]> = [];
    server.on('audio', (m) => got.push([m.type, m.timestamp]));
    server.on('video', (m) => got.push([m.type, m.timestamp]));
    const agg = Buffer.from('08000002000064000000 00 af01 0000000d 09000001 00007a 00 000000 17 0000000c'.replace(/ /g, ''), 'hex');
    client.writeRaw(serialiseMessage({ csid: 7, type: 22, streamId, timestamp: 5000, payload: agg }, client.outChunkSize));
    await tick(5);
    expect(got).toEqual([
      [8, 5000],
      [9, 5022],
    ]);
  });

  it('ignores messages that follow a rejected connect in the same read', async () => {
    const { server, client } = setup();
    let publishes = 0;
    server.on('connect', (req) => req.reject());
    server.on('publish', () => publishes++);
    await client.ready();
    const connect = encodeMessage({ kind: 'command', name: 'connect', transactionId: 1, commandObject: { app: 'x' }, args: [] });
    const pub = encodeMessage({ kind: 'command', name: 'publish', transactionId: 2, commandObject: null, args: ['k'] });
    client.writeRaw(
      Buffer.concat([
        serialiseMessage({ csid: 3, streamId: 0, timestamp: 0, ...connect }, client.outChunkSize),
        serialiseMessage({ csid: 3, streamId: 1, timestamp: 0, ...pub }, client.outChunkSize),
      ]),
    );
    await tick(5);
    expect(server.closed).toBe(true);
    expect(publishes).toBe(0);
  });
});

describe('encode once, write to many', () => {
  it('writes the same serialised Buffer to every player', async () => {
    const players = await Promise.all(
      [0, 1, 2].map(async () => {
        const { server, client, toClient } = setup();
        server.on('play', (req) => req.accept());
        await client.connect({ app: 'live', tcUrl: 'rtmp://h/live' });
        const create = encodeMessage({ kind: 'command', name: 'createStream', transactionId: 2, commandObject: null, args: [] });
        client.writeRaw(serialiseMessage({ csid: 3, streamId: 0, timestamp: 0, ...create }, client.outChunkSize));
        await tick(2);
        const play = encodeMessage({ kind: 'command', name: 'play', transactionId: 3, commandObject: null, args: ['key'] });
        client.writeRaw(serialiseMessage({ csid: 8, streamId: 1, timestamp: 0, ...play }, client.outChunkSize));
        await tick(2);
        const frames: number[] = [];
        client.on('message', (m, raw) => m.kind === 'video' && frames.push(raw.timestamp));
        return { server, toClient, frames };
      }),
    );
    const chunkSize = players[0]!.server.outChunkSize;
    expect(players.every((p) => p.server.outChunkSize === chunkSize && p.server.playing?.streamId === 1)).toBe(true);
    const frame = serialiseMessage({ csid: 6, type: 9, streamId: 1, timestamp: 66, payload: Buffer.alloc(20_000, 5) }, chunkSize);
    for (const p of players) p.server.writeRaw(frame);
    for (const p of players) expect(p.toClient.written[p.toClient.written.length - 1]).toBe(frame);
    await tick(5);
    expect(players.map((p) => p.frames)).toEqual([[66], [66], [66]]);
  });
});

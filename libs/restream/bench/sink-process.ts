/**
 * The destinations: one RTMP listener in its own process (so its CPU is not the system under
 * test's), accepting publishes to `live/sinkK` and logging every audio and video message with
 * its arrival time. Run by fanout-bench.ts; not meant to be started by hand.
 *
 * Each connection is a @fanout/rtmp ServerSession, made lenient the way nginx-rtmp is: media on
 * message stream 0 counts as media of the stream being published. Node-Media-Server 4.4.3's
 * push relay sends its audio and video with message stream id 0 (not the id createStream gave
 * it), which a strict ServerSession drops, and so would every real destination that checks.
 */
import { Socket, createServer } from 'node:net';
import { RawMessage, RtmpMessage, ServerSession, SocketTransport, socketError } from '@fanout/rtmp';
import { childWatchdog } from './support/children';
import { wallMs } from './support/clock';
import { ParentMessage, SinkLog, answerPings, reply } from './support/ipc';

const MAX_MESSAGES_PER_SINK = 200_000;

/**
 * A video message with a coded picture: legacy FLV AVC/HEVC with AVCPacketType 1 (NALUs), or
 * another legacy codec; for enhanced RTMP (bit 7 set), packet type 1 (CodedFrames) or 3 (CodedFramesX).
 */
function carriesPicture(payload: Buffer): boolean {
  if (payload.length < 2) return false;
  const first = payload[0]!;
  if (first & 0x80) return (first & 0x0f) === 1 || (first & 0x0f) === 3;
  const codec = first & 0x0f;
  if ((first >> 4) === 5) return false; // video info/command frame
  return codec === 7 || codec === 12 ? payload[1] === 1 : true;
}

class LenientSinkSession extends ServerSession {
  protected override onMessage(message: RtmpMessage, raw: RawMessage): void {
    const media = message.kind === 'audio' || message.kind === 'video' || message.kind === 'data';
    if (media && raw.streamId === 0 && this.publishing) return super.onMessage(message, { ...raw, streamId: this.publishing.streamId });
    super.onMessage(message, raw);
  }
}

async function main(): Promise<void> {
  childWatchdog();
  answerPings();
  const sinks = new Map<string, SinkLog>();
  const sessions = new Map<Socket, ServerSession>();
  const onSession = (session: ServerSession): void => {
    let log: SinkLog | undefined;
    const record = (message: { type: number; timestamp: number; payload: Buffer }): void => {
      const at = wallMs();
      if (!log) return;
      if (log.firstFrameAt === null && message.type === 9 && carriesPicture(message.payload)) log.firstFrameAt = at;
      if (log.at.length >= MAX_MESSAGES_PER_SINK) return;
      log.at.push(at);
      log.ts.push(message.timestamp);
      log.len.push(message.payload.length);
      log.type.push(message.type);
    };
    session.on('publish', (request) => {
      if (request.app !== 'live' || !/^sink\d+$/.test(request.streamName)) return request.reject('badName');
      log = sinks.get(request.streamName);
      if (!log) {
        log = { name: request.streamName, connections: 0, wireBytes: 0, closeErrors: [], firstFrameAt: null, at: [], ts: [], len: [], type: [] };
        sinks.set(request.streamName, log);
      }
      log.connections++;
      request.accept();
    });
    session.on('audio', record);
    session.on('video', record);
    session.on('close', (error) => {
      if (!log) return;
      log.wireBytes += session.bytesReceived;
      if (error) log.closeErrors.push(error.code);
    });
  };
  // Wired as RtmpServer wires its sessions (without its handshake and idle timers: the bench bounds the sink's life).
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const session = new LenientSinkSession();
    sessions.set(socket, session);
    onSession(session);
    session.attach(new SocketTransport(socket, 16 * 1024 * 1024, (error) => session.close(error)));
    socket.on('data', (data: Buffer) => session.receive(data));
    socket.on('drain', () => session.notifyDrain());
    socket.on('error', (error: Error) => session.transportClosed(socketError(error)));
    socket.on('close', () => {
      sessions.delete(socket);
      session.transportClosed(undefined);
    });
  });

  process.on('message', (raw: unknown) => {
    const message = raw as ParentMessage;
    if (message.type === 'count') {
      let messages = 0;
      for (const s of sinks.values()) messages += s.at.length;
      reply({ type: 'count', messages });
    } else if (message.type === 'collect') {
      // Connections still open: count their bytes so far.
      const open = new Map<string, number>();
      for (const session of sessions.values()) {
        const name = session.publishing?.streamName;
        if (name) open.set(name, (open.get(name) ?? 0) + session.bytesReceived);
      }
      const out = [...sinks.values()].map((s) => ({ ...s, wireBytes: s.wireBytes + (open.get(s.name) ?? 0) }));
      reply({ type: 'results', sinks: out });
    } else if (message.type === 'stop') {
      for (const socket of sessions.keys()) socket.destroy();
      server.close(() => process.exit(0));
    }
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  reply({ type: 'ready', port });
}

main().catch((error: unknown) => {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

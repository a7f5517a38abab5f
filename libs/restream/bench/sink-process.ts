/**
 * The destinations: one RtmpServer in its own process (so its CPU is not the system under
 * test's), accepting publishes to `live/sinkK` and logging every audio and video message with
 * its arrival time. Run by fanout-bench.ts; not meant to be started by hand.
 */
import { RtmpServer } from '@fanout/rtmp';
import { childWatchdog } from './support/children';
import { wallMs } from './support/clock';
import { ParentMessage, SinkLog, answerPings, reply } from './support/ipc';

const MAX_MESSAGES_PER_SINK = 200_000;

async function main(): Promise<void> {
  childWatchdog();
  answerPings();
  const sinks = new Map<string, SinkLog>();
  const server = new RtmpServer({ limits: { idleTimeoutMs: 120_000 } });

  server.on('session', (session) => {
    let log: SinkLog | undefined;
    const record = (message: { type: number; timestamp: number; payload: Buffer }): void => {
      const at = wallMs();
      if (!log || log.at.length >= MAX_MESSAGES_PER_SINK) return;
      log.at.push(at);
      log.ts.push(message.timestamp);
      log.len.push(message.payload.length);
      log.type.push(message.type);
    };
    session.on('publish', (request) => {
      if (request.app !== 'live' || !/^sink\d+$/.test(request.streamName)) return request.reject('badName');
      log = sinks.get(request.streamName);
      if (!log) {
        log = { name: request.streamName, connections: 0, wireBytes: 0, closeErrors: [], at: [], ts: [], len: [], type: [] };
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
      for (const session of server.sessions) {
        const name = session.publishing?.streamName;
        if (name) open.set(name, (open.get(name) ?? 0) + session.bytesReceived);
      }
      const out = [...sinks.values()].map((s) => ({ ...s, wireBytes: s.wireBytes + (open.get(s.name) ?? 0) }));
      reply({ type: 'results', sinks: out });
    } else if (message.type === 'stop') {
      void server.close().then(() => process.exit(0));
    }
  });

  const { port } = await server.listen(0, '127.0.0.1');
  reply({ type: 'ready', port });
}

main().catch((error: unknown) => {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

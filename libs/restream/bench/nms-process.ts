/**
 * Node-Media-Server 4.4.3 (the npm package, a devDependency of this bench) in its own process,
 * relaying with its native RTMP push: NMS's NodeRelayServer.addTask({ url, mode: 'push',
 * streamPath }) starts an RtmpClientSession that plays the local stream and publishes it to `url`
 * (JavaScript RTMP client, no ffmpeg). It is what NMS's own REST API (POST /api/v1/relay) calls.
 * In 4.4.3 a push task needs its local stream to be live when it starts (otherwise the task ends
 * at once), so the tasks are added on NMS's 'postPublish' event, one per destination: what an
 * NMS user scripts with `nms.on('postPublish', ...)`.
 *
 * Each ingest publishes to `live/in<m>` and is pushed to `live/sink<(m-1)·N+k>` on the sinks.
 * NMS runs with its defaults otherwise (its logger at debug, as its constructor sets it; output
 * to /dev/null), with no HTTP server, no recording and its JSON store in `dataDir`.
 *
 * Usage (by systems.ts): nms-process.ts <node-media-server dir> <destinations per ingest> <sinkPort> <ingests> <rtmpPort> <dataDir>
 */
import { createRequire } from 'node:module';
import { childWatchdog } from './support/children';
import { ParentMessage, answerPings, reply } from './support/ipc';

interface NmsSession {
  streamPath: string;
}

interface NmsRelayServer {
  addTask(config: { url: string; mode: 'push' | 'pull'; streamPath: string; reconnect?: boolean }): unknown;
  listTasks(): Array<{ taskKey: string; isRunning: boolean; reconnectAttempts: number; outBytes: number; url: string }>;
}

interface NodeMediaServer {
  relayServer: NmsRelayServer;
  on(event: 'postPublish' | 'donePublish', listener: (session: NmsSession) => void): void;
  run(): Promise<void>;
  stop(): Promise<void>;
}

type NodeMediaServerConstructor = new (config: Record<string, unknown>, configPath?: string) => NodeMediaServer;

async function main(): Promise<void> {
  childWatchdog();
  answerPings();
  const [nmsDir, countArg, sinkPortArg, ingestsArg, rtmpPortArg, dataDir] = process.argv.slice(2);
  const count = Number(countArg);
  const sinkPort = Number(sinkPortArg);
  const ingests = Number(ingestsArg);
  const rtmpPort = Number(rtmpPortArg);
  if (!nmsDir || !dataDir || !(count >= 1) || !(sinkPort > 0) || !(ingests >= 1) || !(rtmpPort > 0)) {
    throw new Error('usage: nms-process.ts <nms dir> <destinations per ingest> <sinkPort> <ingests> <rtmpPort> <dataDir>');
  }
  const NodeMediaServer = createRequire(`${nmsDir}/`)(nmsDir) as NodeMediaServerConstructor;
  const nms = new NodeMediaServer({
    bind: '127.0.0.1',
    rtmp: { port: rtmpPort },
    auth: { play: false, publish: false, secret: '' },
    store: { path: dataDir },
    record: { auto: false, path: `${dataDir}/record` },
    webadmin: { enable: false },
    notify: { url: '' },
  });
  const pushed = new Set<string>();
  nms.on('postPublish', (session) => {
    const match = /^\/live\/in(\d+)$/.exec(session.streamPath);
    if (!match || pushed.has(session.streamPath)) return;
    pushed.add(session.streamPath);
    const m = Number(match[1]);
    for (let i = 0; i < count; i++) {
      const k = (m - 1) * count + i + 1;
      nms.relayServer.addTask({ url: `rtmp://127.0.0.1:${sinkPort}/live/sink${k}`, mode: 'push', streamPath: session.streamPath, reconnect: true });
    }
  });
  await nms.run();

  let stopping = false;
  process.on('message', (raw: unknown) => {
    if ((raw as ParentMessage).type !== 'stop' || stopping) return;
    stopping = true;
    const tasks = nms.relayServer.listTasks();
    const stats = {
      tasks: tasks.length,
      running: tasks.filter((t) => t.isRunning).length,
      reconnects: tasks.reduce((n, t) => n + t.reconnectAttempts, 0),
      outBytes: tasks.reduce((n, t) => n + t.outBytes, 0),
    };
    void nms
      .stop()
      .catch(() => undefined)
      .then(() => {
        reply({ type: 'stopped', stats });
        setTimeout(() => process.exit(0), 50);
      });
  });
  reply({ type: 'ready', port: rtmpPort });
}

main().catch((error: unknown) => {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
});

/**
 * The fan-out under test, alone in its process (its CPU and memory are measured from /proc):
 * an RtmpServer ingest on 127.0.0.1 whose accepted publish is fanned out to N sinks.
 *
 *   engine=restream  our StreamRestreamer (libs/restream/src), the product
 *   engine=naive     a bench-only reference relay: one @fanout/rtmp publish() per destination,
 *                    each frame serialised once and written to all (no queues, no drops). It
 *                    exists to test the harness and as a floor for what the engine adds.
 *   engine=passthrough  the Node floor: after the RTMP setup (handshake, connect, publish on both
 *                    sides), every ingest socket read is written unchanged to the N destination
 *                    sockets: no parsing, no queues, no timers. No Node relay of this stream can
 *                    spend less; what the product spends above it is what the engine costs.
 *                    (Valid because the bench's publisher and our client agree on chunk size,
 *                    chunk stream ids and message stream id, and send format 0 headers.)
 *
 * With M ingests (multi-ingest mode), each publishes to its own stream `live/in<m>` and has its
 * own N destinations, `live/sink<(m-1)·N+k>`: one StreamRestreamer (or relay) per ingest, all in
 * this one process, as the API hosts them.
 *
 * Usage (by fanout-bench.ts): fanout-process.ts <engine> <destinations per ingest> <sinkPort> [ingests=1]
 */
import { createServer } from 'node:net';
import { RtmpPublisher, RtmpServer, ServerSession, SocketTransport, isAmfObject, publish } from '@fanout/rtmp';
import { childWatchdog } from './support/children';
import { BenchDestination, loadEngine } from './support/engine';
import { ParentMessage, answerPings, reply } from './support/ipc';

interface Engine {
  attach(session: ServerSession): void;
  stats(): unknown;
  close(): Promise<void>;
}

async function restreamEngine(streamId: string, destinations: BenchDestination[]): Promise<Engine> {
  const engine = await loadEngine();
  const restreamer = new engine.StreamRestreamer({ streamId, destinations });
  return {
    attach: (session) => void restreamer.attachPublisher(engine.source(session)),
    stats: () => toJson(restreamer.stats),
    close: () => restreamer.close(),
  };
}

async function naiveEngine(_streamId: string, destinations: BenchDestination[]): Promise<Engine> {
  const outputs: RtmpPublisher[] = await Promise.all(destinations.map((d) => publish(`${d.url}/${d.streamKey}`)));
  const bytes = new Array<number>(outputs.length).fill(0);
  return {
    attach(session) {
      const forward = (kind: 'audio' | 'video', timestamp: number, payload: Buffer): void => {
        const serialised = new Map<string, Buffer>();
        outputs.forEach((output, i) => {
          if (output.closed) return;
          let chunks = serialised.get(output.serialisationKey);
          if (!chunks) {
            chunks = output.serialiseMedia(kind, timestamp, payload);
            serialised.set(output.serialisationKey, chunks);
          }
          output.writeRaw(chunks);
          bytes[i] = (bytes[i] ?? 0) + payload.length;
        });
      };
      session.on('audio', (m) => forward('audio', m.timestamp, m.payload));
      session.on('video', (m) => forward('video', m.timestamp, m.payload));
      session.on('metadata', (metadata) => {
        if (isAmfObject(metadata)) for (const output of outputs) output.sendMetadata(metadata);
      });
    },
    stats: () => destinations.map((d, i) => ({ id: d.id, bytesSent: bytes[i], state: outputs[i]?.closed ? 'closed' : 'live' })),
    close: async () => {
      await Promise.all(outputs.map((o) => o.close()));
    },
  };
}

/**
 * Byte passthrough (see the header). Listens itself instead of through RtmpServer: it needs the
 * ingest socket, to take it away from the session once the publish is accepted. The publisher
 * waits for Publish.Start before it sends media, so the next read starts on a message boundary.
 */
async function passthrough(byIngest: Map<string, BenchDestination[]>): Promise<{ listen(): Promise<number>; stats(): unknown; close(): Promise<void> }> {
  const relays = new Map<string, { outputs: RtmpPublisher[]; bytes: number; attached: boolean }>();
  for (const [name, destinations] of byIngest) {
    relays.set(name, { outputs: await Promise.all(destinations.map((d) => publish(`${d.url}/${d.streamKey}`))), bytes: 0, attached: false });
  }
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const session = new ServerSession();
    session.attach(new SocketTransport(socket, 16 * 1024 * 1024, (error) => session.close(error)));
    const toSession = (data: Buffer): void => session.receive(data);
    socket.on('data', toSession);
    socket.on('error', () => socket.destroy());
    session.on('publish', (request) => {
      const relay = relays.get(request.streamName);
      if (!relay || relay.attached) return request.reject('badName', 'one publish per ingest stream');
      relay.attached = true;
      request.accept();
      socket.off('data', toSession);
      socket.on('data', (data: Buffer) => {
        relay.bytes += data.length;
        for (const output of relay.outputs) output.writeRaw(data);
      });
    });
  });
  const all = [...relays.values()].flatMap((r) => r.outputs);
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
      }),
    stats: () => ({
      ingestBytes: [...relays.values()].reduce((n, r) => n + r.bytes, 0),
      destinations: [...byIngest.values()].flat().map((d, i) => ({ id: d.id, state: all[i]?.closed ? 'closed' : 'live' })),
    }),
    close: async () => {
      await Promise.all(all.map((o) => o.close()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON-safe copy (Maps become objects), bounded so a huge stats object cannot flood IPC. */
function toJson(value: unknown): unknown {
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v));
  if (text === undefined) return null;
  return text.length > 2_000_000 ? { truncated: true } : (JSON.parse(text) as unknown);
}

/** On the parent's 'stop': take the stats, close, answer 'stopped' with them, and exit. */
function stopOnRequest(stats: () => unknown, close: () => Promise<void>): void {
  let stopping = false;
  process.on('message', (raw: unknown) => {
    if ((raw as ParentMessage).type !== 'stop' || stopping) return;
    stopping = true;
    const taken = stats();
    void close()
      .catch(() => undefined)
      .then(() => {
        reply({ type: 'stopped', stats: taken });
        setTimeout(() => process.exit(0), 50);
      });
  });
}

async function main(): Promise<void> {
  childWatchdog();
  answerPings();
  const [engineName, countArg, sinkPortArg, ingestsArg] = process.argv.slice(2);
  const count = Number(countArg);
  const sinkPort = Number(sinkPortArg);
  const ingests = Number(ingestsArg ?? 1);
  if (!(count >= 1) || !(sinkPort > 0) || !(ingests >= 1)) {
    throw new Error('usage: fanout-process.ts <restream|naive|passthrough> <destinations per ingest> <sinkPort> [ingests]');
  }
  const byIngest = new Map<string, BenchDestination[]>();
  for (let m = 1; m <= ingests; m++) {
    byIngest.set(
      `in${m}`,
      Array.from({ length: count }, (_, i) => {
        const k = (m - 1) * count + i + 1;
        return { id: `d${k}`, name: `sink${k}`, url: `rtmp://127.0.0.1:${sinkPort}/live`, streamKey: `sink${k}`, enabled: true };
      }),
    );
  }
  if (engineName === 'passthrough') {
    const relay = await passthrough(byIngest);
    stopOnRequest(relay.stats, relay.close);
    reply({ type: 'ready', port: await relay.listen() });
    return;
  }
  const make = engineName === 'restream' ? restreamEngine : engineName === 'naive' ? naiveEngine : undefined;
  if (!make) throw new Error(`unknown engine ${engineName}`);
  const engines = new Map<string, Engine>();
  for (const [name, destinations] of byIngest) engines.set(name, await make(name, destinations));

  const server = new RtmpServer();
  const attached = new Set<string>();
  server.on('session', (session) => {
    session.on('publish', (request) => {
      const engine = engines.get(request.streamName);
      if (!engine || attached.has(request.streamName)) return request.reject('badName', 'one publish per ingest stream');
      attached.add(request.streamName);
      engine.attach(session); // before Publish.Start goes out, as the platform does
      request.accept();
    });
  });

  const stats = (): unknown => {
    const all = [...engines.values()].map((e) => e.stats());
    // One ingest: the engine's own stats object, as before; several: their destinations together.
    return all.length === 1 ? all[0] : { destinations: all.flatMap((s) => (s as { destinations?: unknown[] } | null)?.destinations ?? (Array.isArray(s) ? s : [])) };
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all([...engines.values()].map((e) => e.close().catch(() => undefined)));
    await server.close();
  };
  stopOnRequest(stats, closeAll);
  const { port } = await server.listen(0, '127.0.0.1');
  reply({ type: 'ready', port });
}

main().catch((error: unknown) => {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
});

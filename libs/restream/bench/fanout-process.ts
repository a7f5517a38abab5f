/**
 * The fan-out under test, alone in its process (its CPU and memory are measured from /proc):
 * an RtmpServer ingest on 127.0.0.1 whose accepted publish is fanned out to N sinks.
 *
 *   engine=restream  our StreamRestreamer (libs/restream/src), the product
 *   engine=naive     a bench-only reference relay: one @fanout/rtmp publish() per destination,
 *                    each frame serialised once and written to all (no queues, no drops). It
 *                    exists to test the harness and as a floor for what the engine adds.
 *
 * Usage (by fanout-bench.ts): fanout-process.ts <engine> <destinations> <sinkPort>
 */
import { RtmpPublisher, RtmpServer, ServerSession, isAmfObject, publish } from '@fanout/rtmp';
import { childWatchdog } from './support/children';
import { BenchDestination, loadRestreamer } from './support/engine';
import { ParentMessage, answerPings, reply } from './support/ipc';

interface Engine {
  attach(session: ServerSession): void;
  stats(): unknown;
  close(): Promise<void>;
}

async function restreamEngine(destinations: BenchDestination[]): Promise<Engine> {
  const StreamRestreamer = await loadRestreamer();
  const restreamer = new StreamRestreamer({ streamId: 'bench', destinations });
  return {
    attach: (session) => void restreamer.attachPublisher(session),
    stats: () => toJson(restreamer.stats),
    close: () => restreamer.close(),
  };
}

async function naiveEngine(destinations: BenchDestination[]): Promise<Engine> {
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

/** A JSON-safe copy (Maps become objects), bounded so a huge stats object cannot flood IPC. */
function toJson(value: unknown): unknown {
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v));
  if (text === undefined) return null;
  return text.length > 2_000_000 ? { truncated: true } : (JSON.parse(text) as unknown);
}

async function main(): Promise<void> {
  childWatchdog();
  answerPings();
  const [engineName, countArg, sinkPortArg] = process.argv.slice(2);
  const count = Number(countArg);
  const sinkPort = Number(sinkPortArg);
  if (!(count >= 1) || !(sinkPort > 0)) throw new Error('usage: fanout-process.ts <restream|naive> <destinations> <sinkPort>');
  const destinations: BenchDestination[] = Array.from({ length: count }, (_, i) => ({
    id: `d${i + 1}`,
    name: `sink${i + 1}`,
    url: `rtmp://127.0.0.1:${sinkPort}/live`,
    streamKey: `sink${i + 1}`,
    enabled: true,
  }));
  let engine: Engine;
  if (engineName === 'restream') engine = await restreamEngine(destinations);
  else if (engineName === 'naive') engine = await naiveEngine(destinations);
  else throw new Error(`unknown engine ${engineName}`);

  const server = new RtmpServer();
  let attached = false;
  server.on('session', (session) => {
    session.on('publish', (request) => {
      if (attached) return request.reject('badName', 'one ingest per bench run');
      attached = true;
      request.accept();
      engine.attach(session);
    });
  });

  let stopping = false;
  process.on('message', (raw: unknown) => {
    const message = raw as ParentMessage;
    if (message.type !== 'stop' || stopping) return;
    stopping = true;
    const stats = engine.stats();
    void engine
      .close()
      .catch(() => undefined)
      .then(() => server.close())
      .then(() => {
        reply({ type: 'stopped', stats });
        setTimeout(() => process.exit(0), 50);
      });
  });

  const { port } = await server.listen(0, '127.0.0.1');
  reply({ type: 'ready', port });
}

main().catch((error: unknown) => {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
});

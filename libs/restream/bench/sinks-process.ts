/**
 * The engine under test of sinks-bench.ts, alone in its process (its CPU is read from /proc):
 * an RtmpServer ingest on 127.0.0.1 whose publish (live/in1) goes to one StreamRestreamer with
 * N RTMP destinations (live/sink1..N on the sink process), and, as the configuration asks:
 *
 *   - one RecordingSink writing a real fragmented MP4 into <recordDir> (openRecordingFile, the
 *     sink's defaults, as apps/api's RecordingHost attaches it);
 *   - an HTTP server (127.0.0.1) that serves the live preview the way apps/api does: each
 *     `GET /preview` is an FlvSink from the current keyframe, with the API's viewer queue and
 *     stall timeout (apps/api/src/ingest/engine-registry.ts), over writableFlvTarget(response)
 *     with the API's headers; the response ends when the sink goes, the sink when the response
 *     closes.
 *
 * Usage (by sinks-bench.ts): sinks-process.ts <destinations> <sinkPort> <recordDir|->; 'ready' gives the
 * ingest port and info.previewPort.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { RtmpServer } from '@fanout/rtmp';
import { FlvSink, RecordingSink, StreamRestreamer, openRecordingFile, rtmpIngestSource, writableFlvTarget } from '../src';
import { childWatchdog } from './support/children';
import { ParentMessage, answerPings, reply } from './support/ipc';

/** As apps/api/src/ingest/engine-registry.ts gives every preview viewer. */
const VIEWER_QUEUE = { maxBytes: 4 * 1024 * 1024, maxDurationMs: 4_000 };
const VIEWER_STALL_MS = 5_000;
/** As apps/api/src/preview/preview.service.ts answers a preview. */
const FLV_HEADERS = { 'content-type': 'video/x-flv', 'cache-control': 'no-store', 'x-accel-buffering': 'no' };

async function main(): Promise<void> {
  childWatchdog();
  answerPings();
  const [countArg, sinkPortArg, recordDir] = process.argv.slice(2);
  const count = Number(countArg);
  const sinkPort = Number(sinkPortArg);
  if (!(count >= 0) || !(sinkPort > 0) || !recordDir) throw new Error('usage: sinks-process.ts <destinations> <sinkPort> <recordDir|->');
  const destinations = Array.from({ length: count }, (_, i) => ({
    id: `d${i + 1}`,
    name: `sink${i + 1}`,
    url: `rtmp://127.0.0.1:${sinkPort}/live`,
    streamKey: `sink${i + 1}`,
    enabled: true,
  }));
  const restreamer = new StreamRestreamer({ streamId: 'in1', destinations });
  if (recordDir !== '-') {
    const path = join(recordDir, `recording-${process.pid}-${Date.now()}.mp4`);
    restreamer.attachSink((ctx) => new RecordingSink({ id: 'recording', name: 'Recording', open: () => openRecordingFile(path) }, ctx));
  }

  // Preview viewers: attached only while the ingest is live, as the API refuses a preview otherwise.
  let live = false;
  let viewers = 0;
  const http = createServer((request, response) => {
    if (request.url !== '/preview' || !live) {
      response.writeHead(409).end();
      return;
    }
    const id = `preview:${++viewers}`;
    response.writeHead(200, FLV_HEADERS);
    let gone = false;
    const detach = (): void => {
      if (gone) return;
      gone = true;
      void restreamer.detachSink(id).catch(() => undefined);
      if (!response.destroyed) response.end();
    };
    response.on('close', detach);
    restreamer.attachSink(
      (ctx) =>
        new FlvSink(
          { id, kind: 'preview', name: 'preview', from: 'keyframe', open: async () => writableFlvTarget(response), queue: VIEWER_QUEUE, stallTimeoutMs: VIEWER_STALL_MS, onGone: detach },
          ctx,
        ),
    );
  });
  const previewPort = await new Promise<number>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port));
  });

  const server = new RtmpServer();
  let attached = false;
  server.on('session', (session) => {
    session.on('publish', (request) => {
      if (request.streamName !== 'in1' || attached) return request.reject('badName', 'one publish, to live/in1');
      attached = true;
      restreamer.attachPublisher(rtmpIngestSource(session)); // before Publish.Start goes out, as the platform does
      request.accept();
      live = true;
    });
  });

  let stopping = false;
  process.on('message', (raw: unknown) => {
    if ((raw as ParentMessage).type !== 'stop' || stopping) return;
    stopping = true;
    const stats = JSON.parse(JSON.stringify(restreamer.stats)) as unknown;
    void (async () => {
      live = false;
      await restreamer.endNow('bench over').catch(() => undefined);
      await restreamer.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.close();
    })()
      .catch(() => undefined)
      .then(() => {
        reply({ type: 'stopped', stats });
        setTimeout(() => process.exit(0), 50);
      });
  });
  const { port } = await server.listen(0, '127.0.0.1');
  reply({ type: 'ready', port, info: { previewPort } });
}

main().catch((error: unknown) => {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
});

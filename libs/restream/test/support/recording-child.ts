/**
 * The engine with a recording, alone in a process, for the tests that must kill it (kill -9)
 * or give it a file system of its own (a small tmpfs in a mount namespace, for a real ENOSPC and
 * a real statfs): an RtmpServer ingest handing its publish to a StreamRestreamer with a
 * RecordingSink writing `file`, and optionally one RTMP destination.
 *
 * Usage: recording-child.ts '<json ChildConfig>'. It prints one JSON line per event on stdout
 * ({type:'ready', port}, {type:'sink', ...}, {type:'stats', ...}, {type:'file', ...}); on the line
 * 'end' on stdin it ends the broadcast, copies the recording to `copyTo` when asked, reports
 * {type:'done', free} and exits. It exits by itself after `lifetimeMs`.
 */
import { copyFileSync, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { RtmpServer } from '@fanout/rtmp';
import { type FreeSpaceOptions, RecordingSink, type RecordingStats, StreamRestreamer, openRecordingFile, recordingPartPath, rtmpIngestSource } from '../../src';

export interface ChildConfig {
  file: string;
  copyTo?: string;
  destination?: { url: string; key: string };
  freeSpace?: Partial<FreeSpaceOptions>;
  lifetimeMs?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
setTimeout(() => process.exit(3), config.lifetimeMs ?? 60_000).unref();

const restreamer = new StreamRestreamer({
  streamId: 'child',
  destinations: config.destination ? [{ id: 'd0', name: 'd0', url: config.destination.url, streamKey: config.destination.key, enabled: true }] : [],
  graceMs: 1_000,
  connectDelayMs: 300,
  statsIntervalMs: 100,
  queue: { maxBytes: 64 * 1024 * 1024, maxDurationMs: 600_000 },
});
const recording = restreamer.attachSink(
  (ctx) =>
    new RecordingSink(
      {
        id: 'rec',
        name: 'Recording',
        open: (part) => openRecordingFile(recordingPartPath(config.file, part)),
        onFile: (event) => say({ type: 'file', event }),
        ...(config.freeSpace ? { freeSpace: config.freeSpace } : {}),
      },
      ctx,
    ),
);
restreamer.on('sinkState', (change) => say({ type: 'sink', to: change.to, message: change.message ?? null, stats: recording.stats(restreamer.stats.ingest) }));
restreamer.on('destinationState', (change) => say({ type: 'destination', to: change.to }));
restreamer.on('stats', (stats) => say({ type: 'stats', recording: stats.sinks[0] as RecordingStats }));

const server = new RtmpServer();
server.on('session', (session) => {
  session.on('publish', (request) => {
    restreamer.attachPublisher(rtmpIngestSource(session));
    request.accept();
  });
});

async function main(): Promise<void> {
  const { port } = await server.listen(0, '127.0.0.1');
  say({ type: 'ready', port });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== 'end') continue;
    await restreamer.endNow('test over');
    await restreamer.close();
    if (config.copyTo !== undefined && existsSync(config.file)) copyFileSync(config.file, config.copyTo);
    const s = statfsSync(dirname(config.file));
    say({ type: 'done', free: s.bavail * s.bsize, total: s.blocks * s.bsize, stats: recording.stats(restreamer.stats.ingest) });
    await server.close();
    process.exit(0);
  }
}

void main();

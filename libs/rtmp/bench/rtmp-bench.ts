/**
 * RTMP codec benchmark: chunk parsing and serialisation throughput, and allocations per
 * message, on a recorded ~6 Mb/s H.264 + AAC stream.
 *
 *   node --import tsx libs/rtmp/bench/rtmp-bench.ts
 *
 * The stream is generated once with ffmpeg into bench/.data/ (ignored by git). Results are
 * printed as a table and written to bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkDecoder, RawMessage, decodeMessage, readFlv, serialiseMessage } from '../src';

const CHUNK_SIZE = 4096;
const READ_SIZE = 64 * 1024; // how a socket typically hands us data
const MIN_BENCH_MS = 1500;
const dataDir = join(__dirname, '.data');
const flvPath = join(dataDir, 'stream-6mbps.flv');

interface Message {
  csid: number;
  type: number;
  streamId: number;
  timestamp: number;
  payload: Buffer;
}

function ensureRecording(): void {
  if (existsSync(flvPath)) return;
  mkdirSync(dataDir, { recursive: true });
  console.log('generating a 10 s ~6 Mb/s H.264 + AAC recording with ffmpeg ...');
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
      '-f', 'lavfi', '-i', 'sine',
      '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '6M', '-maxrate', '6M', '-bufsize', '6M', '-g', '60',
      '-c:a', 'aac', '-b:a', '128k', '-t', '10', '-f', 'flv', flvPath,
    ],
    { stdio: 'inherit', timeout: 300_000 },
  );
}

function messagesFromFlv(): Message[] {
  const out: Message[] = [];
  for (const tag of readFlv(readFileSync(flvPath)).tags) {
    if (tag.kind === 'unknown') continue;
    const csid = tag.kind === 'audio' ? 4 : tag.kind === 'video' ? 6 : 5;
    out.push({ csid, type: tag.type, streamId: 1, timestamp: tag.timestamp, payload: tag.data });
  }
  return out;
}

function setChunkSize(size: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(size);
  return serialiseMessage({ csid: 2, type: 1, streamId: 0, timestamp: 0, payload });
}

/** Runs `pass` repeatedly for at least MIN_BENCH_MS; returns passes and elapsed ms. */
function timeIt(pass: () => void): { passes: number; ms: number } {
  for (let i = 0; i < 5; i++) pass(); // warm up the JIT
  let passes = 0;
  const start = performance.now();
  let ms = 0;
  while (ms < MIN_BENCH_MS) {
    pass();
    passes++;
    ms = performance.now() - start;
  }
  return { passes, ms };
}

/**
 * Counts Buffer allocations made while `fn` runs (alloc, allocUnsafe(Slow), from, concat) and
 * the bytes requested by the sized ones (alloc, allocUnsafe, allocUnsafeSlow).
 */
function countBufferAllocations(fn: () => void): { count: number; bytes: number } {
  const B = Buffer as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat'] as const;
  const originals = names.map((n) => B[n]!);
  let count = 0;
  let bytes = 0;
  names.forEach((n, i) => {
    const original = originals[i]!;
    B[n] = function (this: unknown, ...args: unknown[]) {
      count++;
      if (n.startsWith('alloc') && typeof args[0] === 'number') bytes += args[0];
      return original.apply(this, args);
    };
  });
  try {
    fn();
  } finally {
    names.forEach((n, i) => (B[n] = originals[i]!));
  }
  return { count, bytes };
}

function main(): void {
  ensureRecording();
  const messages = messagesFromFlv();
  const payloadBytes = messages.reduce((n, m) => n + m.payload.length, 0);
  const durationS = (messages[messages.length - 1]!.timestamp - messages[0]!.timestamp) / 1000;
  const stream = Buffer.concat([setChunkSize(CHUNK_SIZE), ...messages.map((m) => serialiseMessage(m, CHUNK_SIZE))]);
  const reads: Buffer[] = [];
  for (let i = 0; i < stream.length; i += READ_SIZE) reads.push(stream.subarray(i, i + READ_SIZE));

  let sink = 0;
  const parsePass = (): void => {
    const decoder = new ChunkDecoder({ onMessage: (m: RawMessage) => (sink += m.payload.length) });
    for (const read of reads) decoder.push(read);
  };
  const parseAndDecodePass = (): void => {
    const decoder = new ChunkDecoder({
      onMessage: (m: RawMessage) => {
        const decoded = decodeMessage(m.type, m.payload);
        sink += decoded.kind.length;
      },
    });
    for (const read of reads) decoder.push(read);
  };
  const serialisePass = (): void => {
    for (const m of messages) sink += serialiseMessage(m, CHUNK_SIZE).length;
  };

  const parse = timeIt(parsePass);
  const parseDecode = timeIt(parseAndDecodePass);
  const serialise = timeIt(serialisePass);
  const count = messages.length + 1;
  const parseAllocs = countBufferAllocations(parsePass);
  const serialiseAllocs = countBufferAllocations(serialisePass);
  const mb = stream.length / 1e6;

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    input: {
      file: 'bench/.data/stream-6mbps.flv',
      messages: messages.length,
      payloadBytes,
      chunkedBytes: stream.length,
      durationSeconds: durationS,
      bitrateMbps: (payloadBytes * 8) / durationS / 1e6,
      chunkSize: CHUNK_SIZE,
      readSize: READ_SIZE,
    },
    parse: {
      mbPerSecond: (mb * parse.passes) / (parse.ms / 1000),
      messagesPerSecond: (count * parse.passes) / (parse.ms / 1000),
      bufferAllocationsPerMessage: parseAllocs.count / count,
      allocatedBytesPerMessage: parseAllocs.bytes / count,
      payloadBytesPerMessage: payloadBytes / messages.length,
    },
    parseAndDecode: {
      mbPerSecond: (mb * parseDecode.passes) / (parseDecode.ms / 1000),
      messagesPerSecond: (count * parseDecode.passes) / (parseDecode.ms / 1000),
    },
    serialise: {
      mbPerSecond: (mb * serialise.passes) / (serialise.ms / 1000),
      messagesPerSecond: (messages.length * serialise.passes) / (serialise.ms / 1000),
      bufferAllocationsPerMessage: serialiseAllocs.count / messages.length,
      allocatedBytesPerMessage: serialiseAllocs.bytes / messages.length,
    },
    realTimeFactor: {
      /** How many 6 Mb/s streams one core could parse. */
      parse: (mb * parse.passes) / (parse.ms / 1000) / (stream.length / durationS / 1e6),
    },
  };

  const fmt = (n: number, digits = 1): string => n.toFixed(digits);
  console.table({
    'parse (chunks → messages)': {
      'MB/s': fmt(results.parse.mbPerSecond),
      'msgs/s': fmt(results.parse.messagesPerSecond, 0),
      'Buffer allocs/msg': fmt(results.parse.bufferAllocationsPerMessage, 3),
      'allocated B/msg': fmt(results.parse.allocatedBytesPerMessage),
    },
    'parse + decodeMessage': {
      'MB/s': fmt(results.parseAndDecode.mbPerSecond),
      'msgs/s': fmt(results.parseAndDecode.messagesPerSecond, 0),
      'Buffer allocs/msg': '',
      'allocated B/msg': '',
    },
    'serialise (fmt0 + fmt3)': {
      'MB/s': fmt(results.serialise.mbPerSecond),
      'msgs/s': fmt(results.serialise.messagesPerSecond, 0),
      'Buffer allocs/msg': fmt(results.serialise.bufferAllocationsPerMessage, 3),
      'allocated B/msg': fmt(results.serialise.allocatedBytesPerMessage),
    },
  });
  console.log(
    `input: ${messages.length} messages, ${(stream.length / 1e6).toFixed(1)} MB chunked, ` +
      `${results.input.bitrateMbps.toFixed(2)} Mb/s over ${durationS.toFixed(1)} s, ` +
      `${(payloadBytes / messages.length).toFixed(0)} B average payload (multi-chunk messages are copied once); ` +
      `parse runs at ${results.realTimeFactor.parse.toFixed(0)}x real time (sink ${sink % 10})`,
  );
  const out = join(__dirname, 'results.json');
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

main();

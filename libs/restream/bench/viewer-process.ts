/**
 * Preview viewers for sinks-bench.ts, in their own process (their CPU is not the engine's): on
 * 'view', `count` HTTP GETs of the engine's preview URL, each read as it comes (an HTTP-FLV
 * player that keeps up) and parsed just enough to log every audio and video tag with its arrival
 * time, as the RTMP sink process logs messages, so the bench matches them against what the
 * ingest sent. Not meant to be started by hand.
 */
import { ClientRequest, get } from 'node:http';
import { childWatchdog } from './support/children';
import { wallMs } from './support/clock';
import { ParentMessage, SinkLog, answerPings, reply } from './support/ipc';

const MAX_TAGS_PER_VIEWER = 200_000;

/** Parses an FLV byte stream incrementally: the 9-byte header and first PreviousTagSize, then tags. */
class FlvLog {
  private pending = Buffer.alloc(0);
  private headerDone = false;

  constructor(readonly log: SinkLog) {}

  feed(data: Buffer): void {
    this.log.wireBytes += data.length;
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
    let at = 0;
    if (!this.headerDone) {
      if (buf.length < 13) {
        this.pending = Buffer.from(buf);
        return;
      }
      if (buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV stream');
      at = buf.readUInt32BE(5) + 4;
      this.headerDone = true;
    }
    const now = wallMs();
    while (buf.length - at >= 11) {
      const type = buf[at]! & 0x1f;
      const size = buf.readUIntBE(at + 1, 3);
      if (buf.length - at < 11 + size + 4) break;
      const timestamp = buf.readUIntBE(at + 4, 3) + buf[at + 7]! * 0x1000000;
      if ((type === 8 || type === 9) && this.log.at.length < MAX_TAGS_PER_VIEWER) {
        if (this.log.firstFrameAt === null && type === 9 && size >= 2 && buf[at + 12] === 1) this.log.firstFrameAt = now;
        this.log.at.push(now);
        this.log.ts.push(timestamp);
        this.log.len.push(size);
        this.log.type.push(type);
      }
      at += 11 + size + 4;
    }
    buf = buf.subarray(at);
    this.pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  }
}

function main(): void {
  childWatchdog();
  answerPings();
  const viewers: FlvLog[] = [];
  const requests: ClientRequest[] = [];
  process.on('message', (raw: unknown) => {
    const message = raw as ParentMessage;
    if (message.type === 'view') {
      for (let i = 0; i < message.count; i++) {
        const viewer = new FlvLog({ name: `viewer${viewers.length + 1}`, connections: 0, wireBytes: 0, closeErrors: [], firstFrameAt: null, at: [], ts: [], len: [], type: [] });
        viewers.push(viewer);
        const request = get(message.url, (response) => {
          if (response.statusCode !== 200) {
            viewer.log.closeErrors.push(`HTTP ${response.statusCode}`);
            response.resume();
            return;
          }
          viewer.log.connections++;
          response.on('data', (data: Buffer) => {
            try {
              viewer.feed(data);
            } catch (error) {
              viewer.log.closeErrors.push(error instanceof Error ? error.message : String(error));
              response.destroy();
            }
          });
          response.on('error', (error) => viewer.log.closeErrors.push(error.message));
        });
        request.on('error', (error) => viewer.log.closeErrors.push(error.message));
        requests.push(request);
      }
    } else if (message.type === 'count') {
      reply({ type: 'count', messages: viewers.reduce((n, v) => n + v.log.at.length, 0) });
    } else if (message.type === 'collect') {
      reply({ type: 'viewed', viewers: viewers.map((v) => v.log) });
    } else if (message.type === 'stop') {
      for (const request of requests) request.destroy();
      setTimeout(() => process.exit(0), 50);
    }
  });
  reply({ type: 'ready', port: 0 });
}

main();

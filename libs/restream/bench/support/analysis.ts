/**
 * Matching what each sink received against what the ingest sent: per message by
 * (type, payload length, media timestamp), allowing one constant timestamp offset per sink
 * (ffmpeg `-c copy` rebases timestamps; a relay may too). Gives per-message added latency and
 * the received/sent payload ratio over the measurement window.
 */
import type { SinkLog } from './ipc';
import type { SentLog } from './ingest';

export interface Window {
  /** Stream time (sent timestamps), inclusive. */
  fromMs: number;
  /** Stream time, exclusive. */
  toMs: number;
}

export interface SinkResult {
  name: string;
  connections: number;
  closeErrors: string[];
  /** Received timestamp minus sent timestamp (0 unless the path rebased timestamps). */
  timestampOffsetMs: number;
  sentMessages: number;
  sentBytes: number;
  receivedMessages: number;
  receivedBytes: number;
  /** Received messages that match a sent message. */
  matchedMessages: number;
  /** Payload bytes of media received in the window / sent in the window. */
  byteRatio: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Sent at the end of the window, received this much later (lag behind real time). */
  lastLagMs: number;
  /** The ingest this sink is a destination of (1-based). */
  ingest: number;
  /** From its ingest's publish start (connect) to the first picture at this sink, ms; NaN if none came. */
  timeToVideoMs: number;
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]!, mean };
}

export class SentIndex {
  /** (type, len, ts) → index of the sent message; -1 when ambiguous. */
  private readonly byKey = new Map<string, number>();
  /** (type, len) → timestamps, for finding a sink's timestamp offset. */
  private readonly byShape = new Map<string, number[]>();

  constructor(readonly sent: SentLog) {
    for (let i = 0; i < sent.count; i++) {
      const key = `${sent.type[i]}:${sent.len[i]}:${sent.ts[i]}`;
      this.byKey.set(key, this.byKey.has(key) ? -1 : i);
      const shape = `${sent.type[i]}:${sent.len[i]}`;
      const list = this.byShape.get(shape);
      if (list) list.push(sent.ts[i]!);
      else this.byShape.set(shape, [sent.ts[i]!]);
    }
  }

  find(type: number, len: number, ts: number): number {
    return this.byKey.get(`${type}:${len}:${ts}`) ?? -1;
  }

  /** The timestamp offset that lines up the most of the sink's first messages with sent ones. */
  offsetFor(sink: SinkLog): number {
    const votes = new Map<number, number>();
    const sample = Math.min(sink.ts.length, 300);
    for (let j = 0; j < sample; j++) {
      for (const ts of this.byShape.get(`${sink.type[j]}:${sink.len[j]}`) ?? []) {
        const offset = sink.ts[j]! - ts;
        votes.set(offset, (votes.get(offset) ?? 0) + 1);
      }
    }
    let best = 0;
    let bestVotes = 0;
    for (const [offset, n] of votes) {
      if (n > bestVotes || (n === bestVotes && Math.abs(offset) < Math.abs(best))) {
        best = offset;
        bestVotes = n;
      }
    }
    return best;
  }
}

/** Added latencies of matched messages, pooled over sinks: all, and by message type. */
export interface LatencyPool {
  all: number[];
  audio: number[];
  video: number[];
  /** When each of `all` was sent (bench wall clock), for {@link latencyTimeline}. */
  sentAt: number[];
}

export function latencyPool(): LatencyPool {
  return { all: [], audio: [], video: [], sentAt: [] };
}

/**
 * The largest added latency of the messages sent in each `bucketMs` from `fromWallMs` on: shows
 * whether slow messages come in bursts (a stalled event loop, a busy machine) and how often.
 */
export function latencyTimeline(pool: LatencyPool, fromWallMs: number, toWallMs: number, bucketMs: number): number[] {
  const buckets = new Array<number>(Math.max(0, Math.ceil((toWallMs - fromWallMs) / bucketMs))).fill(0);
  for (let i = 0; i < pool.all.length; i++) {
    const b = Math.floor((pool.sentAt[i]! - fromWallMs) / bucketMs);
    if (b >= 0 && b < buckets.length) buckets[b] = Math.max(buckets[b]!, Math.round(pool.all[i]! * 10) / 10);
  }
  return buckets;
}

/**
 * `clockOffsetMs` is the sink process's wall clock minus the ingest's (subtracted from arrival
 * times); `pool` receives every matched message's added latency. `ingest` says which ingest the
 * sink belongs to and when that ingest started to connect (bench clock).
 */
export function analyseSink(
  index: SentIndex,
  sink: SinkLog,
  window: Window,
  clockOffsetMs: number,
  pool: LatencyPool,
  ingest: { number: number; startedAt: number } = { number: 1, startedAt: NaN },
): SinkResult {
  const sent = index.sent;
  let sentMessages = 0;
  let sentBytes = 0;
  let lastSent = -1;
  for (let i = 0; i < sent.count; i++) {
    const ts = sent.ts[i]!;
    if (ts < window.fromMs || ts >= window.toMs) continue;
    sentMessages++;
    sentBytes += sent.len[i]!;
    lastSent = i;
  }
  const offset = index.offsetFor(sink);
  const own: number[] = [];
  let receivedMessages = 0;
  let receivedBytes = 0;
  let matchedMessages = 0;
  let lastLagMs = NaN;
  for (let j = 0; j < sink.ts.length; j++) {
    const ts = sink.ts[j]! - offset;
    if (ts < window.fromMs || ts >= window.toMs) continue;
    receivedMessages++;
    receivedBytes += sink.len[j]!;
    const i = index.find(sink.type[j]!, sink.len[j]!, ts);
    if (i < 0) continue;
    matchedMessages++;
    const latency = sink.at[j]! - clockOffsetMs - sent.at[i]!;
    own.push(latency);
    pool.all.push(latency);
    pool.sentAt.push(sent.at[i]!);
    (sink.type[j] === 8 ? pool.audio : pool.video).push(latency);
    if (i === lastSent) lastLagMs = latency;
  }
  const d = distribution(own);
  return {
    name: sink.name,
    connections: sink.connections,
    closeErrors: sink.closeErrors,
    timestampOffsetMs: offset,
    sentMessages,
    sentBytes,
    receivedMessages,
    receivedBytes,
    matchedMessages,
    byteRatio: sentBytes > 0 ? receivedBytes / sentBytes : NaN,
    latencyP50Ms: d.p50,
    latencyP99Ms: d.p99,
    latencyMaxMs: d.max,
    lastLagMs,
    ingest: ingest.number,
    timeToVideoMs: sink.firstFrameAt === null ? NaN : sink.firstFrameAt - clockOffsetMs - ingest.startedAt,
  };
}

/** The sink that received the smallest share of what its ingest sent (lowest byte ratio; a missing sink counts as 0). */
export function worstSink(sinks: readonly SinkResult[]): SinkResult | undefined {
  let worst: SinkResult | undefined;
  for (const s of sinks) {
    const ratio = Number.isFinite(s.byteRatio) ? s.byteRatio : 0;
    if (!worst || ratio < (Number.isFinite(worst.byteRatio) ? worst.byteRatio : 0)) worst = s;
  }
  return worst;
}

/** When video had reached every sink: the largest time to video; Infinity if any sink got none. */
export function videoEverywhereMs(sinks: readonly SinkResult[], expected: number): number {
  if (sinks.length < expected) return Infinity;
  let max = 0;
  for (const s of sinks) max = Math.max(max, Number.isFinite(s.timeToVideoMs) ? s.timeToVideoMs : Infinity);
  return max;
}

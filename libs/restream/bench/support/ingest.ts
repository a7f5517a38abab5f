/**
 * The ingest: publishes the recording to the system under test in real time (each tag sent when
 * its timestamp comes due), stamping every send with the wall clock. Like a camera, it never
 * waits for backpressure; it records how much the socket had queued.
 */
import { publish } from '@fanout/rtmp';
import { sleep, wallMs } from './clock';
import type { Recording } from './recording';

export interface SentLog {
  count: number;
  type: Uint8Array;
  ts: Float64Array;
  len: Uint32Array;
  at: Float64Array;
  /** Largest number of bytes the publishing socket had queued (0 when the SUT kept up). */
  maxQueuedBytes: number;
  /** Largest lateness of a send against its due time, ms (timer and event-loop jitter). */
  maxLateMs: number;
  /** Wall time the publisher started to connect (the encoder's "start streaming"). */
  startedAt: number;
  /** Wall time its publish was accepted and media began (stream time 0). */
  mediaStartAt: number;
}

export interface PublishPlan {
  url: string;
  /** Stream time to publish: tags with timestamp < endMs. */
  endMs: number;
  /** Stream times at which `onMark(i)` is called, just before the first tag at or past marks[i] is sent. */
  marks: readonly number[];
  onMark(index: number): void;
  /** Hard wall-clock bound for the whole publication. */
  maxWallMs: number;
}

export async function publishRealTime(recording: Recording, plan: PublishPlan): Promise<SentLog> {
  const tags = recording.tags.filter((t) => t.timestamp < plan.endMs);
  const log: SentLog = {
    count: 0,
    type: new Uint8Array(tags.length),
    ts: new Float64Array(tags.length),
    len: new Uint32Array(tags.length),
    at: new Float64Array(tags.length),
    maxQueuedBytes: 0,
    maxLateMs: 0,
    startedAt: wallMs(),
    mediaStartAt: NaN,
  };
  const publisher = await publish(plan.url, { timeoutMs: 10_000 });
  try {
    if (recording.metadata) publisher.sendMetadata(recording.metadata);
    const first = tags[0]?.timestamp ?? 0;
    const start = wallMs();
    log.mediaStartAt = start;
    let nextMark = 0;
    for (const tag of tags) {
      if (publisher.closed) throw new Error('the system under test closed the ingest connection');
      const due = start + (tag.timestamp - first);
      let now = wallMs();
      if (now > start + plan.maxWallMs) throw new Error(`ingest exceeded its ${plan.maxWallMs} ms bound`);
      if (due - now >= 1) {
        await sleep(due - now);
        now = wallMs();
      }
      log.maxLateMs = Math.max(log.maxLateMs, now - due);
      while (nextMark < plan.marks.length && tag.timestamp >= plan.marks[nextMark]!) plan.onMark(nextMark++);
      const i = log.count++;
      log.type[i] = tag.type;
      log.ts[i] = tag.timestamp;
      log.len[i] = tag.data.length;
      log.at[i] = wallMs();
      if (tag.kind === 'audio') publisher.sendAudio(tag.timestamp, tag.data);
      else publisher.sendVideo(tag.timestamp, tag.data);
      log.maxQueuedBytes = Math.max(log.maxQueuedBytes, publisher.bytesQueued);
    }
    while (nextMark < plan.marks.length) plan.onMark(nextMark++);
  } finally {
    await Promise.race([publisher.close(), sleep(3_000)]);
  }
  return log;
}

import { describe, expect, it } from 'vitest';
import type { QueueItem } from './media';
import { StartLog } from './start-log';

const video = (ts: number, bytes = 100, keyframe = false): QueueItem => ({ kind: 'video', timestampMs: ts, bytes, keyframe });
const header = (ts: number): QueueItem => ({ kind: 'video', timestampMs: ts, bytes: 40, keyframe: true, sequenceHeader: true });

describe('StartLog', () => {
  it('keeps every item from the start in arrival order while open, and nothing when closed', () => {
    const log = new StartLog<QueueItem>({ maxBytes: 10_000, maxDurationMs: 4_000 });
    log.push(video(0));
    expect(log.snapshot()).toBeUndefined();
    log.open();
    const items = [header(0), video(0, 100, true), video(33), video(66)];
    for (const item of items) log.push(item);
    expect(log.snapshot()).toEqual(items);
    expect(log.snapshot()![0]).toBe(items[0]); // by reference
    log.close();
    expect(log.isOpen).toBe(false);
    expect(log.snapshot()).toBeUndefined();
  });

  it('closes instead of outgrowing its byte bound: a later joiner falls back to the GOP cache', () => {
    const log = new StartLog<QueueItem>({ maxBytes: 250, maxDurationMs: 60_000 });
    log.open();
    log.push(video(0, 100, true));
    log.push(video(33, 100));
    expect(log.size).toBe(2);
    log.push(video(66, 100));
    expect(log.isOpen).toBe(false);
  });

  it('closes instead of outgrowing its media span; sequence headers and data do not start the span', () => {
    const log = new StartLog<QueueItem>({ maxBytes: 1e9, maxDurationMs: 1_000 });
    log.open();
    log.push({ kind: 'data', timestampMs: 0, bytes: 10, keyframe: false });
    log.push(header(0));
    log.push(video(500, 100, true));
    log.push(video(1_500));
    expect(log.size).toBe(4);
    log.push(video(1_501));
    expect(log.isOpen).toBe(false);
  });
});

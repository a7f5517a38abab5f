import { describe, expect, it } from 'vitest';
import { GopCache } from './gop-cache';
import type { QueueItem } from './media';

interface Item extends QueueItem {
  readonly id: string;
  /** Stand-in for the payload, for header comparisons. */
  readonly config?: string;
}

let ts = 0;
const key = (id: string, bytes = 1_000, dt = 33): Item => ({ id, kind: 'video', keyframe: true, bytes, timestampMs: (ts += dt) });
const inter = (id: string, bytes = 100, dt = 33): Item => ({ id, kind: 'video', keyframe: false, bytes, timestampMs: (ts += dt) });
const audio = (id: string, bytes = 10, dt = 0): Item => ({ id, kind: 'audio', keyframe: false, bytes, timestampMs: (ts += dt) });
const header = (id: string, kind: 'video' | 'audio', config = id): Item => ({ id, kind, keyframe: kind === 'video', sequenceHeader: true, bytes: 40, timestampMs: ts, config });
const meta = (id: string): Item => ({ id, kind: 'data', keyframe: false, bytes: 300, timestampMs: ts });

const ids = (items: Item[]) => items.map((i) => i.id);

describe('GopCache', () => {
  it('snapshots metadata, then sequence headers, then the GOP from its keyframe', () => {
    const cache = new GopCache<Item>();
    cache.push(header('avc', 'video'));
    cache.push(header('aac', 'audio'));
    cache.setMetadata(meta('meta'));
    cache.push(key('K0'));
    cache.push(audio('a1'));
    cache.push(inter('P1'));
    cache.push(audio('a2'));
    expect(ids(cache.snapshot())).toEqual(['meta', 'avc', 'aac', 'K0', 'a1', 'P1', 'a2']);
    expect(cache.size).toBe(4);
    expect(cache.bytes).toBe(1_120);
  });

  it('keeps only the current GOP: a new keyframe replaces the previous one', () => {
    const cache = new GopCache<Item>();
    cache.push(key('K0'));
    cache.push(inter('P1'));
    cache.push(key('K1'));
    cache.push(inter('P2'));
    expect(ids(cache.snapshot())).toEqual(['K1', 'P2']);
  });

  it('keeps the latest metadata and headers', () => {
    const cache = new GopCache<Item>({ isSameHeader: (a, b) => a.config === b.config });
    cache.setMetadata(meta('meta1'));
    cache.setMetadata(meta('meta2'));
    cache.push(header('avc1', 'video', 'same'));
    cache.push(header('avc2', 'video', 'same'));
    expect(ids(cache.snapshot())).toEqual(['meta2', 'avc2']);
    cache.setMetadata(undefined);
    expect(cache.metadata).toBeUndefined();
  });

  it('ignores frames before the first keyframe, and control and data pushes', () => {
    const cache = new GopCache<Item>();
    cache.push(inter('P0'));
    cache.push(audio('a0'));
    cache.push(meta('not-metadata-via-push'));
    cache.push({ id: 'ctl', kind: 'control', keyframe: false, bytes: 4, timestampMs: ts });
    expect(cache.awaitingKeyframe).toBe(true);
    expect(cache.snapshot()).toEqual([]);
    cache.push(key('K1'));
    expect(ids(cache.snapshot())).toEqual(['K1']);
  });

  it('stops caching a GOP that outgrows maxBytes until the next keyframe', () => {
    const cache = new GopCache<Item>({ maxBytes: 1_500 });
    cache.push(header('avc', 'video'));
    cache.push(key('K0', 1_000));
    for (let i = 1; i <= 5; i++) cache.push(inter(`P${i}`, 100));
    expect(cache.bytes).toBe(1_500);
    cache.push(inter('P6', 100));
    expect(cache.awaitingKeyframe).toBe(true);
    expect(cache.bytes).toBe(0);
    cache.push(inter('P7', 100)); // not cached: its GOP is gone
    expect(ids(cache.snapshot())).toEqual(['avc']);
    cache.push(key('K1', 1_000));
    expect(ids(cache.snapshot())).toEqual(['avc', 'K1']);
  });

  it('stops caching a GOP whose span exceeds maxDurationMs (video stopped, audio goes on)', () => {
    const cache = new GopCache<Item>({ maxDurationMs: 1_000 });
    cache.push(key('K0', 1_000, 0));
    cache.push(audio('a1', 10, 1_000));
    expect(cache.size).toBe(2);
    cache.push(audio('a2', 10, 1));
    expect(cache.awaitingKeyframe).toBe(true);
  });

  it('does not cache a single keyframe larger than maxBytes', () => {
    const cache = new GopCache<Item>({ maxBytes: 500 });
    cache.push(key('K0', 501));
    expect(cache.snapshot()).toEqual([]);
  });

  it('resets the GOP on a video sequence header that changes the codec configuration', () => {
    const cache = new GopCache<Item>({ isSameHeader: (a, b) => a.config === b.config });
    cache.push(header('avc-720p', 'video'));
    cache.push(key('K0'));
    cache.push(inter('P1'));
    cache.push(header('avc-1080p', 'video'));
    expect(cache.awaitingKeyframe).toBe(true);
    cache.push(inter('P2')); // stray frame of the old configuration
    cache.push(key('K1'));
    expect(ids(cache.snapshot())).toEqual(['avc-1080p', 'K1']);
  });

  it('resets the GOP on an audio sequence header that changes the codec configuration', () => {
    const cache = new GopCache<Item>({ isSameHeader: (a, b) => a.config === b.config });
    cache.push(header('aac-44k', 'audio'));
    cache.push(key('K0'));
    cache.push(audio('a1'));
    cache.push(header('aac-48k', 'audio'));
    expect(ids(cache.snapshot())).toEqual(['aac-48k']);
  });

  it('keeps the GOP when an encoder repeats an identical sequence header', () => {
    const cache = new GopCache<Item>({ isSameHeader: (a, b) => a.config === b.config });
    cache.push(header('avc', 'video', 'cfg'));
    cache.push(key('K0'));
    cache.push(header('avc-again', 'video', 'cfg'));
    cache.push(inter('P1'));
    expect(ids(cache.snapshot())).toEqual(['avc-again', 'K0', 'P1']);
  });

  it('treats every replaced header as a change when no comparison is given', () => {
    const cache = new GopCache<Item>();
    cache.push(header('avc', 'video'));
    cache.push(key('K0'));
    cache.push(header('avc', 'video'));
    expect(cache.awaitingKeyframe).toBe(true);
  });

  it('does not reset the video GOP when the first audio header arrives late', () => {
    const cache = new GopCache<Item>();
    cache.push(header('avc', 'video'));
    cache.push(key('K0'));
    cache.push(header('aac', 'audio'));
    cache.push(audio('a1'));
    expect(ids(cache.snapshot())).toEqual(['avc', 'aac', 'K0', 'a1']);
  });

  it('caches only metadata and headers for an audio-only stream', () => {
    const cache = new GopCache<Item>();
    cache.setMetadata(meta('meta'));
    cache.push(header('aac', 'audio'));
    for (let i = 0; i < 100; i++) cache.push(audio(`a${i}`, 10, 23));
    expect(ids(cache.snapshot())).toEqual(['meta', 'aac']);
    expect(cache.bytes).toBe(0);
  });

  it('does not resume a GOP on a video sequence header flagged as keyframe', () => {
    const cache = new GopCache<Item>();
    cache.push(header('avc', 'video'));
    cache.push(inter('P1'));
    expect(ids(cache.snapshot())).toEqual(['avc']);
  });

  it('returns a fresh array that later pushes do not change', () => {
    const cache = new GopCache<Item>();
    cache.push(key('K0'));
    const snapshot = cache.snapshot();
    cache.push(inter('P1'));
    cache.push(key('K1'));
    expect(ids(snapshot)).toEqual(['K0']);
  });

  it('clear() forgets metadata, headers and the GOP', () => {
    const cache = new GopCache<Item>();
    cache.setMetadata(meta('meta'));
    cache.push(header('avc', 'video'));
    cache.push(key('K0'));
    cache.clear();
    expect(cache.snapshot()).toEqual([]);
    expect([cache.metadata, cache.videoHeader, cache.audioHeader]).toEqual([undefined, undefined, undefined]);
  });

  it('rejects nonsensical options', () => {
    expect(() => new GopCache({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => new GopCache({ maxDurationMs: -1 })).toThrow(RangeError);
  });
});

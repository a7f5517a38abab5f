import type { FlvTag, RtmpPublisher } from '@fanout/rtmp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publishTarget } from '@fanout/rtmp';
import type { PublishFunction } from '../src';
import { recording, type Recording } from './support/fixture';
import { Sink, cleanStart, nonMonotonic, publish, sendTags, waitFor } from './support/harness';
import { type Rig, closeRig, makeRig, specFor } from './support/rig';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE);

let rec: Recording;
let rig: Rig | undefined;
const publishers: RtmpPublisher[] = [];

/** The tags up to (not including) the first coded frame: the sequence headers. */
function headerTags(tags: FlvTag[]): FlvTag[] {
  return tags.slice(0, tags.findIndex((t) => t.data[1] === 1));
}

async function startPublisher(r: Rig): Promise<RtmpPublisher> {
  const publisher = await publish(r.ingest.url);
  publishers.push(publisher);
  return publisher;
}

/** Publishes the recording: headers, wait until every enabled destination is live, then everything else. */
async function publishAll(r: Rig, liveIds: string[]): Promise<RtmpPublisher> {
  const publisher = await startPublisher(r);
  const headers = headerTags(rec.media);
  await sendTags(publisher, rec.metadata, headers);
  for (const id of liveIds) await r.waitState(id, 'live');
  await sendTags(publisher, undefined, rec.media.slice(headers.length));
  return publisher;
}

function codedCount(tags: FlvTag[]): { video: number; audio: number } {
  return {
    video: tags.filter((t) => t.kind === 'video' && t.data[1] === 1).length,
    audio: tags.filter((t) => t.kind === 'audio' && t.data[1] === 1).length,
  };
}

describe.skipIf(skip)('StreamRestreamer on loopback sockets', () => {
  beforeAll(async () => {
    rec = await recording();
    expect(rec.videoFrames).toBe(120);
    expect(rec.keyframes).toBe(4);
  }, 60_000);

  afterEach(async () => {
    await closeRig(rig, publishers);
    rig = undefined;
  });

  it('fans a recorded stream out to 3 sinks: every frame, headers then a keyframe first, monotonic timestamps', async () => {
    rig = await makeRig(3);
    await publishAll(rig, ['d0', 'd1', 'd2']);
    const expected = { video: rec.videoFrames, audio: rec.audioFrames };
    for (const sink of rig.sinks) await waitFor('every frame at the sink', () => sink.counts().video === expected.video && sink.counts().audio === expected.audio);
    for (const sink of rig.sinks) {
      expect(sink.connections).toHaveLength(1);
      expect(sink.counts()).toEqual(expected);
      const messages = sink.connections[0]!.messages;
      expect(cleanStart(messages)).toEqual({ metadataFirst: true, headersBeforeFrames: true, firstVideoIsKeyframe: true });
      expect(nonMonotonic(messages)).toBeUndefined();
    }
    const stats = rig.restreamer.stats;
    expect(stats.ingest).toMatchObject({ state: 'live', video: { codec: 'h264', width: 640, height: 360 }, audio: { codec: 'aac', sampleRate: 44100, channels: 2 }, audioPresent: true });
    expect(stats.ingest.keyframeIntervalS).toBe(1);
    expect(stats.ingest.encoder).toMatch(/Lavf/);
    for (const d of stats.destinations) {
      expect(d).toMatchObject({ state: 'live', droppedFrames: 0, reconnects: 0, lastError: null, nextRetryAt: null });
      expect(d.bytesSent).toBeGreaterThan(100_000);
      expect(d.liveSince).not.toBeNull();
    }
    await waitFor('a stats event', () => rig!.stats.length > 0, 2_000);
    expect(rig.stats.at(-1)!.destinations).toHaveLength(3);
  });

  it('encodes each message once and writes the very same Buffer to every destination', async () => {
    const written = new Map<string, Buffer[]>();
    const recordingPublish: PublishFunction = async (target, options) => {
      const publisher = await publishTarget(target, options);
      const id = target.port.toString();
      const list: Buffer[] = [];
      written.set(id, list);
      const writeRaw = publisher.writeRaw.bind(publisher);
      publisher.writeRaw = (chunks: Buffer | readonly Buffer[]) => {
        if (Buffer.isBuffer(chunks)) list.push(chunks);
        else list.push(...chunks);
        return writeRaw(chunks);
      };
      return publisher;
    };
    rig = await makeRig(2, { publish: recordingPublish });
    await publishAll(rig, ['d0', 'd1']);
    for (const sink of rig.sinks) await waitFor('every frame at the sink', () => sink.counts().video === rec.videoFrames && sink.counts().audio === rec.audioFrames);
    const [a, b] = [...written.values()];
    expect(a!.length).toBeGreaterThan(rec.media.length);
    expect(a!.length).toBe(b!.length);
    for (let i = 0; i < a!.length; i++) expect(a![i]).toBe(b![i]); // identity, not equality
    // One serialisation per message (metadata + every tag), not one per destination.
    expect(rig.restreamer.serialisations).toBe(a!.length);
    expect(rig.restreamer.serialisations).toBe(rec.media.length + 1);
  });

  it('a destination enabled mid-stream starts with metadata, sequence headers and a keyframe; the others are untouched', async () => {
    rig = await makeRig(2, {}, (sinks) => [specFor(sinks[0]!, 'd0'), specFor(sinks[1]!, 'd1', { enabled: false })]);
    const [a, b] = rig.sinks as [Sink, Sink];
    const publisher = await startPublisher(rig);
    const headers = headerTags(rec.media);
    await sendTags(publisher, rec.metadata, headers);
    await rig.waitState('d0', 'live');
    const half = Math.floor(rec.media.length / 2) + 7; // somewhere inside a GOP
    await sendTags(publisher, undefined, rec.media.slice(headers.length, half));
    expect(rig.restreamer.stats.destinations.find((d) => d.id === 'd1')?.state).toBe('disabled');

    rig.restreamer.setDestinations([specFor(a, 'd0'), specFor(b, 'd1')]);
    await rig.waitState('d1', 'live');
    await sendTags(publisher, undefined, rec.media.slice(half));
    await waitFor('all frames at the first sink', () => a.counts().video === rec.videoFrames);
    await waitFor('the joiner got the rest', () => b.counts().video > 0 && b.last!.messages.at(-1)?.timestamp === a.last!.messages.at(-1)?.timestamp);

    expect(a.connections).toHaveLength(1);
    expect(b.connections).toHaveLength(1);
    const joined = b.connections[0]!.messages;
    expect(cleanStart(joined)).toEqual({ metadataFirst: true, headersBeforeFrames: true, firstVideoIsKeyframe: true });
    expect(nonMonotonic(joined)).toBeUndefined();
    // It started at the keyframe of the GOP that was current when it joined: the rest of the stream from there.
    const firstKey = joined.find((m) => m.kind === 'video' && m.coded)!;
    const fromThere = a.connections[0]!.messages.filter((m) => m.kind === 'video' && m.coded && m.timestamp >= firstKey.timestamp).length;
    expect(b.counts().video).toBe(fromThere);
    expect(fromThere).toBeLessThan(rec.videoFrames);
  });

  it('a sink killed and restarted on the same port: reconnecting with nextRetryAt, then live again by itself; the others lose nothing', async () => {
    rig = await makeRig(3);
    const [a, b, c] = rig.sinks as [Sink, Sink, Sink];
    const publisher = await startPublisher(rig);
    const headers = headerTags(rec.media);
    await sendTags(publisher, rec.metadata, headers);
    for (const id of ['d0', 'd1', 'd2']) await rig.waitState(id, 'live');
    const killAt = Math.floor(rec.media.length / 3);
    const restartAt = Math.floor((rec.media.length * 2) / 3);
    await sendTags(publisher, undefined, rec.media.slice(headers.length), {
      before: async (_tag, i) => {
        const index = i + headers.length;
        if (index === killAt) {
          await b.kill();
          await rig!.waitState('d1', 'reconnecting');
          const state = rig!.restreamer.stats.destinations.find((d) => d.id === 'd1')!;
          expect(state.nextRetryAt).not.toBeNull();
          expect(Date.parse(state.nextRetryAt!)).toBeGreaterThan(Date.now() - 1_000);
          expect(state.lastError?.reason).toMatch(/closed-by-peer|refused/);
        }
        if (index === restartAt) {
          await b.restart();
          await rig!.waitState('d1', 'live');
        }
        return true;
      },
    });
    for (const sink of [a, c]) await waitFor('every frame at the healthy sinks', () => sink.counts().video === rec.videoFrames && sink.counts().audio === rec.audioFrames);
    for (const sink of [a, c]) {
      expect(sink.connections).toHaveLength(1);
      expect(nonMonotonic(sink.connections[0]!.messages)).toBeUndefined();
    }
    const change = rig.states.find((s) => s.destinationId === 'd1' && s.to === 'reconnecting');
    expect(change?.nextRetryAt).toBeDefined();
    expect(rig.states.filter((s) => s.destinationId !== 'd1' && s.to !== 'connecting' && s.to !== 'live')).toEqual([]);
    expect(b.connections.length).toBe(2);
    const resumed = b.connections[1]!.messages;
    await waitFor('the restarted sink receives again', () => resumed.some((m) => m.coded));
    expect(cleanStart(resumed)).toEqual({ metadataFirst: true, headersBeforeFrames: true, firstVideoIsKeyframe: true });
    const d1 = rig.restreamer.stats.destinations.find((d) => d.id === 'd1')!;
    expect(d1.reconnects).toBeGreaterThanOrEqual(1);
    expect(d1.state).toBe('live');
  });

  it('a rejected destination key ends in failed: rejected-key after a bounded number of spaced attempts', async () => {
    rig = await makeRig(2, { rejectedKeyAttempts: 3 }, (sinks) => [specFor(sinks[0]!, 'd0'), specFor(sinks[1]!, 'bad', { streamKey: 'wrong-key' })]);
    const bad = rig.sinks[1]!;
    const startedAt = Date.now();
    await publishAll(rig, ['d0']);
    await rig.waitState('bad', 'failed', 8_000);
    const elapsed = Date.now() - startedAt;
    const d = rig.restreamer.stats.destinations.find((x) => x.id === 'bad')!;
    expect(d.lastError?.reason).toBe('rejected-key');
    expect(d.lastError?.message).toContain('[stream key]');
    expect(d.lastError?.message).not.toContain('wrong-key');
    expect(bad.rejected).toBe(3);
    // Backoff between attempts: 3 attempts take at least two backoff delays (floor 50 ms each).
    expect(elapsed).toBeGreaterThan(100);
    const failed = rig.states.filter((s) => s.destinationId === 'bad' && s.to === 'failed');
    expect(failed).toEqual([expect.objectContaining({ reason: 'rejected-key' })]);
    const retries = rig.states.filter((s) => s.destinationId === 'bad' && s.to === 'reconnecting');
    expect(retries).toHaveLength(2);
    // No tight loop: nothing more happens afterwards.
    await new Promise((r) => setTimeout(r, 800));
    expect(bad.rejected).toBe(3);
    expect(rig.restreamer.stats.destinations.find((x) => x.id === 'd0')!.state).toBe('live');
    // "Retry now" from the dashboard: another bounded round, then failed again.
    rig.restreamer.retryDestination('bad');
    await waitFor('second round', () => bad.rejected === 6, 5_000);
    await rig.waitState('bad', 'failed', 5_000);
    expect(rig.restreamer.stats.destinations.find((x) => x.id === 'd0')!.reconnects).toBe(0);
  });

  it('publisher leaves and returns within the grace window: one connection per sink, one monotonic timeline, new headers first; then unpublished after the window', async () => {
    rig = await makeRig(2, { graceMs: 1_500 });
    const half = Math.floor(rec.media.length / 2) + 5;
    const first = await startPublisher(rig);
    const headers = headerTags(rec.media);
    await sendTags(first, rec.metadata, headers);
    await rig.waitState('d0', 'live');
    await rig.waitState('d1', 'live');
    await sendTags(first, undefined, rec.media.slice(headers.length, half));
    const part1 = codedCount(rec.media.slice(0, half));
    for (const sink of rig.sinks) await waitFor('part 1 delivered', () => sink.counts().video === part1.video && sink.counts().audio === part1.audio);
    await first.close();
    await waitFor('grace', () => rig!.restreamer.stats.ingest.state === 'grace');
    expect(rig.restreamer.stats.destinations.map((d) => d.state)).toEqual(['live', 'live']);
    await new Promise((r) => setTimeout(r, 300));

    // The same publisher comes back; its clock starts over at 0.
    const second = await startPublisher(rig);
    await sendTags(second, rec.metadata, rec.media);
    const total = { video: part1.video + rec.videoFrames, audio: part1.audio + rec.audioFrames };
    for (const sink of rig.sinks) await waitFor('part 2 delivered', () => sink.counts().video === total.video && sink.counts().audio === total.audio);
    for (const sink of rig.sinks) {
      expect(sink.connections).toHaveLength(1);
      const messages = sink.connections[0]!.messages;
      expect(nonMonotonic(messages)).toBeUndefined();
      // After the last frame of part 1: metadata and both headers before any frame, then a keyframe.
      let seen = 0;
      const cut = messages.findIndex((m) => m.coded && ++seen === part1.video + part1.audio) + 1;
      const after = messages.slice(cut);
      expect(cleanStart(after)).toEqual({ metadataFirst: true, headersBeforeFrames: true, firstVideoIsKeyframe: true });
      const lastBefore = Math.max(...messages.slice(0, cut).filter((m) => m.kind === 'video').map((m) => m.timestamp));
      const firstAfter = after.find((m) => m.kind === 'video' && m.coded)!.timestamp;
      expect(firstAfter).toBeGreaterThan(lastBefore);
      expect(firstAfter - lastBefore).toBeLessThan(200); // continues one frame later, not from 0
    }

    await second.close();
    await waitFor('ended', () => rig!.ended === 1, 5_000);
    for (const sink of rig.sinks) await waitFor('unpublished at the sink', () => sink.connections[0]!.unpublished, 3_000);
    expect(rig.restreamer.stats.destinations.map((d) => d.state)).toEqual(['idle', 'idle']);
    expect(rig.restreamer.stats.ingest.state).toBe('idle');
    expect(rig.ingestEvents.map((e) => e.state)).toEqual(['live', 'grace', 'live', 'grace', 'ended']);
  });

  it('dropPublisher (key rotated): the encoder is disconnected, sinks stay connected for the grace window, and an encoder that comes back continues the timeline', async () => {
    rig = await makeRig(1, { graceMs: 3_000 });
    const sink = rig.sinks[0]!;
    const first = await publishAll(rig, ['d0']);
    await waitFor('every frame', () => sink.counts().video === rec.videoFrames);

    rig.restreamer.dropPublisher('stream key rotated');
    await waitFor('encoder disconnected', () => first.closed, 3_000);
    expect(rig.restreamer.stats.ingest.state).toBe('grace');
    expect(rig.ingestEvents.at(-1)).toMatchObject({ state: 'grace', reason: 'stream key rotated' });
    expect(rig.restreamer.stats.destinations[0]!.state).toBe('live');

    const second = await startPublisher(rig);
    await sendTags(second, rec.metadata, rec.media);
    await waitFor('second run delivered', () => sink.counts().video === 2 * rec.videoFrames);
    expect(sink.connections).toHaveLength(1);
    expect(nonMonotonic(sink.connections[0]!.messages)).toBeUndefined();
    expect(rig.ingestEvents.map((e) => e.state)).toEqual(['live', 'grace', 'live']);
  });

  it('endNow (stream deleted): publisher closed and destinations unpublished at once, no grace window', async () => {
    rig = await makeRig(2, { graceMs: 60_000 });
    const publisher = await publishAll(rig, ['d0', 'd1']);
    const started = Date.now();
    await rig.restreamer.endNow('stream deleted');
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor('encoder disconnected', () => publisher.closed, 3_000);
    for (const s of rig.sinks) await waitFor('unpublished at the sink', () => s.connections[0]!.unpublished, 3_000);
    expect(rig.ended).toBe(1);
    expect(rig.ingestEvents.map((e) => [e.state, e.reason])).toEqual([
      ['live', undefined],
      ['ended', 'stream deleted'],
    ]);
    expect(rig.restreamer.stats.destinations.map((d) => d.state)).toEqual(['idle', 'idle']);
    await rig.restreamer.endNow('again'); // idempotent
    expect(rig.ended).toBe(1);
  });

  it('takeover: a second publisher on the same stream closes the first; sinks keep their one connection', async () => {
    rig = await makeRig(2);
    const half = Math.floor(rec.media.length / 2);
    const first = await startPublisher(rig);
    const headers = headerTags(rec.media);
    await sendTags(first, rec.metadata, headers);
    await rig.waitState('d0', 'live');
    await rig.waitState('d1', 'live');
    await sendTags(first, undefined, rec.media.slice(headers.length, half));
    const part1 = codedCount(rec.media.slice(0, half));
    for (const sink of rig.sinks) await waitFor('part 1 delivered', () => sink.counts().video === part1.video);

    const second = await startPublisher(rig);
    await waitFor('first publisher closed', () => first.closed, 3_000);
    await sendTags(second, rec.metadata, rec.media);
    for (const sink of rig.sinks) await waitFor('part 2 delivered', () => sink.counts().video === part1.video + rec.videoFrames);
    for (const sink of rig.sinks) {
      expect(sink.connections).toHaveLength(1);
      expect(nonMonotonic(sink.connections[0]!.messages)).toBeUndefined();
    }
    expect(rig.ingestEvents.map((e) => [e.state, e.reason])).toEqual([
      ['live', undefined],
      ['live', 'takeover'],
    ]);
    expect(rig.ingest.sessions[0]!.closed).toBe(true);
  });

  it('setDestinations while live touches only the destination that changed', async () => {
    rig = await makeRig(3);
    const [a, b, c] = rig.sinks as [Sink, Sink, Sink];
    const other = await new Sink('other-key').listen();
    try {
      const publisher = await publishAll(rig, ['d0', 'd1', 'd2']);
      const specs = () => [specFor(a, 'd0'), specFor(b, 'd1'), specFor(c, 'd2')];
      const connections = () => [a, b, c, other].map((s) => s.connections.length);
      expect(connections()).toEqual([1, 1, 1, 0]);

      // Disable d1: only b sees an unpublish.
      rig.restreamer.setDestinations([specs()[0]!, { ...specs()[1]!, enabled: false }, specs()[2]!]);
      await waitFor('b unpublished', () => b.connections[0]!.unpublished);
      expect(rig.restreamer.stats.destinations.map((d) => d.state)).toEqual(['live', 'disabled', 'live']);

      // Move d2 to another server and key: c unpublished, `other` gets a connection.
      rig.restreamer.setDestinations([specs()[0]!, { ...specs()[1]!, enabled: false }, { ...specs()[2]!, url: other.url, streamKey: other.key }]);
      await rig.waitState('d2', 'live');
      await waitFor('c unpublished', () => c.connections[0]!.unpublished);
      expect(connections()).toEqual([1, 1, 1, 1]);

      // Enable d1 again, add d3, rename d0 (no reconnect for a rename).
      const d = await new Sink().listen();
      try {
        rig.restreamer.setDestinations([
          { ...specs()[0]!, name: 'Renamed' },
          specs()[1]!,
          { ...specs()[2]!, url: other.url, streamKey: other.key },
          specFor(d, 'd3'),
        ]);
        await rig.waitState('d1', 'live');
        await rig.waitState('d3', 'live');
        expect(connections()).toEqual([1, 2, 1, 1]);
        expect(rig.restreamer.stats.destinations.find((x) => x.id === 'd0')!.name).toBe('Renamed');

        // Remove d3: unpublished; the rest untouched.
        rig.restreamer.setDestinations([specs()[0]!, specs()[1]!, { ...specs()[2]!, url: other.url, streamKey: other.key }]);
        await waitFor('d unpublished', () => d.connections[0]!.unpublished);
        expect(rig.restreamer.stats.destinations.map((x) => x.id)).toEqual(['d0', 'd1', 'd2']);
        await sendTags(publisher, undefined, rec.media.slice(0, 10));
        expect(a.connections[0]!.unpublished).toBe(false);
        expect(connections()).toEqual([1, 2, 1, 1]);
        expect(rig.states.filter((s) => s.destinationId === 'd0').map((s) => s.to)).toEqual(['connecting', 'live']);
      } finally {
        await d.kill();
      }
    } finally {
      await other.kill();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { webhookEventDataSchema } from '@fanout/contracts';
import type { IngestFacts, InputSwitchEvent } from '@fanout/restream';
import { engineOnBus, testBus } from '../../test/support/engine-bus';
import { capturedLogger } from '../../test/support/logs';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import { WebhookEngineObserver } from './webhook-engine-observer';
import type { OutboxEvent, WebhookOutbox } from './webhook-outbox';
import type { StreamNames, WebhooksRepository } from './webhooks.repository';

const STREAM = '00000000-0000-4000-8000-000000000001';
const NO_FACTS: IngestFacts = { video: null, audio: null, audioPresent: false, encoder: null };

function setUp(options: { slowFirstWrite?: boolean; names?: StreamNames | null } = {}) {
  const bus = testBus();
  const clock = new FakeClock();
  const enqueued: OutboxEvent[] = [];
  let writes = 0;
  const outbox = strictFake<WebhookOutbox>('WebhookOutbox', {
    enqueue: async (event) => {
      // The first write takes a while: later events must still land after it.
      if (options.slowFirstWrite && writes++ === 0) await new Promise((resolve) => setTimeout(resolve, 30));
      enqueued.push(event);
      return { eventId: `e${enqueued.length}`, deliveryIds: [] };
    },
  });
  let lookups = 0;
  const names = options.names === undefined ? { streamName: 'Main', destinations: new Map([['d1', { name: 'YouTube', platform: 'youtube' }]]) } : options.names;
  const repository = strictFake<WebhooksRepository>('WebhooksRepository', {
    namesForStream: async () => {
      lookups++;
      return names;
    },
  });
  const observer = new WebhookEngineObserver(bus, outbox, repository, clock, { INGEST_GRACE_S: 10 }, capturedLogger().logger);
  observer.onModuleInit();
  return { bus, clock, observer, enqueued, lookups: () => lookups, types: () => enqueued.map((e) => e.type) };
}

describe('WebhookEngineObserver', () => {
  it('turns a broadcast into stream.live, publisher_lost, publisher_returned and stream.ended with its duration', async () => {
    const t = setUp();
    const engine = engineOnBus(t.bus, STREAM);
    engine.emit('ingest', { state: 'live', facts: NO_FACTS });
    t.clock.advance(60_000);
    engine.emit('ingest', { state: 'grace', reason: 'publisher lost', facts: NO_FACTS });
    t.clock.advance(3_000);
    engine.emit('ingest', { state: 'live', reason: 'reconnected', facts: NO_FACTS });
    engine.emit('ingest', { state: 'live', reason: 'takeover', facts: NO_FACTS }); // no event
    t.clock.advance(30_000);
    const leftAt = t.clock.now().toISOString();
    t.clock.advance(10_000); // the grace window, not counted
    engine.emit('ingest', { state: 'ended', reason: 'publisher stopped', facts: NO_FACTS, endedAt: leftAt });
    engine.release();
    await t.observer.idle();

    expect(t.types()).toEqual(['stream.live', 'stream.publisher_lost', 'stream.publisher_returned', 'stream.ended']);
    const [live, lost, , ended] = t.enqueued;
    expect(live).toMatchObject({ streamId: STREAM, timestamp: new Date('2026-11-21T12:00:00.000Z'), data: { stream: { id: STREAM, name: 'Main' }, startedAt: '2026-11-21T12:00:00.000Z' } });
    expect(lost!.data).toEqual({ stream: { id: STREAM, name: 'Main' }, reason: 'publisher lost', graceS: 10 });
    expect(ended!.data).toEqual({ stream: { id: STREAM, name: 'Main' }, reason: 'publisher stopped', startedAt: '2026-11-21T12:00:00.000Z', endedAt: leftAt, durationS: 93 });
    expect(t.lookups()).toBe(1); // names read once per broadcast
    expect(t.bus.size).toBe(1);
    await t.observer.onModuleDestroy();
    expect(t.bus.size).toBe(0);
  });

  it('says a destination failed once per outage (and again when it gives up), then recovered with how long it was down', async () => {
    const t = setUp();
    const engine = engineOnBus(t.bus, STREAM);
    engine.emit('ingest', { state: 'live', facts: NO_FACTS });
    engine.emit('destinationState', { destinationId: 'd1', from: 'idle', to: 'connecting' });
    engine.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'live' });
    t.clock.advance(5_000);
    engine.emit('destinationState', { destinationId: 'd1', from: 'live', to: 'reconnecting', reason: 'closed-by-peer', message: 'peer said rtmp://x/key_123', nextRetryAt: '2026-11-21T12:00:06.000Z' });
    for (let i = 0; i < 3; i++) {
      engine.emit('destinationState', { destinationId: 'd1', from: 'reconnecting', to: 'connecting' });
      engine.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'reconnecting', reason: 'refused' });
    }
    t.clock.advance(2_500);
    engine.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'live' });
    engine.emit('destinationState', { destinationId: 'd1', from: 'live', to: 'failed', reason: 'rejected-key' });
    await t.observer.idle();

    expect(t.types()).toEqual(['stream.live', 'destination.live', 'destination.failed', 'destination.recovered', 'destination.failed']);
    const destination = { id: 'd1', name: 'YouTube', platform: 'youtube' };
    expect(t.enqueued[2]!.data).toEqual({ stream: { id: STREAM, name: 'Main' }, destination, reason: 'closed-by-peer', retrying: true, nextRetryAt: '2026-11-21T12:00:06.000Z' });
    expect(t.enqueued[3]!.data).toEqual({ stream: { id: STREAM, name: 'Main' }, destination, downS: 2.5 });
    expect(t.enqueued[4]!.data).toMatchObject({ reason: 'rejected-key', retrying: false, nextRetryAt: null });
    expect(JSON.stringify(t.enqueued)).not.toContain('key_123'); // failure text is never sent
  });

  it('sends one more destination.failed when a failing destination gives up, and none for a destination switched off meanwhile', async () => {
    const t = setUp();
    const engine = engineOnBus(t.bus, STREAM);
    engine.emit('ingest', { state: 'live', facts: NO_FACTS });
    engine.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'reconnecting', reason: 'rejected-key' });
    engine.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'failed', reason: 'rejected-key' });
    engine.emit('destinationState', { destinationId: 'd1', from: 'failed', to: 'failed', reason: 'rejected-key' });
    engine.emit('destinationState', { destinationId: 'd2', from: 'connecting', to: 'reconnecting', reason: 'dns' });
    engine.emit('destinationState', { destinationId: 'd2', from: 'reconnecting', to: 'disabled' });
    engine.emit('destinationState', { destinationId: 'd2', from: 'disabled', to: 'connecting' });
    engine.emit('destinationState', { destinationId: 'd2', from: 'connecting', to: 'live' });
    await t.observer.idle();
    expect(t.types()).toEqual(['stream.live', 'destination.failed', 'destination.failed', 'destination.failed', 'destination.live']);
    expect(t.enqueued.map((e) => e.data.retrying)).toEqual([undefined, true, false, true, undefined]);
    // A destination the names do not know yet is read again; one that is gone is named null.
    expect(t.enqueued[3]!.data.destination).toEqual({ id: 'd2', name: null, platform: null });
  });

  it('writes one stream\'s events in order, across engines, even when a write is slow; the bus handler never waits', async () => {
    const t = setUp({ slowFirstWrite: true });
    const first = engineOnBus(t.bus, STREAM);
    first.emit('ingest', { state: 'live', facts: NO_FACTS });
    first.emit('ingest', { state: 'ended', reason: 'publisher stopped', facts: NO_FACTS });
    first.release();
    const second = engineOnBus(t.bus, STREAM);
    second.emit('ingest', { state: 'live', facts: NO_FACTS });
    expect(t.enqueued).toEqual([]); // nothing written yet: the handlers only queued
    await t.observer.idle();
    expect(t.types()).toEqual(['stream.live', 'stream.ended', 'stream.live']);
  });

  it('keeps the names a deleted stream had, and names null when it never knew them', async () => {
    const t = setUp({ names: null });
    const engine = engineOnBus(t.bus, STREAM);
    engine.emit('ingest', { state: 'ended', reason: 'stream deleted', facts: NO_FACTS });
    await t.observer.idle();
    expect(t.enqueued[0]!.data).toMatchObject({ stream: { id: STREAM, name: null }, startedAt: null, durationS: null });
  });

  it('gives publisher_lost the stream’s own grace window when it has one (graceSeconds), not INGEST_GRACE_S', async () => {
    // Regression: graceS was always INGEST_GRACE_S, though a stream may set its own graceSeconds.
    const t = setUp();
    const engine = engineOnBus(t.bus, STREAM);
    engine.emit('ingest', { state: 'live', facts: NO_FACTS });
    const graceEndsAt = new Date(t.clock.now().getTime() + 300_000).toISOString();
    engine.emit('ingest', { state: 'grace', reason: 'publisher lost', facts: NO_FACTS, graceEndsAt });
    await t.observer.idle();
    expect(t.enqueued[1]!.data).toEqual({ stream: { id: STREAM, name: 'Main' }, reason: 'publisher lost', graceS: 300 });
  });

  it('sends stream.input_switched when an input or the slate replaces another, with its reason and gaps, at the switch’s own time; never to or from nothing', async () => {
    const t = setUp();
    const engine = engineOnBus(t.bus, STREAM);
    const input = (previous: InputSwitchEvent['previous'], onAir: InputSwitchEvent['onAir'], reason: InputSwitchEvent['reason'], at: string, gapMs: number | null, wallGapMs: number | null) =>
      t.bus.publish({ type: 'input', streamId: STREAM, event: { streamId: STREAM, previous, onAir, reason, at, gapMs, wallGapMs } });
    engine.emit('ingest', { state: 'live', facts: NO_FACTS });
    input('none', 'primary', 'publish-start', '2026-11-21T12:00:00.100Z', null, null); // stream.live says it
    input('primary', 'slate', 'primary-lost', '2026-11-21T12:01:00.000Z', 33.3, 40.2);
    input('slate', 'backup', 'backup-keyframe', '2026-11-21T12:01:00.533Z', 33.4, 21);
    input('backup', 'primary', 'failback', '2026-11-21T12:01:05.000Z', 33, 20);
    input('primary', 'none', 'primary-lost', '2026-11-21T12:01:30.000Z', null, null); // no slate: stream.publisher_lost says it
    input('none', 'primary', 'publisher-returned', '2026-11-21T12:01:31.000Z', 54, 1000); // stream.publisher_returned says it
    input('primary', 'none', 'ended', '2026-11-21T12:02:00.000Z', null, null); // stream.ended says it
    engine.emit('ingest', { state: 'ended', reason: 'publisher stopped', facts: NO_FACTS });
    await t.observer.idle();

    expect(t.types()).toEqual(['stream.live', 'stream.input_switched', 'stream.input_switched', 'stream.input_switched', 'stream.ended']);
    const stream = { id: STREAM, name: 'Main' };
    expect(t.enqueued.slice(1, 4).map((e) => ({ timestamp: e.timestamp.toISOString(), data: e.data }))).toEqual([
      { timestamp: '2026-11-21T12:01:00.000Z', data: { stream, previous: 'primary', onAir: 'slate', reason: 'primary-lost', gapMs: 33, wallGapMs: 40 } },
      { timestamp: '2026-11-21T12:01:00.533Z', data: { stream, previous: 'slate', onAir: 'backup', reason: 'backup-keyframe', gapMs: 33, wallGapMs: 21 } },
      { timestamp: '2026-11-21T12:01:05.000Z', data: { stream, previous: 'backup', onAir: 'primary', reason: 'failback', gapMs: 33, wallGapMs: 20 } },
    ]);
    for (const e of t.enqueued) expect(webhookEventDataSchema.safeParse(e.data).success).toBe(true);
  });
});

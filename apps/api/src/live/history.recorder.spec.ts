import { describe, expect, it } from 'vitest';
import type { IngestFacts } from '@fanout/restream';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import { capturedLogger } from '../../test/support/logs';
import { engineStats } from '../../test/support/engine-stats';
import { engineOnBus, testBus } from '../../test/support/engine-bus';
import { HistoryRecorder, SessionAverages } from './history.recorder';
import type { DestinationEventInput, HistoryRepository, SessionFacts, SessionSummary } from './history.repository';

const STREAM = '00000000-0000-4000-8000-000000000001';
const NO_FACTS: IngestFacts = { video: null, audio: null, audioPresent: false, encoder: null };

function setUp() {
  const events = testBus();
  const clock = new FakeClock();
  const writes: string[] = [];
  const created: { streamId: string; startedAt: Date; facts: SessionFacts }[] = [];
  const closed: { id: string; summary: SessionSummary }[] = [];
  const destinationEvents: DestinationEventInput[] = [];
  let n = 0;
  const repository = strictFake<HistoryRepository>('HistoryRepository', {
    closeOrphans: async () => 0,
    createSession: async (streamId, startedAt, facts) => {
      created.push({ streamId, startedAt, facts });
      writes.push('create');
      return `session-${++n}`;
    },
    updateFacts: async (id, facts) => void writes.push(`facts ${id} ${facts.videoCodec} ${facts.width}x${facts.height}`),
    updateGrace: async (id, graceMs) => void writes.push(`grace ${id} ${graceMs}`),
    closeSession: async (id, summary) => {
      closed.push({ id, summary });
      writes.push(`close ${id}`);
    },
    addDestinationEvent: async (event) => {
      destinationEvents.push(event);
      writes.push(`event ${event.fromState}->${event.toState}`);
    },
  });
  const recorder = new HistoryRecorder(events, repository, clock, capturedLogger().logger);
  const start = () => engineOnBus(events, STREAM);
  return { recorder, events, clock, writes, created, closed, destinationEvents, start };
}

describe('HistoryRecorder', () => {
  it('opens a session on live, fills in facts as they become known, and closes it on end with averages', async () => {
    const t = setUp();
    await t.recorder.onModuleInit();
    const r = t.start();
    r.emit('ingest', { state: 'live', facts: NO_FACTS });
    t.clock.advance(1_000);
    r.emit('stats', engineStats({ streamId: STREAM, ingest: { bitrateKbps: 2000, fps: 30 } }));
    r.emit('stats', engineStats({ streamId: STREAM, ingest: { bitrateKbps: 3000, fps: 29 } }));
    r.emit('stats', engineStats({ streamId: STREAM, ingest: { state: 'grace', bitrateKbps: 0, fps: 0 } })); // not averaged
    r.emit('destinationState', { destinationId: 'd1', from: 'idle', to: 'connecting' });
    r.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'reconnecting', reason: 'refused', message: 'connection refused' });
    t.clock.advance(60_000);
    r.emit('ingest', { state: 'ended', reason: 'publisher stopped', facts: engineStats().ingest });
    r.release();
    await t.recorder.idle();

    expect(t.writes).toEqual(['create', 'facts session-1 h264 1280x720', 'event idle->connecting', 'event connecting->reconnecting', 'close session-1']);
    expect(t.created).toEqual([{ streamId: STREAM, startedAt: new Date('2026-11-21T12:00:00.000Z'), facts: { videoCodec: null, audioCodec: null, width: null, height: null } }]);
    expect(t.closed).toEqual([{ id: 'session-1', summary: { endedAt: new Date('2026-11-21T12:01:01.000Z'), endReason: 'publisher stopped', graceMs: 0, avgBitrateKbps: 2500, peakBitrateKbps: 3000, fps: 29.5 } }]);
    expect(t.destinationEvents[1]).toEqual({ streamId: STREAM, destinationId: 'd1', at: new Date('2026-11-21T12:00:01.000Z'), fromState: 'connecting', toState: 'reconnecting', reason: 'refused', message: 'connection refused' });
    expect(t.recorder.trackedStreams).toBe(0);
  });

  it('keeps one session when the publisher comes back within the grace window, leaving the time away out of it', async () => {
    const t = setUp();
    await t.recorder.onModuleInit();
    const r = t.start();
    r.emit('ingest', { state: 'live', facts: NO_FACTS });
    t.clock.advance(30_000);
    r.emit('ingest', { state: 'grace', reason: 'disconnected', facts: NO_FACTS });
    t.clock.advance(4_000);
    r.emit('ingest', { state: 'live', reason: 'reconnected', facts: NO_FACTS });
    t.clock.advance(10_000);
    r.emit('ingest', { state: 'live', reason: 'takeover', facts: NO_FACTS }); // no grace window: nothing to leave out
    t.clock.advance(20_000);
    r.emit('ingest', { state: 'grace', reason: 'disconnected', facts: NO_FACTS });
    t.clock.advance(6_500);
    r.emit('ingest', { state: 'live', reason: 'reconnected', facts: NO_FACTS });
    r.emit('ingest', { state: 'ended', reason: 'publisher stopped', facts: NO_FACTS });
    await t.recorder.idle();
    expect(t.writes).toEqual(['create', 'grace session-1 4000', 'grace session-1 10500', 'close session-1']);
    expect(t.closed[0]!.summary.graceMs).toBe(10_500);
  });

  it('ends a session when its publisher left, so a grace window it did not come back from is not counted at all', async () => {
    const t = setUp();
    await t.recorder.onModuleInit();
    const r = t.start();
    r.emit('ingest', { state: 'live', facts: NO_FACTS });
    t.clock.advance(60_000);
    r.emit('ingest', { state: 'grace', reason: 'publisher lost', facts: NO_FACTS });
    t.clock.advance(10_000);
    r.emit('ingest', { state: 'ended', reason: 'publisher lost', facts: NO_FACTS, endedAt: '2026-11-21T12:01:00.000Z' });
    await t.recorder.idle();
    expect(t.closed[0]!.summary).toMatchObject({ endedAt: new Date('2026-11-21T12:01:00.000Z'), graceMs: 0 });
  });

  it('closes the open session as released when the engine goes away without an end (shutdown), and forgets the stream', async () => {
    const t = setUp();
    await t.recorder.onModuleInit();
    const r = t.start();
    r.emit('ingest', { state: 'live', facts: NO_FACTS });
    expect(t.recorder.trackedStreams).toBe(1);
    r.release();
    await t.recorder.idle();
    expect(t.closed.map((c) => c.summary.endReason)).toEqual(['released']);
    expect(t.recorder.trackedStreams).toBe(0);
    await t.recorder.onModuleDestroy();
    expect(t.events.size).toBe(0); // its one bus subscription is gone too
  });

  it('logs a failed write instead of throwing into the engine, and keeps recording', async () => {
    const t = setUp();
    const logs = capturedLogger();
    const repository = strictFake<HistoryRepository>('HistoryRepository', {
      closeOrphans: async () => 0,
      createSession: async () => {
        throw new Error('database down');
      },
      addDestinationEvent: async () => void t.writes.push('event'),
    });
    const recorder = new HistoryRecorder(t.events, repository, t.clock, logs.logger);
    await recorder.onModuleInit();
    const r = t.start();
    expect(() => r.emit('ingest', { state: 'live', facts: NO_FACTS })).not.toThrow();
    r.emit('destinationState', { destinationId: 'd1', from: 'idle', to: 'connecting' });
    r.emit('ingest', { state: 'ended', reason: 'x', facts: NO_FACTS });
    await recorder.idle();
    expect(t.writes).toEqual(['event']);
    expect(logs.text()).toContain('could not record stream history');
  });

  it('averages only what it was given; no ticks means no averages', () => {
    expect(new SessionAverages().summary()).toEqual({ avgBitrateKbps: null, peakBitrateKbps: null, fps: null });
    const a = new SessionAverages();
    a.add(1000.4, 30);
    a.add(1001, 29.9);
    expect(a.summary()).toEqual({ avgBitrateKbps: 1001, peakBitrateKbps: 1001, fps: 30 });
  });
});

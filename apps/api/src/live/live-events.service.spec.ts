import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamStatus } from '@fanout/contracts';
import type { StreamStats } from '@fanout/restream';
import { engineOnBus, testBus } from '../../test/support/engine-bus';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import { capturedLogger } from '../../test/support/logs';
import type { Credentials } from '../auth/credentials';
import type { LiveControl } from '../ingest/live-control';
import { LiveEventHub } from './live-event-hub';
import { LiveEventsService } from './live-events.service';
import type { LiveStatusService } from './live-status.service';
import type { StreamAccess } from '../streams/stream-access';
import { idleStatus } from './status-mapper';

const STREAM = '00000000-0000-4000-8000-000000000001';

function setUp() {
  const events = testBus();
  let engine: ReturnType<typeof engineOnBus> | undefined;
  let live = false;
  const control = strictFake<LiveControl>('LiveControl', {
    stats: () => (live ? ({} as StreamStats) : undefined),
  });
  const statusCalls: string[] = [];
  const status = strictFake<LiveStatusService>('LiveStatusService', {
    current: async (id: string): Promise<StreamStatus> => {
      statusCalls.push(id);
      return idleStatus(id, [], new Date('2026-11-21T12:00:00Z'));
    },
  });
  const access = strictFake<StreamAccess>('StreamAccess', {});
  const hub = new LiveEventHub(events);
  const credentials = strictFake<Credentials>('Credentials', {});
  const service = new LiveEventsService(access, credentials, status, hub, control, new FakeClock() as never, capturedLogger().logger, { liveStatusMs: 1_000, idleStatusMs: 5_000, pingMs: 15_000, recheckMs: 2_000 });
  const out: string[] = [];
  const sink = { write: (chunk: string) => out.push(chunk) };
  return {
    service,
    hub,
    events,
    sink,
    out,
    statusCalls,
    setLive(value: boolean) {
      live = value;
    },
    goLive() {
      engine = engineOnBus(events, STREAM);
      live = true;
      return engine;
    },
    release() {
      live = false;
      engine?.release();
      engine = undefined;
    },
  };
}

const names = (out: string[]) => out.map((c) => (c.startsWith(':') ? c.trim() : c.startsWith('retry') ? c.trim() : /^event: (\w+)/.exec(c)?.[1]));

describe('LiveEventsService', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends retry and a status at once, then status every 5 s while idle and a ping every 15 s', async () => {
    const t = setUp();
    const stop = t.service.stream(STREAM, t.sink);
    await vi.advanceTimersByTimeAsync(0);
    expect(names(t.out)).toEqual(['retry: 3000', 'status']);
    expect(t.out[1]).toMatch(/^event: status\ndata: \{.*\}\n\n$/);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(names(t.out)).toEqual(['retry: 3000', 'status', 'status', 'status', 'status', ': ping']);
    stop();
  });

  it('sends status every second while live, and state and ingest events as they happen', async () => {
    const t = setUp();
    const stop = t.service.stream(STREAM, t.sink);
    await vi.advanceTimersByTimeAsync(0);
    const restreamer = t.goLive();
    restreamer.emit('ingest', { state: 'live', facts: { video: null, audio: null, audioPresent: false, encoder: 'x' } });
    restreamer.emit('destinationState', { destinationId: 'd1', from: 'idle', to: 'connecting' });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(names(t.out)).toEqual(['retry: 3000', 'status', 'ingest', 'state', 'status', 'status', 'status', 'status']);
    expect(t.out.find((c) => c.startsWith('event: state'))).toBe('event: state\ndata: {"destinationId":"d1","from":"idle","to":"connecting","at":"2026-11-21T12:00:00.000Z"}\n\n');
    stop();
  });

  it('stops every timer and subscription when the client leaves, and writes nothing after', async () => {
    const t = setUp();
    const stop = t.service.stream(STREAM, t.sink);
    const restreamer = t.goLive();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.hub.subscriberCount(STREAM)).toBe(1);
    expect(t.events.size).toBe(1); // one bus subscription for the stream, however many clients
    stop();
    stop(); // twice is harmless
    const written = t.out.length;
    expect(t.hub.subscriberCount()).toBe(0);
    expect(t.events.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    restreamer.emit('destinationState', { destinationId: 'd1', from: 'live', to: 'idle' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.out.length).toBe(written);
  });

  it('follows the stream across release and a new engine', async () => {
    const t = setUp();
    const stop = t.service.stream(STREAM, t.sink);
    t.goLive();
    t.release();
    const second = t.goLive();
    second.emit('destinationState', { destinationId: 'd2', from: 'idle', to: 'connecting' });
    await vi.advanceTimersByTimeAsync(0);
    expect(names(t.out)).toContain('state');
    expect(t.events.size).toBe(1);
    stop();
    expect(t.events.size).toBe(0);
  });

  it('re-checks the viewer every 2 s, ends the stream once the check fails, and follows a role change meanwhile', async () => {
    const t = setUp();
    let answer: 'full' | 'coarse' | null | Error = 'full';
    let checks = 0;
    let ended = 0;
    const sink = { write: t.sink.write, end: () => ended++ };
    const stop = t.service.stream(STREAM, sink, {
      detail: 'full',
      recheck: async () => {
        checks++;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const restreamer = t.goLive();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(checks).toBe(2);
    answer = 'coarse';
    await vi.advanceTimersByTimeAsync(2_000);
    restreamer.emit('destinationState', { destinationId: 'd1', from: 'connecting', to: 'reconnecting', reason: 'refused', message: 'connection refused', nextRetryAt: '2026-11-21T12:00:01.000Z' });
    expect(t.out.at(-1)).toContain('"reason":"unreachable","message":"Could not connect to the destination server."');
    answer = null;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ended).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.hub.subscriberCount()).toBe(0);
    stop();
  });

  it('fails closed: a re-check that throws ends the stream too', async () => {
    const t = setUp();
    let ended = 0;
    t.service.stream(STREAM, { write: t.sink.write, end: () => ended++ }, { detail: 'coarse', recheck: async () => Promise.reject(new Error('database down')) });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ended).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

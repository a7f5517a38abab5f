import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../../test/support/logs';
import { engineStats } from '../../test/support/engine-stats';
import { FakeClock, strictFake } from '../../test/support/strict-fake';
import type { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import type { Clock } from '../common/clock';
import type { DestinationProbe, ProbeResult } from '../ingest/destination-probe';
import type { LiveControl } from '../ingest/live-control';
import { DestinationActionsService } from './destination-actions.service';
import { DESTINATION_TEST_LIMIT, DestinationTestLimiter } from './destination-test-limiter';
import type { DestinationsService } from './destinations.service';

const MEMBER: User = { id: 'm1', email: 'm@example.com', role: 'member', createdAt: '2026-01-01T00:00:00.000Z' };
const ADMIN: User = { id: 'a1', email: 'a@example.com', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' };
const D = '00000000-0000-4000-8000-000000000100';

function setup(options: { enabled?: boolean; stats?: ReturnType<typeof engineStats>; probe?: ProbeResult } = {}) {
  const row = { id: D, streamId: 's1', name: 'YouTube', platform: 'youtube', url: 'rtmps://a.rtmps.youtube.com/live2', keyCiphertext: 'x', enabled: options.enabled ?? true, createdAt: new Date(), updatedAt: new Date(), stream: { ownerId: 'm1', ownerRole: 'member' as const } };
  const retried: string[] = [];
  const audits: unknown[][] = [];
  const probes: string[] = [];
  const destinations = strictFake<DestinationsService>('DestinationsService', { visible: async () => row });
  const live = strictFake<LiveControl>('LiveControl', {
    stats: () => options.stats,
    retryDestination: (streamId, id) => {
      retried.push(`${streamId}/${id}`);
      return true;
    },
  });
  const probe = strictFake<DestinationProbe>('DestinationProbe', {
    probe: async (streamId, id) => {
      probes.push(`${streamId}/${id}`);
      return options.probe ?? { ok: true, elapsedMs: 120 };
    },
  });
  const audit = strictFake<AuditService>('AuditService', { record: async (...args) => void audits.push(args) });
  const clock = new FakeClock() as unknown as Clock;
  const service = new DestinationActionsService(destinations, live, probe, new DestinationTestLimiter(clock), audit, clock, capturedLogger().logger);
  return { service, retried, audits, probes };
}

const liveWith = (state: 'live' | 'reconnecting' | 'failed' | 'connecting') => engineStats({ streamId: 's1', destinations: [{ id: D, state }] });

describe('DestinationActionsService.retry', () => {
  it('retries a reconnecting or failed destination of a live stream at once, and audits it', async () => {
    for (const state of ['reconnecting', 'failed'] as const) {
      const t = setup({ stats: liveWith(state) });
      await t.service.retry(MEMBER, D);
      expect(t.retried).toEqual([`s1/${D}`]);
      expect(t.audits).toEqual([[MEMBER, 'destination.retry', { type: 'destination', id: D }, { streamId: 's1', name: 'YouTube', state }]]);
    }
  });

  it('answers a destination that is connecting already without touching it', async () => {
    const t = setup({ stats: liveWith('connecting') });
    await t.service.retry(MEMBER, D);
    expect(t.retried).toEqual([]);
  });

  it('says in words why there is nothing to retry: idle stream, switched off, live already', async () => {
    await expect(setup().service.retry(MEMBER, D)).rejects.toMatchObject({ code: 'CONFLICT', userMessage: 'Nothing is publishing to this stream. Destinations connect when you go live.' });
    await expect(setup({ enabled: false, stats: liveWith('failed') }).service.retry(MEMBER, D)).rejects.toMatchObject({ code: 'CONFLICT', userMessage: 'This destination is switched off. Switch it on to send to it.' });
    await expect(setup({ stats: liveWith('live') }).service.retry(MEMBER, D)).rejects.toMatchObject({ code: 'CONFLICT', userMessage: 'YouTube is live already.' });
  });
});

describe('DestinationActionsService.test', () => {
  it('reports success and audits it', async () => {
    const t = setup();
    await expect(t.service.test(MEMBER, D)).resolves.toEqual({ ok: true, at: '2026-11-21T12:00:00.000Z', elapsedMs: 120 });
    expect(t.audits[0]).toEqual([MEMBER, 'destination.test', { type: 'destination', id: D }, { streamId: 's1', name: 'YouTube', ok: true, reason: null }]);
  });

  it('shows members one coarse reason for a connection failure, and owners and admins the detail', async () => {
    const refused: ProbeResult = { ok: false, reason: 'refused', message: 'connection refused', elapsedMs: 3 };
    await expect(setup({ probe: refused }).service.test(MEMBER, D)).resolves.toMatchObject({ ok: false, reason: 'unreachable', message: 'Could not connect to the destination server.' });
    await expect(setup({ probe: refused }).service.test(ADMIN, D)).resolves.toMatchObject({ ok: false, reason: 'refused', message: 'connection refused' });
    const rejected: ProbeResult = { ok: false, reason: 'rejected-key', message: 'publish rejected', elapsedMs: 3 };
    await expect(setup({ probe: rejected }).service.test(MEMBER, D)).resolves.toMatchObject({ ok: false, reason: 'rejected-key' });
  });

  it('refuses while the stream is live, without connecting anywhere', async () => {
    const t = setup({ stats: liveWith('live') });
    await expect(t.service.test(MEMBER, D)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(t.probes).toEqual([]);
  });

  it(`allows ${DESTINATION_TEST_LIMIT.max} tests a minute per user, then answers RATE_LIMITED with the wait`, async () => {
    const t = setup();
    for (let i = 0; i < DESTINATION_TEST_LIMIT.max; i++) await t.service.test(MEMBER, D);
    await expect(t.service.test(MEMBER, D)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterS: 60 });
    await expect(t.service.test(ADMIN, D)).resolves.toMatchObject({ ok: true }); // another user's own budget
    expect(t.probes).toHaveLength(DESTINATION_TEST_LIMIT.max + 1);
  });
});

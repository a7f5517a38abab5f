import { describe, expect, it } from 'vitest';
import { destinationStateEventSchema, ingestEventSchema, streamStatusSchema } from '@fanout/contracts';
import { COARSE_FAILURE_MESSAGE, failureDetailFor, idleStatus, ingestEventFromEngine, shownFailure, stateEventFromChange, statusFromStats } from './status-mapper';
import { engineStats } from '../../test/support/engine-stats';

describe('status mapping', () => {
  it('maps a live ingest and its destinations to the contract, leaving engine-only fields out', () => {
    const status = statusFromStats(engineStats({ destinations: [{ droppedFrames: 3, reconnects: 1, lastError: { reason: 'stalled', message: 'no drain', at: '2026-11-21T11:59:30.000Z' } }] }));
    expect(streamStatusSchema.strict().parse(status)).toEqual(status);
    expect(status.ingest).toEqual({
      state: 'live',
      reconnectGrace: false,
      graceEndsAt: null,
      startedAt: '2026-11-21T11:59:00.000Z',
      uptimeS: 60.4,
      bitrateKbps: 2600.4,
      fps: 29.9,
      keyframeIntervalS: 2,
      audioPresent: true,
      video: { codec: 'h264', width: 1280, height: 720 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
    });
    expect(status.destinations[0]).toEqual({
      id: '00000000-0000-4000-8000-000000000100',
      name: 'Destination 0',
      state: 'live',
      bitrateKbps: 2590,
      bytesSent: 1_000_000,
      queueBytes: 0,
      droppedFrames: 3,
      reconnects: 1,
      lastError: { reason: 'stalled', message: 'no drain', at: '2026-11-21T11:59:30.000Z' },
      nextRetryAt: null,
      liveSince: '2026-11-21T11:59:01.000Z',
      warnings: [],
    });
    expect(JSON.stringify(status)).not.toContain('socketBytes');
    expect(JSON.stringify(status)).not.toContain('obs-output');
  });

  it('reports the grace window as live with reconnectGrace, since destinations stay connected, and when it ends', () => {
    expect(statusFromStats(engineStats({ ingest: { state: 'grace', bitrateKbps: 0, graceEndsAt: '2026-11-21T12:00:07.000Z' } })).ingest).toMatchObject({
      state: 'live',
      reconnectGrace: true,
      graceEndsAt: '2026-11-21T12:00:07.000Z',
      startedAt: '2026-11-21T11:59:00.000Z',
    });
  });

  it('reports an engine ingest that ended but still settles its destinations as idle', () => {
    expect(statusFromStats(engineStats({ ingest: { state: 'idle', startedAt: null } })).ingest).toMatchObject({ state: 'idle', reconnectGrace: false });
  });

  it('answers idle with zeros and nulls, each destination disabled or idle from the database', () => {
    const status = idleStatus('s1', [{ id: 'a', name: 'YouTube', enabled: true }, { id: 'b', name: 'Twitch', enabled: false }], new Date('2026-11-21T12:00:00Z'));
    expect(streamStatusSchema.parse(status)).toEqual(status);
    expect(status.at).toBe('2026-11-21T12:00:00.000Z');
    expect(status.ingest).toEqual({ state: 'idle', reconnectGrace: false, graceEndsAt: null, startedAt: null, uptimeS: 0, bitrateKbps: 0, fps: 0, keyframeIntervalS: null, audioPresent: false, video: null, audio: null });
    expect(status.destinations.map((d) => [d.name, d.state, d.bytesSent, d.lastError])).toEqual([
      ['YouTube', 'idle', 0, null],
      ['Twitch', 'disabled', 0, null],
    ]);
  });

  it('stamps destination state changes with the time they were seen', () => {
    const at = new Date('2026-11-21T12:00:01Z');
    expect(destinationStateEventSchema.parse(stateEventFromChange({ destinationId: 'd', from: 'live', to: 'reconnecting', reason: 'closed-by-peer', message: 'peer closed', nextRetryAt: '2026-11-21T12:00:03.000Z' }, at))).toEqual({
      destinationId: 'd',
      from: 'live',
      to: 'reconnecting',
      reason: 'closed-by-peer',
      message: 'peer closed',
      nextRetryAt: '2026-11-21T12:00:03.000Z',
      at: '2026-11-21T12:00:01.000Z',
    });
    expect(stateEventFromChange({ destinationId: 'd', from: 'idle', to: 'connecting' }, at)).toEqual({ destinationId: 'd', from: 'idle', to: 'connecting', at: '2026-11-21T12:00:01.000Z' });
  });

  it('maps ingest events without the encoder string', () => {
    const event = ingestEventFromEngine({ state: 'grace', reason: 'unpublished', facts: engineStats().ingest, graceEndsAt: '2026-11-21T12:00:12.000Z' }, new Date('2026-11-21T12:00:02Z'));
    expect(ingestEventSchema.strict().parse(event)).toEqual({
      state: 'grace',
      reason: 'unpublished',
      at: '2026-11-21T12:00:02.000Z',
      graceEndsAt: '2026-11-21T12:00:12.000Z',
      video: { codec: 'h264', width: 1280, height: 720 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
      audioPresent: true,
    });
  });

  it('shows members one coarse reason for every connection failure, and owners and admins the detail, bounded', () => {
    expect(failureDetailFor({ role: 'member' })).toBe('coarse');
    expect(failureDetailFor({ role: 'admin' })).toBe('full');
    const oracle: [string, string][] = [
      ['refused', 'connection refused'],
      ['timeout', 'no TCP connection within 10000 ms'],
      ['closed-by-peer', 'closed during handshake'],
      ['protocol', 'server answered RTMP version 72'],
      ['tls', 'TLS failure (ERR_SSL_WRONG_VERSION_NUMBER): wrong version number'],
      ['dns', 'DNS lookup failed (ENOTFOUND)'],
    ];
    for (const [reason, message] of oracle) {
      expect(shownFailure(reason, message, 'coarse')).toEqual({ reason: 'unreachable', message: COARSE_FAILURE_MESSAGE });
      expect(shownFailure(reason, message, 'full')).toEqual({ reason, message });
    }
    expect(shownFailure('rejected-key', 'publish rejected', 'coarse')).toEqual({ reason: 'rejected-key', message: 'publish rejected' });
    expect(shownFailure('refused', `x\u0000${'y'.repeat(500)}`, 'full').message).toHaveLength(200);
    const event = stateEventFromChange({ destinationId: 'd', from: 'connecting', to: 'reconnecting', reason: 'protocol', message: 'server answered RTMP version 72', nextRetryAt: '2026-11-21T12:00:03.000Z' }, new Date(0), 'coarse');
    expect(event).toMatchObject({ reason: 'unreachable', message: COARSE_FAILURE_MESSAGE });
    const status = statusFromStats(engineStats({ destinations: [{ lastError: { reason: 'refused', message: 'connection refused', at: '2026-11-21T11:59:30.000Z' } }] }), 'coarse');
    expect(status.destinations[0]!.lastError).toEqual({ reason: 'unreachable', message: COARSE_FAILURE_MESSAGE, at: '2026-11-21T11:59:30.000Z' });
  });
});

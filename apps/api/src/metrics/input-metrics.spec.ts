import { describe, expect, it } from 'vitest';
import type { InputSwitchEvent, StreamStats } from '@fanout/restream';
import { testBus } from '../../test/support/engine-bus';
import { strictFake } from '../../test/support/strict-fake';
import { LiveControl } from '../ingest/live-control';
import { PrometheusService } from './prometheus.service';

const PROC = { residentMemoryBytes: 1, cpuUserS: 0, cpuSystemS: 0, startTimeS: 0, heapUsedBytes: 0 };
const AT = '2026-11-21T12:00:00.000Z';

function switched(streamId: string, previous: InputSwitchEvent['onAir'], onAir: InputSwitchEvent['onAir'], reason: InputSwitchEvent['reason']): InputSwitchEvent {
  return { streamId, previous, onAir, reason, at: AT, gapMs: 33, wallGapMs: 20 };
}

/** The Prometheus service on a real bus, with no live engines (the input families come from events only). */
function prometheus() {
  const bus = testBus();
  const service = new PrometheusService(bus, strictFake<LiveControl>('LiveControl', { liveStats: (): StreamStats[] => [] }));
  service.onModuleInit();
  const sample = (line: string) => {
    const found = service.render(PROC).split('\n').find((l) => l.startsWith(`${line} `));
    return found === undefined ? undefined : Number(found.slice(line.length + 1));
  };
  return { bus, service, sample };
}

describe('Prometheus: input switches and what is on air, from the engine-events bus', () => {
  it('exports every reason at 0 and every input at 0 before anything happens', () => {
    const { service } = prometheus();
    const text = service.render(PROC);
    expect(text).toContain('# TYPE fanout_input_switches_total counter\n');
    expect(text).toContain('# TYPE fanout_stream_on_air gauge\n');
    for (const reason of ['publish-start', 'primary-lost', 'backup-keyframe', 'failback', 'manual', 'ended']) expect(text).toContain(`fanout_input_switches_total{reason="${reason}"} 0\n`);
    for (const input of ['primary', 'backup', 'slate', 'none']) expect(text).toContain(`fanout_stream_on_air{input="${input}"} 0\n`);
  });

  it('counts switches by reason and streams by what is on air, through a failover, a slate and the end', () => {
    const { bus, sample } = prometheus();
    bus.publish({ type: 'started', streamId: 'a', at: AT });
    bus.publish({ type: 'started', streamId: 'b', at: AT });
    expect(sample('fanout_stream_on_air{input="none"}')).toBe(2);
    bus.publish({ type: 'input', streamId: 'a', event: switched('a', 'none', 'primary', 'publish-start') });
    bus.publish({ type: 'input', streamId: 'b', event: switched('b', 'none', 'primary', 'publish-start') });
    expect(sample('fanout_stream_on_air{input="primary"}')).toBe(2);
    expect(sample('fanout_input_switches_total{reason="publish-start"}')).toBe(2);

    // a: the primary dies, the slate bridges to the backup's keyframe. b: a lone primary dies (slate).
    bus.publish({ type: 'input', streamId: 'a', event: switched('a', 'primary', 'slate', 'primary-lost') });
    bus.publish({ type: 'input', streamId: 'b', event: switched('b', 'primary', 'slate', 'primary-lost') });
    bus.publish({ type: 'input', streamId: 'a', event: switched('a', 'slate', 'backup', 'backup-keyframe') });
    expect(sample('fanout_stream_on_air{input="backup"}')).toBe(1);
    expect(sample('fanout_stream_on_air{input="slate"}')).toBe(1);
    expect(sample('fanout_stream_on_air{input="primary"}')).toBe(0);
    expect(sample('fanout_input_switches_total{reason="primary-lost"}')).toBe(2);
    expect(sample('fanout_input_switches_total{reason="backup-keyframe"}')).toBe(1);

    // b ends: its last switch (to none) counts, then it leaves the gauge altogether.
    bus.publish({ type: 'input', streamId: 'b', event: switched('b', 'slate', 'none', 'ended') });
    expect(sample('fanout_stream_on_air{input="none"}')).toBe(1);
    bus.publish({ type: 'released', streamId: 'b', at: AT });
    expect(sample('fanout_stream_on_air{input="none"}')).toBe(0);
    expect(sample('fanout_stream_on_air{input="slate"}')).toBe(0);
    expect(sample('fanout_stream_on_air{input="backup"}')).toBe(1);
    // Counters never go back when a stream is released.
    expect(sample('fanout_input_switches_total{reason="ended"}')).toBe(1);
    expect(sample('fanout_input_switches_total{reason="primary-lost"}')).toBe(2);
  });

  it('labels nothing by stream', () => {
    const { bus, service } = prometheus();
    bus.publish({ type: 'started', streamId: 'stream-secret-id', at: AT });
    bus.publish({ type: 'input', streamId: 'stream-secret-id', event: switched('stream-secret-id', 'none', 'primary', 'publish-start') });
    expect(service.render(PROC)).not.toContain('stream-secret-id');
  });

  it('stops listening on shutdown', () => {
    const { bus, service } = prometheus();
    const before = bus.size;
    service.onModuleDestroy();
    expect(bus.size).toBe(before - 1);
  });
});

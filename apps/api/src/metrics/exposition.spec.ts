import { describe, expect, it } from 'vitest';
import { engineStats } from '../../test/support/engine-stats';
import { EngineCounters } from './engine-counters';
import { escapeLabelValue, formatExposition } from './exposition';
import { HttpMetrics } from './http-metrics';
import { engineFamilies } from './prometheus.service';

const PROC = { residentMemoryBytes: 123_456_789, cpuUserS: 1.5, cpuSystemS: 0.25, startTimeS: 1_795_000_000, heapUsedBytes: 42 };

/** A line of the 0.0.4 text format: comment, or `name{labels} value`. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/;

describe('Prometheus exposition', () => {
  it('formats counters, gauges and labels exactly', () => {
    const text = formatExposition([
      { name: 'a_total', help: 'Things.\nMore', type: 'counter', samples: [{ value: 3 }] },
      { name: 'b', help: 'B', type: 'gauge', samples: [{ labels: { state: 'live' }, value: 1.5 }, { labels: { state: 'a"b\\c\nd' }, value: NaN }] },
    ]);
    expect(text).toBe('# HELP a_total Things.\\nMore\n# TYPE a_total counter\na_total 3\n# HELP b B\n# TYPE b gauge\nb{state="live"} 1.5\nb{state="a\\"b\\\\c\\nd"} NaN\n');
    expect(escapeLabelValue('x')).toBe('x');
  });

  it('formats histograms with cumulative buckets, +Inf, _sum and _count', () => {
    const text = formatExposition([{ name: 'd_seconds', help: 'D', type: 'histogram', buckets: [0.1, 1], series: [{ labels: { route: '/x' }, counts: [2, 1, 1], sum: 3.5 }] }]);
    expect(text.split('\n')).toEqual([
      '# HELP d_seconds D',
      '# TYPE d_seconds histogram',
      'd_seconds_bucket{route="/x",le="0.1"} 2',
      'd_seconds_bucket{route="/x",le="1"} 3',
      'd_seconds_bucket{route="/x",le="+Inf"} 4',
      'd_seconds_sum{route="/x"} 3.5',
      'd_seconds_count{route="/x"} 4',
      '',
    ]);
  });

  it('refuses invalid metric and label names', () => {
    expect(() => formatExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(/invalid metric name/);
    expect(() => formatExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow(/invalid label name/);
  });

  it('counts HTTP requests by method, route template and status, with a duration histogram', () => {
    const http = new HttpMetrics();
    http.observe('GET', '/api/streams/:id', 200, 0.003);
    http.observe('GET', '/api/streams/:id', 200, 0.2);
    http.observe('GET', '/api/streams/:id', 404, 20);
    http.observe('BREW', undefined, 404, 0.001);
    const text = formatExposition(http.families());
    expect(text).toContain('fanout_http_requests_total{method="GET",route="/api/streams/:id",status="200"} 2\n');
    expect(text).toContain('fanout_http_requests_total{method="OTHER",route="unmatched",status="404"} 1\n');
    expect(text).toContain('fanout_http_request_duration_seconds_bucket{method="GET",route="/api/streams/:id",le="0.005"} 1\n');
    expect(text).toContain('fanout_http_request_duration_seconds_bucket{method="GET",route="/api/streams/:id",le="0.25"} 2\n');
    expect(text).toContain('fanout_http_request_duration_seconds_bucket{method="GET",route="/api/streams/:id",le="+Inf"} 3\n');
    expect(text).toContain('fanout_http_request_duration_seconds_count{method="GET",route="/api/streams/:id"} 3\n');
  });

  it('exports engine and process metrics aggregated across streams, with no stream, destination or key label', () => {
    const counters = new EngineCounters();
    const a = engineStats({ streamId: 'stream-a', destinations: [{ bytesSent: 1000, droppedFrames: 2, reconnects: 1 }, { state: 'reconnecting', bytesSent: 10 }] });
    const b = engineStats({ streamId: 'stream-b', ingest: { state: 'grace' }, destinations: [{ state: 'failed', bytesSent: 5 }] });
    counters.observe(a);
    counters.observe(b);
    const text = formatExposition(engineFamilies([a, b], counters, PROC));
    for (const line of text.trimEnd().split('\n')) if (!line.startsWith('#')) expect(line).toMatch(SAMPLE);
    expect(text).toContain('fanout_ingests_live 1\n');
    expect(text).toContain('fanout_ingests_grace 1\n');
    expect(text).toContain('fanout_destinations{state="live"} 1\n');
    expect(text).toContain('fanout_destinations{state="reconnecting"} 1\n');
    expect(text).toContain('fanout_destinations{state="failed"} 1\n');
    expect(text).toContain('fanout_destinations{state="idle"} 0\n');
    expect(text).toContain('fanout_destination_bytes_sent_total 1015\n');
    expect(text).toContain('fanout_destination_dropped_frames_total 2\n');
    expect(text).toContain('fanout_destination_reconnects_total 1\n');
    expect(text).toContain('process_resident_memory_bytes 123456789\n');
    expect(text).toContain('process_cpu_seconds_total 1.75\n');
    expect(text).toContain('# TYPE fanout_ingest_bytes_received_total counter\n');
    for (const secret of ['stream-a', 'stream-b', '00000000-0000-4000-8000', 'Destination 0', 'obs-output']) expect(text).not.toContain(secret);
  });
});

describe('engine counters', () => {
  it('never go back when a destination or restreamer is re-created, and integrate the ingest bitrate per tick', () => {
    const c = new EngineCounters();
    c.tick(engineStats({ at: '2026-11-21T12:00:00.000Z', ingest: { bitrateKbps: 8 }, destinations: [{ bytesSent: 100 }] }));
    c.tick(engineStats({ at: '2026-11-21T12:00:01.000Z', ingest: { bitrateKbps: 8 }, destinations: [{ bytesSent: 300 }] }));
    expect(c.bytesSent).toBe(300);
    expect(c.ingestBytes).toBe(2000); // 8 kbit/s for 2 × 1 s
    c.observe(engineStats({ destinations: [{ bytesSent: 50 }] })); // re-created: counts from its new zero
    expect(c.bytesSent).toBe(350);
    c.forget('00000000-0000-4000-8000-000000000001');
    c.observe(engineStats({ destinations: [{ bytesSent: 40 }] }));
    expect(c.bytesSent).toBe(390);
    c.tick(engineStats({ at: '2026-11-21T12:00:09.000Z', ingest: { state: 'grace', bitrateKbps: 8 } }));
    expect(c.ingestBytes).toBe(2000); // nothing received in the grace window
  });
});

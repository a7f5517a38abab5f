import type { HistogramFamily, ScalarFamily } from './exposition';

export const HTTP_DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Request counts and durations by method, route template and status. Labels stay bounded:
 * the route is the template Fastify matched (`/api/streams/:id`), `unmatched` when none
 * did, never the raw URL; unusual methods are `OTHER`.
 */
export class HttpMetrics {
  private readonly requests = new Map<string, { method: string; route: string; status: string; count: number }>();
  private readonly durations = new Map<string, { method: string; route: string; counts: number[]; sum: number }>();

  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    const r = route ?? 'unmatched';
    const s = String(status);
    const requestKey = `${m} ${r} ${s}`;
    const request = this.requests.get(requestKey) ?? { method: m, route: r, status: s, count: 0 };
    request.count += 1;
    this.requests.set(requestKey, request);

    const durationKey = `${m} ${r}`;
    const duration = this.durations.get(durationKey) ?? { method: m, route: r, counts: new Array<number>(HTTP_DURATION_BUCKETS_S.length + 1).fill(0), sum: 0 };
    let bucket = HTTP_DURATION_BUCKETS_S.findIndex((bound) => seconds <= bound);
    if (bucket === -1) bucket = HTTP_DURATION_BUCKETS_S.length;
    duration.counts[bucket]! += 1;
    duration.sum += seconds;
    this.durations.set(durationKey, duration);
  }

  families(): [ScalarFamily, HistogramFamily] {
    return [
      {
        name: 'fanout_http_requests_total',
        help: 'HTTP requests answered, by method, route template and status.',
        type: 'counter',
        samples: [...this.requests.values()].map((r) => ({ labels: { method: r.method, route: r.route, status: r.status }, value: r.count })),
      },
      {
        name: 'fanout_http_request_duration_seconds',
        help: 'HTTP request duration, by method and route template.',
        type: 'histogram',
        buckets: HTTP_DURATION_BUCKETS_S,
        series: [...this.durations.values()].map((d) => ({ labels: { method: d.method, route: d.route }, counts: d.counts, sum: d.sum })),
      },
    ];
  }
}

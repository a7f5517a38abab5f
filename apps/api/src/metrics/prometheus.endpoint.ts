import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EXPOSITION_CONTENT_TYPE } from './exposition';
import { PrometheusService } from './prometheus.service';

/** Where Prometheus scrapes: outside `/api` (the global prefix), the conventional path. */
export const PROMETHEUS_PATH = '/metrics';

/**
 * Mounts `GET /metrics` on Fastify itself, outside Nest's `/api` prefix, and counts every
 * HTTP response by route template. Public like most exporters: it carries only aggregate,
 * label-bounded numbers (no stream, destination, key or URL), so an operator who wants it
 * private restricts the path at the reverse proxy or firewall.
 */
@Injectable()
export class PrometheusEndpoint implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly prometheus: PrometheusService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      this.prometheus.http.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    });
    fastify.get(PROMETHEUS_PATH, async (_request, reply) => {
      reply.header('content-type', EXPOSITION_CONTENT_TYPE).header('cache-control', 'no-store');
      return this.prometheus.render();
    });
  }
}

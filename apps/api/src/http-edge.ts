import { networkInterfaces, hostname } from 'node:os';
import { allowedHosts, commonSecurityHeaders, isAllowedHost, machineIdentity } from '@fanout/contracts';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config';
import { AppError } from './common/app-error';
import { toErrorResponse } from './http-exception.filter';
import type { Logger } from './logging/logger';

/** The API serves only data: nothing may load, run, frame or submit anywhere. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Routes a load balancer or the start script calls by any address; they answer no secret. */
const ANY_HOST = new Set(['/api/health']);

/** Node's http server limits: headers and whole request (body included) must arrive in time; checked every second. */
export function httpServerTimeouts(config: Pick<Config, 'HTTP_HEADERS_TIMEOUT_S' | 'HTTP_REQUEST_TIMEOUT_S'>) {
  const requestTimeout = Math.round(config.HTTP_REQUEST_TIMEOUT_S * 1000);
  return { requestTimeout, http: { headersTimeout: Math.round(config.HTTP_HEADERS_TIMEOUT_S * 1000), requestTimeout, connectionsCheckingInterval: 1000 } };
}

/**
 * The API's outer edge, before routing: the Host allowlist (PUBLIC_HOSTS: a DNS-rebinding page
 * can send a matching Origin, but not a Host that is ours) and the security headers, set on the
 * reply first so every answer carries them: errors, 404s and hijacked event streams included.
 * The host is Fastify's `request.host`: X-Forwarded-Host from a trusted proxy, else Host.
 */
export function installHttpEdge(fastify: FastifyInstance, config: Pick<Config, 'PUBLIC_HOSTS' | 'PUBLIC_HOST'>, logger: Logger): string[] {
  const allowed = allowedHosts(config.PUBLIC_HOSTS, machineIdentity({ hostname, networkInterfaces }), config.PUBLIC_HOST);
  fastify.addHook('onRequest', async (request, reply) => {
    reply.headers({ ...commonSecurityHeaders(request.protocol === 'https', 'no-referrer'), 'content-security-policy': API_CSP, 'cross-origin-resource-policy': 'same-origin' });
    const path = request.url.split('?')[0]!;
    if (ANY_HOST.has(path) || isAllowedHost(request.host, allowed)) return;
    const { status, body, headers } = toErrorResponse(new AppError('HOST_NOT_ALLOWED', { internal: `Host ${JSON.stringify(request.host).slice(0, 100)} is not in PUBLIC_HOSTS` }), logger);
    return reply.status(status).headers(headers).send(body);
  });
  return allowed;
}

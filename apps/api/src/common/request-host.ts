import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The host the client addressed, port included (`fanout.example:3000`): X-Forwarded-Host from
 * a trusted proxy (the dashboard's), else Host. Services use it to write URLs the user can reach.
 */
export const RequestHost = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().host || undefined;
});

/** The host part of a Host header: `example.com:3000` → `example.com`, `[::1]:3000` → `[::1]`. */
export function hostWithoutPort(hostHeader: string): string {
  const host = hostHeader.trim();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address, which has no port to strip.
  if (colon === -1 || host.indexOf(':', colon + 1) !== -1) return host;
  return host.slice(0, colon);
}

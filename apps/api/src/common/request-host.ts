import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The host the client addressed, port included (`fanout.example:3000`): X-Forwarded-Host from
 * a trusted proxy (the dashboard's), else Host. Services use it to write URLs the user can reach.
 */
export const RequestHost = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().host || undefined;
});

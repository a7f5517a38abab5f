import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error';
import type { AuthContext, ClientInfo, Role, SessionCookieJar, User } from './auth.types';
import { sessionCookieJar } from './session-cookie';

export const IS_PUBLIC = 'fanout:public';
export const ROLES = 'fanout:roles';

/** Open to anyone: AuthGuard lets the route through without a session or token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (RolesGuard); anyone else gets 403 FORBIDDEN. */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ROLES, roles);

function authOf(ctx: ExecutionContext): AuthContext {
  const auth = ctx.switchToHttp().getRequest<FastifyRequest>().auth;
  // Only reachable on a @Public() route that asks for a user: a wiring mistake, not a client error.
  if (!auth) throw new AppError('UNAUTHENTICATED', { internal: 'no auth context on the request (is the route @Public?)' });
  return auth;
}

/** The signed-in user. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): User => authOf(ctx).user);

/** The user plus the credential used (session or token), e.g. to revoke that session. */
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => authOf(ctx));

/** The caller's address (after trusted proxies) and user agent. */
export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
});

/** Sets or clears the session cookie on this response. */
export const SessionCookie = createParamDecorator((_: unknown, ctx: ExecutionContext): SessionCookieJar => {
  const http = ctx.switchToHttp();
  return sessionCookieJar(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
});

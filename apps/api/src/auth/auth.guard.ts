import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error';
import { ApiTokenService } from './api-token.service';
import type { AuthContext } from './auth.types';
import { assertSameOrigin, SAFE_METHODS } from './csrf';
import { IS_PUBLIC } from './decorators';
import { readSessionCookie, sessionCookieJar } from './session-cookie';
import { SessionService } from './session.service';

/** `Bearer <token>` → token; undefined when the header is absent; null when it is there but malformed. */
export function parseBearer(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * Global: every route needs a session cookie or a bearer token unless it is @Public().
 * A `read-only` token may only GET (and HEAD).
 * An Authorization header, when present, is the only credential considered (a bad token is
 * a 401 even if a cookie rides along). Cookie-authenticated changes must pass the Origin
 * check; bearer requests are exempt, since a browser never attaches them on its own.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly tokens: ApiTokenService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]) === true;
    const bearer = parseBearer(request.headers.authorization);
    const cookie = bearer === undefined ? readSessionCookie(request) : undefined;

    if (bearer === undefined && !SAFE_METHODS.has(request.method)) {
      // Before any lookup: a forged request costs no database work.
      assertSameOrigin(
        {
          method: request.method,
          origin: header(request, 'origin'),
          referer: header(request, 'referer'),
          hosts: [request.host, header(request, 'host'), header(request, 'x-forwarded-host')?.split(',').at(-1)?.trim()],
          protocol: request.protocol,
        },
        !isPublic && cookie !== undefined,
      );
    }
    if (isPublic) return true;

    request.auth = await this.authenticate(request, ctx.switchToHttp().getResponse<FastifyReply>(), bearer, cookie);
    return true;
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply, bearer: string | null | undefined, cookie: string | undefined): Promise<AuthContext> {
    if (bearer !== undefined) {
      const token = bearer === null ? null : await this.tokens.authenticate(bearer);
      if (!token) throw new AppError('UNAUTHENTICATED', { message: 'The API token is not valid.', internal: bearer === null ? 'malformed Authorization header' : 'unknown, revoked or expired API token' });
      if (token.scope === 'read-only' && !SAFE_METHODS.has(request.method)) {
        throw new AppError('FORBIDDEN', { message: 'This API token is read-only.', internal: `read-only token ${token.id} tried ${request.method}` });
      }
      return { via: 'token', user: token.user, tokenId: token.id, scope: token.scope };
    }
    const session = cookie === undefined ? null : await this.sessions.authenticate(cookie);
    if (!session) throw new AppError('UNAUTHENTICATED', { internal: cookie === undefined ? 'no credentials' : 'unknown, expired or revoked session' });
    // The server slid the expiry forward: slide the cookie's too.
    if (session.renewed) sessionCookieJar(request, reply).set(cookie!, this.sessions.maxAgeS);
    return { via: 'session', user: session.user, sessionId: session.id };
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies, serializeCookie } from '../common/cookies';
import { SESSION_COOKIE } from './auth.constants';
import type { SessionCookieJar } from './auth.types';

/** The session token from the request's Cookie header, if any. */
export function readSessionCookie(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  return parseCookies(request.headers.cookie).get(SESSION_COOKIE);
}

/**
 * httpOnly, SameSite=Lax, Path=/; Secure when the request came over https (directly, or per
 * X-Forwarded-Proto from a trusted proxy: Fastify's `protocol` honours trustProxy).
 */
export function sessionCookieJar(request: Pick<FastifyRequest, 'protocol'>, reply: Pick<FastifyReply, 'header'>): SessionCookieJar {
  const base = { path: '/', httpOnly: true, sameSite: 'Lax', secure: request.protocol === 'https' } as const;
  return {
    set(token, maxAgeS) {
      reply.header('set-cookie', serializeCookie(SESSION_COOKIE, token, { ...base, maxAge: maxAgeS }));
    },
    clear() {
      reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { ...base, maxAge: 0 }));
    },
  };
}

import type { ApiTokenScope, Role, User } from '@fanout/contracts';

export type { ApiTokenScope, Role, User };

/** Who made the request, and with what credential; set on the request by AuthGuard. */
export type AuthContext =
  | { via: 'session'; user: User; sessionId: string }
  | { via: 'token'; user: User; tokenId: string; scope: ApiTokenScope };

/** The request facts auth needs, kept apart from Fastify so services stay testable. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

/** Writes or clears the session cookie on the current response. */
export interface SessionCookieJar {
  set(token: string, maxAgeS: number): void;
  clear(): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

/** A user row as the API shows it. */
export function toUser(row: { id: string; email: string; role: Role; createdAt: Date }): User {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.createdAt.toISOString() };
}

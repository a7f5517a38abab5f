import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SESSION_TTL_MS, TOUCH_INTERVAL_MS } from './auth.constants';
import { type ClientInfo, toUser, type User } from './auth.types';
import { SecretTokens, TOKEN_BODY } from './secret-tokens';
import { SessionsRepository } from './sessions.repository';

export interface NewSession {
  id: string;
  /** The cookie value; only its hash is stored. */
  token: string;
  maxAgeS: number;
}

export interface ValidSession {
  id: string;
  user: User;
  /** True when this use pushed the expiry forward, so the cookie should be re-sent with a fresh Max-Age. */
  renewed: boolean;
}

/** Server-side sessions: created at sign-in, sliding expiry, revocable. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly tokens: SecretTokens,
    private readonly clock: Clock,
  ) {}

  /** The cookie's Max-Age: the whole sliding lifetime. */
  readonly maxAgeS = SESSION_TTL_MS / 1000;

  async create(userId: string, client: ClientInfo): Promise<NewSession> {
    const now = this.clock.now();
    const token = this.tokens.generate();
    const { id } = await this.sessions.create({
      userId,
      tokenHash: this.tokens.hash(token),
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip || null,
    });
    return { id, token, maxAgeS: this.maxAgeS };
  }

  /**
   * The live session behind a cookie value, or null (unknown, revoked or expired).
   * A use more than TOUCH_INTERVAL_MS after the last recorded one writes lastSeenAt and
   * slides the expiry, so an active session costs at most one write a minute.
   */
  async authenticate(token: string): Promise<ValidSession | null> {
    if (!TOKEN_BODY.test(token)) return null;
    const session = await this.sessions.findByTokenHash(this.tokens.hash(token));
    const now = this.clock.now();
    if (!session || session.revokedAt !== null || session.expiresAt.getTime() <= now.getTime()) return null;
    const renewed = now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS;
    if (renewed) await this.sessions.touch(session.id, now, new Date(now.getTime() + SESSION_TTL_MS));
    return { id: session.id, user: toUser(session.user), renewed };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId, this.clock.now());
  }

  /** The session's user as of now, or null once it is revoked, expired or its user deleted (for long-lived responses). */
  async stillValid(sessionId: string): Promise<User | null> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.revokedAt !== null || session.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return toUser(session.user);
  }
}

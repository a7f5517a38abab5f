import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthState, RevokedSessions, SessionInfo } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { LOGGER, type Logger } from '../logging/logger';
import type { ChangePasswordDto, LoginDto, SetupDto } from './auth.dto';
import type { AuthContext, ClientInfo, SessionCookieJar, User } from './auth.types';
import { toUser } from './auth.types';
import { LoginRateLimiter } from './login-rate-limiter';
import { PasswordHasher } from './password-hasher';
import { SessionService } from './session.service';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';

/** Hashed once at start-up; unknown emails are checked against it so they cost what a wrong password costs. */
const DUMMY_PASSWORD = 'fanout-timing-equaliser-not-a-password';

const sessionOnly = (what: string) =>
  new AppError('FORBIDDEN', { message: `${what} from a signed-in session, not with an API token.`, internal: `an API token tried to ${what.toLowerCase()}` });

/**
 * Sign-in, first-run setup, sign-out, the user's own sessions and password. Every sign-in,
 * failed sign-in, sign-out, setup and password change is written to the audit log (with the
 * client address); a wrong password is never logged or audited, only that it was wrong.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash: Promise<string> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly sessionRows: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'auth' });
  }

  onModuleInit(): void {
    this.dummy().catch((error: unknown) => this.log.error({ err: error }, 'could not prepare the dummy password hash'));
  }

  async state(): Promise<AuthState> {
    return { setupRequired: !(await this.users.any()) };
  }

  /** First-run: create the owner when no user exists (atomically), then sign them in. */
  async setup(input: SetupDto, client: ClientInfo, cookie: SessionCookieJar): Promise<User> {
    if (await this.users.any()) throw new AppError('SETUP_DONE');
    const row = await this.users.createFirstOwner(input.email, await this.hasher.hash(input.password));
    if (!row) throw new AppError('SETUP_DONE', { internal: 'lost the first-run race to a concurrent setup' });
    const user = toUser(row);
    this.log.info({ userId: row.id }, 'created the owner account through first-run setup');
    await this.audit.record(user, 'auth.setup', { type: 'user', id: user.id }, { email: user.email, ip: client.ip });
    return this.startSession(user, client, cookie);
  }

  /**
   * Check email and password. Both failures answer the same 401 after the same work:
   * an unknown email is verified against a dummy argon2 hash.
   */
  async login(input: LoginDto, client: ClientInfo, cookie: SessionCookieJar): Promise<User> {
    this.limiter.attempt(input.email, client.ip);
    const row = await this.users.findByEmailWithHash(input.email);
    const ok = await this.hasher.verify(row?.passwordHash ?? (await this.dummy()), input.password);
    if (!row || !ok) {
      const reason = row ? 'wrong-password' : 'unknown-email';
      this.log.info({ reason, userId: row?.id, ip: client.ip }, 'sign-in failed');
      await this.audit.record(row ? toUser(row) : null, 'auth.login-failed', { type: 'user', id: row?.id ?? null }, { email: input.email, ip: client.ip, reason });
      throw new AppError('INVALID_CREDENTIALS');
    }
    this.limiter.succeeded(input.email, client.ip);
    return this.startSession(toUser(row), client, cookie);
  }

  async logout(auth: AuthContext, cookie: SessionCookieJar): Promise<void> {
    if (auth.via === 'session') {
      await this.sessions.revoke(auth.sessionId);
      this.log.info({ userId: auth.user.id, sessionId: auth.sessionId }, 'signed out');
      await this.audit.record(auth.user, 'auth.logout', { type: 'session', id: auth.sessionId });
    }
    cookie.clear();
  }

  me(auth: AuthContext): User {
    return auth.user;
  }

  /** The user's signed-in browsers, the current one marked. */
  async listSessions(auth: AuthContext): Promise<SessionInfo[]> {
    const rows = await this.sessionRows.listLive(auth.user.id, this.clock.now());
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      userAgent: row.userAgent,
      ip: row.ip,
      current: auth.via === 'session' && auth.sessionId === row.id,
    }));
  }

  /** Sign one of your own sessions out (404 for any other id); the current one also loses its cookie. */
  async revokeSession(auth: AuthContext, id: string, cookie: SessionCookieJar): Promise<void> {
    if (auth.via === 'token') throw sessionOnly('Sign sessions out');
    if (!(await this.sessionRows.revoke(id, this.clock.now(), auth.user.id))) throw new AppError('NOT_FOUND', { message: 'No such session.' });
    if (id === auth.sessionId) cookie.clear();
    this.log.info({ userId: auth.user.id, sessionId: id }, 'session revoked by its user');
    await this.audit.record(auth.user, 'session.revoke', { type: 'session', id }, { userId: auth.user.id, current: id === auth.sessionId });
  }

  /**
   * Sign out every other browser of yours at once (this one stays signed in). Each revoked
   * session fails its next request, and its open events streams end at their next re-check.
   */
  async revokeOtherSessions(auth: AuthContext): Promise<RevokedSessions> {
    if (auth.via === 'token') throw sessionOnly('Sign sessions out');
    const revoked = await this.sessionRows.revokeOthers(auth.user.id, auth.sessionId, this.clock.now());
    this.log.info({ userId: auth.user.id, sessionId: auth.sessionId, revoked }, 'other sessions revoked by their user');
    await this.audit.record(auth.user, 'session.revoke', { type: 'session', id: null }, { userId: auth.user.id, others: true, count: revoked });
    return { revoked };
  }

  /**
   * Change your own password: the current one first (throttled like a sign-in, so a stolen
   * session cannot guess it), then every other session and every API token of the user is
   * revoked; this session stays signed in.
   */
  async changePassword(auth: AuthContext, input: ChangePasswordDto, client: ClientInfo): Promise<void> {
    if (auth.via === 'token') throw sessionOnly('Change your password');
    this.limiter.attempt(auth.user.email, client.ip);
    const row = await this.users.findByIdWithHash(auth.user.id);
    if (!row || !(await this.hasher.verify(row.passwordHash, input.currentPassword))) {
      await this.audit.record(auth.user, 'auth.login-failed', { type: 'user', id: auth.user.id }, { email: auth.user.email, ip: client.ip, reason: 'wrong-current-password' });
      throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'currentPassword', message: 'That is not your current password' }], internal: 'wrong current password' });
    }
    this.limiter.succeeded(auth.user.email, client.ip);
    const revoked = await this.users.changePassword(auth.user.id, await this.hasher.hash(input.newPassword), auth.sessionId, this.clock.now());
    if (!revoked) throw new AppError('UNAUTHENTICATED', { internal: 'the user was deleted during a password change' });
    this.log.info({ userId: auth.user.id, ...revoked }, 'password changed; other sessions and all tokens revoked');
    await this.audit.record(auth.user, 'user.password-change', { type: 'user', id: auth.user.id }, { email: auth.user.email, ip: client.ip, sessionsRevoked: revoked.sessions, tokensRevoked: revoked.tokens });
  }

  private async startSession(user: User, client: ClientInfo, cookie: SessionCookieJar): Promise<User> {
    const session = await this.sessions.create(user.id, client);
    cookie.set(session.token, session.maxAgeS);
    this.log.info({ userId: user.id, sessionId: session.id, ip: client.ip }, 'signed in');
    await this.audit.record(user, 'auth.login', { type: 'session', id: session.id }, { ip: client.ip });
    return user;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(DUMMY_PASSWORD).catch((error: unknown) => {
      this.dummyHash = undefined; // try again on the next sign-in
      throw error;
    });
    return this.dummyHash;
  }
}

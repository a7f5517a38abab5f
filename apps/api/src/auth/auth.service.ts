import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthState } from '@fanout/contracts';
import { AppError } from '../common/app-error';
import { LOGGER, type Logger } from '../logging/logger';
import type { LoginDto, SetupDto } from './auth.dto';
import type { AuthContext, ClientInfo, SessionCookieJar, User } from './auth.types';
import { toUser } from './auth.types';
import { LoginRateLimiter } from './login-rate-limiter';
import { PasswordHasher } from './password-hasher';
import { SessionService } from './session.service';
import { UsersRepository } from './users.repository';

/** Hashed once at start-up; unknown emails are checked against it so they cost what a wrong password costs. */
const DUMMY_PASSWORD = 'fanout-timing-equaliser-not-a-password';

@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash: Promise<string> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
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
    this.log.info({ userId: row.id }, 'created the owner account through first-run setup');
    return this.startSession(toUser(row), client, cookie);
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
      this.log.info({ reason: row ? 'wrong-password' : 'unknown-email', userId: row?.id, ip: client.ip }, 'sign-in failed');
      throw new AppError('INVALID_CREDENTIALS');
    }
    this.limiter.succeeded(input.email, client.ip);
    return this.startSession(toUser(row), client, cookie);
  }

  async logout(auth: AuthContext, cookie: SessionCookieJar): Promise<void> {
    if (auth.via === 'session') {
      await this.sessions.revoke(auth.sessionId);
      this.log.info({ userId: auth.user.id, sessionId: auth.sessionId }, 'signed out');
    }
    cookie.clear();
  }

  me(auth: AuthContext): User {
    return auth.user;
  }

  private async startSession(user: User, client: ClientInfo, cookie: SessionCookieJar): Promise<User> {
    const session = await this.sessions.create(user.id, client);
    cookie.set(session.token, session.maxAgeS);
    this.log.info({ userId: user.id, sessionId: session.id, ip: client.ip }, 'signed in');
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

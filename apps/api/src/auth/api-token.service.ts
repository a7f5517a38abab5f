import { Injectable } from '@nestjs/common';
import { API_TOKEN_PREFIX, type ApiToken, apiTokenScopeSchema, type CreatedApiToken } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { ApiTokensRepository, type ApiTokenAuthRow, type ApiTokenRow } from './api-tokens.repository';
import { TOUCH_INTERVAL_MS } from './auth.constants';
import type { AuthContext, ApiTokenScope } from './auth.types';
import { toUser, type User } from './auth.types';
import type { CreateApiTokenDto } from './auth.dto';
import { SecretTokens, TOKEN_BODY } from './secret-tokens';
import { UsersRepository } from './users.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const noToken = () => new AppError('NOT_FOUND', { message: 'No such token.' });

function scopeOf(value: string): ApiTokenScope {
  // Fail closed: a value this code does not know reads as the narrower scope.
  return apiTokenScopeSchema.safeParse(value).data ?? 'read-only';
}

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scope: scopeOf(row.scope),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

/**
 * Personal access tokens: `fo_pat_` + 32 random bytes, shown once, stored as SHA-256, with a
 * scope (`read-only` tokens may only read) and an optional expiry. Only a signed-in session
 * creates tokens: a token cannot mint more of itself. Owners and admins see and revoke
 * anyone's. Creation and revocation are audited.
 */
@Injectable()
export class ApiTokenService {
  constructor(
    private readonly repository: ApiTokensRepository,
    private readonly users: UsersRepository,
    private readonly tokens: SecretTokens,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(auth: AuthContext, input: CreateApiTokenDto): Promise<CreatedApiToken> {
    if (auth.via === 'token') throw new AppError('FORBIDDEN', { message: 'Create API tokens from a signed-in session, not with a token.', internal: 'a token tried to create a token' });
    const token = this.tokens.generate(API_TOKEN_PREFIX);
    const now = this.clock.now();
    const expiresAt = input.expiresInDays === undefined ? null : new Date(now.getTime() + input.expiresInDays * DAY_MS);
    const row = await this.repository.create({ userId: auth.user.id, name: input.name, tokenHash: this.tokens.hash(token), scope: input.scope, createdAt: now, expiresAt });
    await this.audit.record(auth.user, 'token.create', { type: 'token', id: row.id }, { userId: auth.user.id, name: row.name, scope: input.scope, expiresAt: expiresAt?.toISOString() ?? null });
    const shown = toApiToken(row);
    return { id: shown.id, name: shown.name, token, scope: shown.scope, createdAt: shown.createdAt, expiresAt: shown.expiresAt };
  }

  async list(user: User): Promise<ApiToken[]> {
    return (await this.repository.listActive(user.id, this.clock.now())).map(toApiToken);
  }

  /** Another user's token, an unknown id and an already revoked token all read as NOT_FOUND. */
  async revoke(user: User, id: string): Promise<void> {
    await this.revokeOf(user, user.id, id);
  }

  /** Owners and admins (the route is @Roles): any user's live tokens. */
  async listFor(userId: string): Promise<ApiToken[]> {
    await this.existingUser(userId);
    return (await this.repository.listActive(userId, this.clock.now())).map(toApiToken);
  }

  /** Owners and admins (the route is @Roles): revoke any user's token. */
  async revokeFor(actor: User, userId: string, id: string): Promise<void> {
    await this.existingUser(userId);
    await this.revokeOf(actor, userId, id);
  }

  /** The user behind a bearer token, or null (unknown, revoked, expired); records lastUsedAt at most once a minute. */
  async authenticate(token: string): Promise<{ id: string; user: User; scope: ApiTokenScope } | null> {
    if (!token.startsWith(API_TOKEN_PREFIX) || !TOKEN_BODY.test(token.slice(API_TOKEN_PREFIX.length))) return null;
    const row = await this.repository.findByTokenHash(this.tokens.hash(token));
    const now = this.clock.now();
    if (!this.live(row, now)) return null;
    if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) await this.repository.touch(row.id, now);
    return { id: row.id, user: toUser(row.user), scope: scopeOf(row.scope) };
  }

  /** The token's user as of now, or null once it is revoked, expired or its user deleted (for long-lived responses). */
  async stillValid(tokenId: string): Promise<User | null> {
    const row = await this.repository.findById(tokenId);
    return this.live(row, this.clock.now()) ? toUser(row.user) : null;
  }

  private live(row: ApiTokenAuthRow | null, now: Date): row is ApiTokenAuthRow {
    return row !== null && row.revokedAt === null && (row.expiresAt === null || row.expiresAt.getTime() > now.getTime());
  }

  private async revokeOf(actor: User, userId: string, id: string): Promise<void> {
    const revoked = await this.repository.revoke(userId, id, this.clock.now());
    if (!revoked) throw noToken();
    await this.audit.record(actor, 'token.revoke', { type: 'token', id }, { userId, name: revoked.name });
  }

  private async existingUser(userId: string): Promise<void> {
    if (!(await this.users.findById(userId))) throw new AppError('NOT_FOUND', { message: 'No such user.' });
  }
}

import { Injectable } from '@nestjs/common';
import { API_TOKEN_PREFIX, type ApiToken, type CreatedApiToken } from '@fanout/contracts';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { ApiTokensRepository, type ApiTokenRow } from './api-tokens.repository';
import { TOUCH_INTERVAL_MS } from './auth.constants';
import { toUser, type User } from './auth.types';
import { SecretTokens, TOKEN_BODY } from './secret-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toApiToken(row: ApiTokenRow): ApiToken {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null };
}

/** Personal access tokens: `fo_pat_` + 32 random bytes, shown once, stored as SHA-256. */
@Injectable()
export class ApiTokenService {
  constructor(
    private readonly repository: ApiTokensRepository,
    private readonly tokens: SecretTokens,
    private readonly clock: Clock,
  ) {}

  async create(user: User, name: string): Promise<CreatedApiToken> {
    const token = this.tokens.generate(API_TOKEN_PREFIX);
    const row = await this.repository.create({ userId: user.id, name, tokenHash: this.tokens.hash(token), createdAt: this.clock.now() });
    return { id: row.id, name: row.name, token, createdAt: row.createdAt.toISOString() };
  }

  async list(user: User): Promise<ApiToken[]> {
    return (await this.repository.listActive(user.id)).map(toApiToken);
  }

  /** Another user's token, an unknown id and an already revoked token all read as NOT_FOUND. */
  async revoke(user: User, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.repository.revoke(user.id, id, this.clock.now()))) {
      throw new AppError('NOT_FOUND', { message: 'No such token.' });
    }
  }

  /** The user behind a bearer token, or null; records lastUsedAt at most once a minute. */
  async authenticate(token: string): Promise<{ id: string; user: User } | null> {
    if (!token.startsWith(API_TOKEN_PREFIX) || !TOKEN_BODY.test(token.slice(API_TOKEN_PREFIX.length))) return null;
    const row = await this.repository.findByTokenHash(this.tokens.hash(token));
    if (!row || row.revokedAt !== null) return null;
    const now = this.clock.now();
    if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) await this.repository.touch(row.id, now);
    return { id: row.id, user: toUser(row.user) };
  }
}

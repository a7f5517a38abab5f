import { Injectable } from '@nestjs/common';
import { ApiTokenService } from './api-token.service';
import type { AuthContext, User } from './auth.types';
import { SessionService } from './session.service';

/**
 * Re-checks the credential a long-lived response (an events stream) was opened with: the
 * user as they are now (role included), or null once the session was signed out or revoked,
 * the token revoked or expired, or the user deleted.
 */
@Injectable()
export class Credentials {
  constructor(
    private readonly sessions: SessionService,
    private readonly tokens: ApiTokenService,
  ) {}

  current(auth: AuthContext): Promise<User | null> {
    return auth.via === 'session' ? this.sessions.stillValid(auth.sessionId) : this.tokens.stillValid(auth.tokenId);
  }
}

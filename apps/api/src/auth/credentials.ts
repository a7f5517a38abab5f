import { Injectable } from '@nestjs/common';
import { ApiTokenService } from './api-token.service';
import type { AuthContext, User } from './auth.types';

/** The credential of a request, without its user: enough to ask again who it is. */
export type CredentialRef = Pick<Extract<AuthContext, { via: 'session' }>, 'via' | 'sessionId'> | Pick<Extract<AuthContext, { via: 'token' }>, 'via' | 'tokenId'>;
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

  current(auth: CredentialRef): Promise<User | null> {
    return auth.via === 'session' ? this.sessions.stillValid(auth.sessionId) : this.tokens.stillValid(auth.tokenId);
  }
}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from '../common/clock';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { ApiTokenController, UserTokensController } from './api-token.controller';
import { ApiTokenService } from './api-token.service';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Credentials } from './credentials';
import { CONFIG, type Config } from '../config/config';
import { LOGIN_LIMITS } from './auth.constants';
import { LOGIN_RATE_LIMITS, LoginRateLimiter, type LoginRateLimits } from './login-rate-limiter';
import { RolesGuard } from './roles.guard';
import { SecretTokens } from './secret-tokens';
import { SessionService } from './session.service';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';

/**
 * Sign-in, sessions, personal access tokens, the audit log they write to, and the two global guards
 * (AuthGuard, then RolesGuard: APP_GUARD providers run in registration order).
 */
@Module({
  controllers: [AuthController, ApiTokenController, UserTokensController],
  providers: [
    Clock,
    AuditRepository,
    AuditService,
    Credentials,
    SecretTokens,
    UsersRepository,
    SessionsRepository,
    ApiTokensRepository,
    SessionService,
    ApiTokenService,
    {
      provide: LOGIN_RATE_LIMITS,
      inject: [CONFIG],
      useFactory: (config: Config): LoginRateLimits => ({
        ...LOGIN_LIMITS,
        pairFreeFailures: config.LOGIN_FREE_FAILURES,
        maxDelayMs: config.LOGIN_MAX_DELAY_S * 1000,
        address: { ...LOGIN_LIMITS.address, max: config.LOGIN_ADDRESS_FAILURES },
      }),
    },
    LoginRateLimiter,
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [Clock, SessionService, ApiTokenService, Credentials, AuditService],
})
export class AuthModule {}

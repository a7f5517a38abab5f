import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { ApiToken, CreatedApiToken, User } from '@fanout/contracts';
import { ApiTokenService } from './api-token.service';
import { CreateApiTokenDto } from './auth.dto';
import type { AuthContext } from './auth.types';
import { CurrentAuth, CurrentUser, Roles } from './decorators';
import { UuidParam } from '../common/uuid-param';

/** The signed-in user's personal access tokens. */
@Controller('tokens')
export class ApiTokenController {
  constructor(private readonly tokens: ApiTokenService) {}

  /** 201 with the token: the only response that ever carries it. 403 when called with a token. */
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() body: CreateApiTokenDto): Promise<CreatedApiToken> {
    return this.tokens.create(auth, body);
  }

  /** Live tokens, newest first, without secrets. */
  @Get()
  list(@CurrentUser() user: User): Promise<ApiToken[]> {
    return this.tokens.list(user);
  }

  /** 204; 404 NOT_FOUND for an unknown, foreign or already revoked token. */
  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentUser() user: User, @Param('id', new UuidParam('token')) id: string): Promise<void> {
    return this.tokens.revoke(user, id);
  }
}

/** Any user's tokens, for owners and admins: see them and revoke a leaked one. */
@Controller('users/:userId/tokens')
@Roles('owner', 'admin')
export class UserTokensController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Get()
  list(@Param('userId', new UuidParam('user')) userId: string): Promise<ApiToken[]> {
    return this.tokens.listFor(userId);
  }

  /** 204; 404 for an unknown user or a token that is not theirs or not live. */
  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentUser() actor: User, @Param('userId', new UuidParam('user')) userId: string, @Param('id', new UuidParam('token')) id: string): Promise<void> {
    return this.tokens.revokeFor(actor, userId, id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { ApiToken, CreatedApiToken, User } from '@fanout/contracts';
import { ApiTokenService } from './api-token.service';
import { CreateApiTokenDto } from './auth.dto';
import { CurrentUser } from './decorators';

/** The signed-in user's personal access tokens. */
@Controller('tokens')
export class ApiTokenController {
  constructor(private readonly tokens: ApiTokenService) {}

  /** 201 `{id, name, token, createdAt}`: the only response that ever carries the token. */
  @Post()
  create(@CurrentUser() user: User, @Body() body: CreateApiTokenDto): Promise<CreatedApiToken> {
    return this.tokens.create(user, body.name);
  }

  /** Live tokens, newest first, without secrets. */
  @Get()
  list(@CurrentUser() user: User): Promise<ApiToken[]> {
    return this.tokens.list(user);
  }

  /** 204; 404 NOT_FOUND for an unknown, foreign or already revoked token. */
  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentUser() user: User, @Param('id') id: string): Promise<void> {
    return this.tokens.revoke(user, id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { AuthState, RevokedSessions, SessionInfo, User } from '@fanout/contracts';
import { ChangePasswordDto, LoginDto, SetupDto } from './auth.dto';
import { AuthService } from './auth.service';
import type { AuthContext, ClientInfo, SessionCookieJar } from './auth.types';
import { Client, CurrentAuth, Public, SessionCookie } from './decorators';
import { UuidParam } from '../common/uuid-param';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Whether the first-run setup form replaces sign-in. */
  @Public()
  @Get('state')
  state(): Promise<AuthState> {
    return this.auth.state();
  }

  /** 201 with the new owner, signed in; 409 SETUP_DONE once any user exists. */
  @Public()
  @Post('setup')
  setup(@Body() body: SetupDto, @Client() client: ClientInfo, @SessionCookie() cookie: SessionCookieJar): Promise<User> {
    return this.auth.setup(body, client, cookie);
  }

  /** 200 with the user and the session cookie; 401 INVALID_CREDENTIALS; 429 RATE_LIMITED. */
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Client() client: ClientInfo, @SessionCookie() cookie: SessionCookieJar): Promise<User> {
    return this.auth.login(body, client, cookie);
  }

  /** 204; the session is revoked server-side and the cookie cleared. */
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentAuth() auth: AuthContext, @SessionCookie() cookie: SessionCookieJar): Promise<void> {
    return this.auth.logout(auth, cookie);
  }

  @Get('me')
  me(@CurrentAuth() auth: AuthContext): User {
    return this.auth.me(auth);
  }

  /** 204; the current password is checked, then every other session and every API token is revoked. */
  @Post('password')
  @HttpCode(204)
  changePassword(@CurrentAuth() auth: AuthContext, @Body() body: ChangePasswordDto, @Client() client: ClientInfo): Promise<void> {
    return this.auth.changePassword(auth, body, client);
  }

  /** The signed-in user's live sessions, most recently used first. */
  @Get('sessions')
  sessions(@CurrentAuth() auth: AuthContext): Promise<SessionInfo[]> {
    return this.auth.listSessions(auth);
  }

  /** Every session of yours but this one signed out (session only): `{ revoked }`. */
  @Delete('sessions')
  revokeOtherSessions(@CurrentAuth() auth: AuthContext): Promise<RevokedSessions> {
    return this.auth.revokeOtherSessions(auth);
  }

  /** 204; 404 for a session that is not yours or not live. */
  @Delete('sessions/:id')
  @HttpCode(204)
  revokeSession(@CurrentAuth() auth: AuthContext, @Param('id', new UuidParam('session')) id: string, @SessionCookie() cookie: SessionCookieJar): Promise<void> {
    return this.auth.revokeSession(auth, id, cookie);
  }
}

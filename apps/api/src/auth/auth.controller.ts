import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { AuthState, User } from '@fanout/contracts';
import { LoginDto, SetupDto } from './auth.dto';
import { AuthService } from './auth.service';
import type { AuthContext, ClientInfo, SessionCookieJar } from './auth.types';
import { Client, CurrentAuth, Public, SessionCookie } from './decorators';

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
}

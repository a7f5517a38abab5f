import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { SlidingWindowLimiter, type RateLimit } from '../common/sliding-window-limiter';
import { LOGIN_LIMITS } from './auth.constants';

export { SlidingWindowLimiter };

export interface LoginRateLimits {
  account: RateLimit;
  address: RateLimit;
  maxKeys: number;
}

/** Optional Nest token to override LOGIN_LIMITS (tests). */
export const LOGIN_RATE_LIMITS = Symbol('LOGIN_RATE_LIMITS');

/**
 * Sign-in throttling per account and per client address. An attempt is counted before the
 * password is checked (so concurrent guesses cannot slip past the limit) and forgiven when
 * it succeeds; a success also clears the account's count.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly accounts: SlidingWindowLimiter;
  private readonly addresses: SlidingWindowLimiter;

  constructor(
    private readonly clock: Clock,
    @Optional() @Inject(LOGIN_RATE_LIMITS) limits: LoginRateLimits = LOGIN_LIMITS,
  ) {
    this.accounts = new SlidingWindowLimiter(limits.account, limits.maxKeys);
    this.addresses = new SlidingWindowLimiter(limits.address, limits.maxKeys);
  }

  /** Count an attempt, or throw RATE_LIMITED (counting nothing) when either limit is reached. */
  attempt(email: string, ip: string): void {
    const now = this.clock.now().getTime();
    const waitMs = Math.max(this.accounts.retryAfterMs(email, now), this.addresses.retryAfterMs(ip, now));
    if (waitMs > 0) {
      throw new AppError('RATE_LIMITED', {
        message: 'Too many sign-in attempts. Try again later.',
        internal: 'login rate limit reached',
        retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    }
    this.accounts.hit(email, now);
    this.addresses.hit(ip, now);
  }

  succeeded(email: string, ip: string): void {
    this.accounts.reset(email);
    this.addresses.forgiveOne(ip);
  }

  /** Keys held, for tests and metrics. */
  get size(): { accounts: number; addresses: number } {
    return { accounts: this.accounts.size, addresses: this.addresses.size };
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { SlidingWindowLimiter, type RateLimit } from '../common/sliding-window-limiter';
import { LOGIN_LIMITS } from './auth.constants';

export { SlidingWindowLimiter };

export interface LoginRateLimits {
  /** Failures one address may make against one account before delays start. */
  pairFreeFailures: number;
  /** The first delay; it doubles with each further failure, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An (account, address) pair forgets its failures this long after the last one. */
  pairMemoryMs: number;
  /** Per client address (after trusted proxies), across accounts: password spraying. */
  address: RateLimit;
  /** Keys remembered per table before the least recently used are evicted, bounding memory. */
  maxKeys: number;
}

/** Optional Nest token to override LOGIN_LIMITS (tests). */
export const LOGIN_RATE_LIMITS = Symbol('LOGIN_RATE_LIMITS');

interface PairState {
  failures: number;
  lastAt: number;
  blockedUntil: number;
}

/**
 * Sign-in throttling after the OWASP Authentication Cheat Sheet: never a lock on the account
 * itself, which would let anyone lock the owner out by typing wrong passwords for their email.
 *
 * - Per (account, address): a few free failures, then a delay that doubles with each failure
 *   (30 s, 1 min, 2 min... up to 15 min); a success clears it. Guessing one account from one
 *   address slows to a crawl, while the owner signing in from their own address is untouched.
 * - Per address, across accounts (20 in 15 min): one address spraying many accounts.
 *
 * An attempt is counted before the password is checked (so concurrent guesses cannot slip past)
 * and forgiven when it succeeds. A refused attempt checks no password and counts nothing.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly pairs = new Map<string, PairState>();
  private readonly addresses: SlidingWindowLimiter;
  private readonly limits: LoginRateLimits;

  constructor(
    private readonly clock: Clock,
    @Optional() @Inject(LOGIN_RATE_LIMITS) limits: LoginRateLimits = LOGIN_LIMITS,
  ) {
    this.limits = limits;
    this.addresses = new SlidingWindowLimiter(limits.address, limits.maxKeys);
  }

  /** Count an attempt, or throw RATE_LIMITED (counting nothing) while either limit holds. */
  attempt(email: string, ip: string): void {
    const now = this.clock.now().getTime();
    const key = pairKey(email, ip);
    const pair = this.livePair(key, now);
    const waitMs = Math.max(pair ? pair.blockedUntil - now : 0, this.addresses.retryAfterMs(ip, now));
    if (waitMs > 0) {
      throw new AppError('RATE_LIMITED', {
        message: 'Too many sign-in attempts. Try again later.',
        internal: 'login rate limit reached',
        retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    }
    this.addresses.hit(ip, now);
    const next: PairState = pair ?? { failures: 0, lastAt: now, blockedUntil: 0 };
    next.failures += 1;
    next.lastAt = now;
    const over = next.failures - this.limits.pairFreeFailures;
    if (over >= 0) next.blockedUntil = now + Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** over);
    this.pairs.delete(key); // re-insert: Map order is least recently used first
    if (this.pairs.size >= this.limits.maxKeys) this.evict(now);
    this.pairs.set(key, next);
  }

  succeeded(email: string, ip: string): void {
    this.pairs.delete(pairKey(email, ip));
    this.addresses.forgiveOne(ip);
  }

  /** Keys held, for tests and metrics. */
  get size(): { pairs: number; addresses: number } {
    return { pairs: this.pairs.size, addresses: this.addresses.size };
  }

  private livePair(key: string, now: number): PairState | undefined {
    const pair = this.pairs.get(key);
    if (pair && now - pair.lastAt >= this.limits.pairMemoryMs && now >= pair.blockedUntil) {
      this.pairs.delete(key);
      return undefined;
    }
    return pair;
  }

  private evict(now: number): void {
    for (const [key, pair] of this.pairs) {
      if (now - pair.lastAt >= this.limits.pairMemoryMs && now >= pair.blockedUntil) this.pairs.delete(key);
    }
    for (const key of this.pairs.keys()) {
      if (this.pairs.size < this.limits.maxKeys) break;
      this.pairs.delete(key);
    }
  }
}

function pairKey(email: string, ip: string): string {
  return `${email}\n${ip}`;
}

import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { Clock } from '../common/clock';
import { type RateLimit, SlidingWindowLimiter } from '../common/sliding-window-limiter';

/** Connection tests one user may start per minute: enough to fix a key and try again, not a port scanner. */
export const DESTINATION_TEST_LIMIT: RateLimit = { max: 6, windowMs: 60_000 };

/**
 * Per-user limit on connection tests. Each test makes the server open an outbound connection
 * on the user's behalf, so a member cannot turn the button into a scanner or a flood even
 * within the address policy.
 */
@Injectable()
export class DestinationTestLimiter {
  private readonly limiter = new SlidingWindowLimiter(DESTINATION_TEST_LIMIT, 10_000);

  constructor(private readonly clock: Clock) {}

  /** Counts one test, or throws RATE_LIMITED (counting nothing) once the user has used the minute's tests. */
  take(userId: string): void {
    const now = this.clock.now().getTime();
    const waitMs = this.limiter.retryAfterMs(userId, now);
    if (waitMs > 0) {
      const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AppError('RATE_LIMITED', {
        message: `You tested destinations ${DESTINATION_TEST_LIMIT.max} times in a minute. Try again in ${retryAfterS} s.`,
        internal: 'destination test rate limit reached',
        retryAfterS,
      });
    }
    this.limiter.hit(userId, now);
  }
}

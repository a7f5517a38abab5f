/** Name of the httpOnly cookie that carries the session token. */
export const SESSION_COOKIE = 'fanout_session';

/** Sessions live this long after their last use (sliding), and the cookie's Max-Age matches. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** lastSeenAt / lastUsedAt (and the sliding expiry) are written at most this often per session or token. */
export const TOUCH_INTERVAL_MS = 60 * 1000;

export type { RateLimit } from '../common/sliding-window-limiter';

export const LOGIN_LIMITS = {
  pairFreeFailures: 5,
  baseDelayMs: 30 * 1000,
  maxDelayMs: 15 * 60 * 1000,
  pairMemoryMs: 60 * 60 * 1000,
  address: { max: 20, windowMs: 15 * 60 * 1000 },
  maxKeys: 10_000,
} as const;

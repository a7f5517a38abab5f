import type { ErrorCode, FieldError } from '@fanout/contracts';

export type { ErrorCode };

/** What the user reads for each code unless the thrower gives something more specific. */
const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The request could not be read.',
  VALIDATION_FAILED: 'Some fields are not valid.',
  UNAUTHENTICATED: 'Sign in to continue.',
  INVALID_CREDENTIALS: 'Wrong email or password.',
  FORBIDDEN: 'You do not have permission to do that.',
  CSRF_ORIGIN_MISMATCH: 'This request did not come from the Fanout dashboard.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'That conflicts with the current state. Reload and try again.',
  SETUP_DONE: 'Fanout is already set up. Sign in with the owner account.',
  EMAIL_TAKEN: 'An account with that email already exists.',
  LAST_OWNER: 'Fanout needs at least one owner. Make someone else an owner first.',
  CANNOT_DELETE_SELF: 'You cannot delete your own account.',
  LIMIT_REACHED: 'A limit of this server is reached.',
  HOST_NOT_ALLOWED: 'This server does not answer to that host name. Add it to PUBLIC_HOSTS.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the request body as JSON.',
  RATE_LIMITED: 'Too many attempts. Try again later.',
  INTERNAL: 'Something went wrong on our side.',
};

export interface AppErrorOptions {
  /** Shown to the user; defaults to the code's generic message. Never put a secret here. */
  message?: string;
  /** For the logs only (what really happened); defaults to the user message. Never a secret either. */
  internal?: string;
  errors?: FieldError[];
  /** For RATE_LIMITED: whole seconds until a retry can succeed. */
  retryAfterS?: number;
  cause?: unknown;
}

/**
 * A domain error: a code from the contracts' enum, a message for the user, and a separate
 * internal message for the logs (after documenso's AppError). Services throw these; the
 * exception filter alone decides the HTTP status.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly userMessage: string;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterS: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options: AppErrorOptions = {},
  ) {
    const userMessage = options.message ?? DEFAULT_MESSAGES[code];
    super(options.internal ?? userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.userMessage = userMessage;
    this.errors = options.errors;
    this.retryAfterS = options.retryAfterS;
  }
}

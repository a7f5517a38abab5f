import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ApiError } from '@fanout/contracts';
import type { Logger } from './logging/logger';
import { AppError, type ErrorCode } from './common/app-error';
import { assertUnreachable } from './common/assert-unreachable';

/** The one place an error code becomes an HTTP status. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'VALIDATION_FAILED':
      return 400;
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
      return 401;
    case 'FORBIDDEN':
    case 'CSRF_ORIGIN_MISMATCH':
    case 'HOST_NOT_ALLOWED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'SETUP_DONE':
    case 'EMAIL_TAKEN':
    case 'LAST_OWNER':
    case 'CANNOT_DELETE_SELF':
    case 'LIMIT_REACHED':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL':
      return 500;
    default:
      return assertUnreachable(code);
  }
}

/** Errors raised outside our code (Nest's routing, Fastify's body parser, wrapped by Nest) carry only a status. */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  }
}

export interface ErrorResponse {
  status: number;
  body: ApiError;
  headers: Record<string, string>;
}

/**
 * Turn anything thrown into the `{code, message, errors?, retryAfterS?}` body and its status.
 * Only an AppError's user message (or a framework 4xx's generic one) reaches the client;
 * unknown errors are logged with their stack and answered with a generic 500.
 */
export function toErrorResponse(exception: unknown, logger: Logger): ErrorResponse {
  let error: AppError;
  if (exception instanceof AppError) {
    error = exception;
  } else if (exception instanceof HttpException) {
    const code = codeForStatus(exception.getStatus());
    // Nest's and Fastify's 4xx messages ("Cannot GET /api/nope", "Body is not valid JSON…")
    // describe the request, so they are safe to show; a 5xx message might not be.
    error = new AppError(code, statusOf(code) < 500 ? { message: exception.message } : { internal: exception.message, cause: exception });
  } else {
    logger.error({ err: exception }, 'unhandled error');
    error = new AppError('INTERNAL');
  }
  const status = statusOf(error.code);
  if (error.code === 'INTERNAL' && exception instanceof AppError) logger.error({ err: exception }, 'internal error');
  else if (status < 500) logger.debug({ code: error.code, status, detail: error.message }, 'request refused');

  const body: ApiError = { code: error.code, message: error.userMessage };
  if (error.errors) body.errors = error.errors;
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.retryAfterS !== undefined) {
    body.retryAfterS = error.retryAfterS;
    headers['retry-after'] = String(error.retryAfterS);
  }
  return { status, body, headers };
}

/** Every error leaves the API through here, including Fastify's (Nest wraps those in an HttpException). */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(exception, this.logger);
    void reply.status(status).headers(headers).send(body);
  }
}

import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { errorCodeSchema } from '@fanout/contracts';
import { capturedLogger } from '../test/support/logs';
import { AppError } from './common/app-error';
import { statusOf, toErrorResponse } from './http-exception.filter';

describe('statusOf', () => {
  it('maps every code in the contract to a 4xx or 5xx status', () => {
    const table = Object.fromEntries(errorCodeSchema.options.map((code) => [code, statusOf(code)]));
    expect(table).toEqual({
      BAD_REQUEST: 400,
      VALIDATION_FAILED: 400,
      UNAUTHENTICATED: 401,
      INVALID_CREDENTIALS: 401,
      FORBIDDEN: 403,
      CSRF_ORIGIN_MISMATCH: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      SETUP_DONE: 409,
      EMAIL_TAKEN: 409,
      LAST_OWNER: 409,
      CANNOT_DELETE_SELF: 409,
      LIMIT_REACHED: 409,
      HOST_NOT_ALLOWED: 403,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      RATE_LIMITED: 429,
      INTERNAL: 500,
    });
  });

  it('throws on a code outside the enum (the assertUnreachable branch)', () => {
    expect(() => statusOf('NOPE' as never)).toThrow(/unreachable/);
  });
});

describe('toErrorResponse', () => {
  it('shows the user message of an AppError, never its internal one', () => {
    const { logger, text } = capturedLogger();
    const response = toErrorResponse(new AppError('FORBIDDEN', { internal: 'role member is not owner' }), logger);
    expect(response).toEqual({ status: 403, body: { code: 'FORBIDDEN', message: 'You do not have permission to do that.' }, headers: { 'cache-control': 'no-store' } });
    expect(JSON.stringify(response)).not.toContain('role member');
    expect(text()).toContain('role member is not owner'); // kept for the logs
  });

  it('adds field errors, and Retry-After with retryAfterS', () => {
    const { logger } = capturedLogger();
    expect(toErrorResponse(new AppError('VALIDATION_FAILED', { errors: [{ path: 'email', message: 'bad' }] }), logger).body).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Some fields are not valid.',
      errors: [{ path: 'email', message: 'bad' }],
    });
    expect(toErrorResponse(new AppError('RATE_LIMITED', { retryAfterS: 42 }), logger)).toEqual({
      status: 429,
      body: { code: 'RATE_LIMITED', message: 'Too many attempts. Try again later.', retryAfterS: 42 },
      headers: { 'cache-control': 'no-store', 'retry-after': '42' },
    });
  });

  it("maps Nest's and Fastify's HttpExceptions by status", () => {
    const { logger } = capturedLogger();
    expect(toErrorResponse(new NotFoundException('Cannot GET /api/x'), logger).body).toEqual({ code: 'NOT_FOUND', message: 'Cannot GET /api/x' });
    expect(toErrorResponse(new BadRequestException('Body is not valid JSON'), logger).body).toEqual({ code: 'BAD_REQUEST', message: 'Body is not valid JSON' });
    expect(toErrorResponse(new HttpException('too big', 413), logger).status).toBe(413);
    expect(toErrorResponse(new HttpException('nope', 418), logger).body.code).toBe('BAD_REQUEST');
  });

  it('answers unknown errors and 5xx HttpExceptions with a generic 500, logging the details', () => {
    const { logger, text } = capturedLogger();
    expect(toErrorResponse(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=abc'), logger)).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'Something went wrong on our side.' },
      headers: { 'cache-control': 'no-store' },
    });
    expect(toErrorResponse(new HttpException('upstream secret detail', 502), logger).body).toEqual({ code: 'INTERNAL', message: 'Something went wrong on our side.' });
    expect(text()).toContain('ECONNREFUSED');
  });
});

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ApiError } from '@fanout/contracts';
import type { Logger } from './logging/logger';

/**
 * Every error leaves the API as `{code, message, errors?}`. Unknown errors are logged
 * with their stack and answered with a generic 500, so internals never reach a client.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: ApiError = { code: 'INTERNAL', message: 'Something went wrong on our side.' };
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      body =
        typeof response === 'object' && response !== null && 'code' in response
          ? (response as ApiError)
          : { code: HttpStatus[status] ?? 'ERROR', message: exception.message };
    } else {
      this.logger.error({ err: exception }, 'unhandled error');
    }
    void reply.status(status).send(body);
  }
}

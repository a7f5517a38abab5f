import type { PipeTransform } from '@nestjs/common';
import { AppError } from './app-error';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id route parameter, checked at the edge: a malformed id is answered exactly like an unknown
 * one (404 "No such stream."), before any service or query sees it, so ids reveal nothing and
 * services only ever get well-formed ones. `@Param('id', new UuidParam('stream'))`.
 */
export class UuidParam implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new AppError('NOT_FOUND', { message: `No such ${this.what}.` });
    return value;
  }
}

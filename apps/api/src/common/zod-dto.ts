import type { z } from 'zod';

/** A class that carries its zod schema, so a route's parameter type names its validation too. */
export interface ZodDto<S extends z.ZodType = z.ZodType> {
  new (): z.output<S>;
  readonly schema: S;
}

/**
 * `class LoginDto extends zodDto(loginSchema) {}` gives `@Body() body: LoginDto` both the
 * parsed type and, through the emitted parameter type, the schema ZodValidationPipe applies.
 */
export function zodDto<S extends z.ZodType>(schema: S): ZodDto<S> {
  class Dto {
    static readonly schema = schema;
  }
  return Dto as unknown as ZodDto<S>;
}

export function isZodDto(value: unknown): value is ZodDto {
  return typeof value === 'function' && 'schema' in value && typeof (value as { schema?: { safeParse?: unknown } }).schema?.safeParse === 'function';
}

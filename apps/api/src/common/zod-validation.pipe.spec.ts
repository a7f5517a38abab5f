import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './app-error';
import { zodDto } from './zod-dto';
import { ZodValidationPipe } from './zod-validation.pipe';

class ThingDto extends zodDto(z.strictObject({ name: z.string().trim().min(1, 'Required'), count: z.number().int().default(1) })) {}

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe();

  it('replaces the body with the parsed value (trimmed, defaulted)', () => {
    expect(pipe.transform({ name: '  a  ' }, { type: 'body', metatype: ThingDto })).toEqual({ name: 'a', count: 1 });
  });

  it('throws VALIDATION_FAILED with every field error, unknown keys included', () => {
    try {
      pipe.transform({ name: ' ', count: 1.5, extra: true }, { type: 'body', metatype: ThingDto });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('VALIDATION_FAILED');
      expect((error as AppError).errors).toEqual(
        expect.arrayContaining([
          { path: '(body)', message: 'Unrecognized key: "extra"' },
          { path: 'name', message: 'Required' },
          { path: 'count', message: expect.any(String) },
        ]),
      );
      expect((error as AppError).errors).toHaveLength(3);
    }
  });

  it('fails closed on a body without a schema', () => {
    expect(() => pipe.transform({ anything: 1 }, { type: 'body', metatype: Object })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => pipe.transform({ anything: 1 }, { type: 'body' })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('passes other parameters through untouched', () => {
    expect(pipe.transform('abc', { type: 'param', metatype: String, data: 'id' })).toBe('abc');
    const user = { id: 'u1' };
    expect(pipe.transform(user, { type: 'custom' })).toBe(user);
  });
});

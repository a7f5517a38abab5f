import { describe, expect, it } from 'vitest';
import { auditQuerySchema } from './audit';
import { toFieldErrors } from './errors';
import { createStreamSchema, updateStreamSchema } from './streams';
import { createUserSchema, updateUserSchema } from './users';

describe('stream schemas', () => {
  it('takes a trimmed name of 1 to 100 characters and nothing else', () => {
    expect(createStreamSchema.parse({ name: '  Main  ' })).toEqual({ name: 'Main' });
    expect(createStreamSchema.safeParse({ name: 'x'.repeat(101) }).success).toBe(false);
    expect(createStreamSchema.safeParse({ name: 'x', streamKey: 'live_mine' }).success).toBe(false);
  });

  it('takes a small flat settings map of scalars', () => {
    expect(updateStreamSchema.parse({ settings: { lowLatency: true, label: 'a', delayS: 2, note: null } })).toEqual({ settings: { lowLatency: true, label: 'a', delayS: 2, note: null } });
    const nested = updateStreamSchema.safeParse({ settings: { a: { b: 1 } } });
    expect(nested.success).toBe(false);
    const many = updateStreamSchema.safeParse({ settings: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) });
    expect(toFieldErrors(many.error!)).toEqual([{ path: 'settings', message: 'Use at most 32 settings' }]);
    expect(updateStreamSchema.safeParse({ settings: { long: 'x'.repeat(2049) } }).success).toBe(false);
  });
});

describe('user schemas', () => {
  it('creates members by default and lower-cases the email', () => {
    expect(createUserSchema.parse({ email: 'A@B.co', password: 'long enough pw' })).toEqual({ email: 'a@b.co', password: 'long enough pw', role: 'member' });
  });

  it('updates only role and password', () => {
    expect(updateUserSchema.parse({})).toEqual({});
    expect(updateUserSchema.safeParse({ email: 'a@b.co' }).success).toBe(false);
    expect(updateUserSchema.safeParse({ password: 'short' }).success).toBe(false);
  });
});

describe('auditQuerySchema', () => {
  it('reads the query string: limit 1-100 (default 50) and a uuid cursor', () => {
    expect(auditQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(auditQuerySchema.parse({ limit: '10', cursor: '0b9f6f3e-3c1a-4a53-9a55-0d6c7b0b1c11' })).toEqual({ limit: 10, cursor: '0b9f6f3e-3c1a-4a53-9a55-0d6c7b0b1c11' });
    for (const limit of ['0', '101', '1.5', 'ten', '']) expect(auditQuerySchema.safeParse({ limit }).success, limit).toBe(false);
    expect(auditQuerySchema.safeParse({ cursor: 'abc' }).success).toBe(false);
  });
});

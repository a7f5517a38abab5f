import { z } from 'zod';

export const roleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

export const emailSchema = z.email('Enter a valid email address').max(254).transform((v) => v.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters')
  .max(256, 'Use at most 256 characters');

export const loginSchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password').max(256),
});
export type LoginInput = z.input<typeof loginSchema>;

/** First-run setup: creates the owner when the database has no user yet. */
export const setupSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
});
export type SetupInput = z.input<typeof setupSchema>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

/** `GET /api/auth/state`: what the sign-in page needs before anyone is signed in. */
export const authStateSchema = z.object({ setupRequired: z.boolean() });
export type AuthState = z.infer<typeof authStateSchema>;

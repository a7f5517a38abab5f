import { z } from 'zod';
import { passwordSchema } from './password-policy';

export const roleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

export const emailSchema = z.email('Enter a valid email address').max(254).transform((v) => v.toLowerCase());
export { passwordSchema } from './password-policy';

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

/** `GET /api/users`: every account. */
export const userListSchema = z.array(userSchema);

/** `GET /api/auth/state`: what the sign-in page needs before anyone is signed in. */
export const authStateSchema = z.object({ setupRequired: z.boolean() });
export type AuthState = z.infer<typeof authStateSchema>;

/** `POST /api/auth/password`: the signed-in user changes their own password. */
export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password').max(256),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** One entry of `GET /api/auth/sessions`: a signed-in browser of the current user. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** `GET /api/auth/sessions`: your signed-in sessions. */
export const sessionInfoListSchema = z.array(sessionInfoSchema);

/** `DELETE /api/auth/sessions`: every session but the current one signed out. */
export const revokedSessionsSchema = z.object({ revoked: z.number().int().nonnegative() });
export type RevokedSessions = z.infer<typeof revokedSessionsSchema>;

import { z } from 'zod';
import { emailSchema, passwordSchema, roleSchema } from './auth';

/** `POST /api/users` (owner/admin). Only an owner may create another owner. */
export const createUserSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  role: roleSchema.default('member'),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

/** `PATCH /api/users/:id` (owner/admin). A new password signs that user out everywhere. */
export const updateUserSchema = z.strictObject({
  role: roleSchema.optional(),
  password: passwordSchema.optional(),
});
export type UpdateUserInput = z.input<typeof updateUserSchema>;

// Responses are `userSchema` (./auth).

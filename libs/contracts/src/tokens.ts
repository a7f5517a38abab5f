import { z } from 'zod';
import { nameSchema } from './text';

/** Personal access tokens start with this, so leaked ones are easy to recognise and scan for. */
export const API_TOKEN_PREFIX = 'fo_pat_';

/** `POST /api/tokens` */
export const apiTokenScopeSchema = z.enum(['read-write', 'read-only']);
export type ApiTokenScope = z.infer<typeof apiTokenScopeSchema>;

/** Longest lifetime a token may be given, in days (ten years). */
export const API_TOKEN_MAX_DAYS = 3650;

/**
 * `POST /api/tokens`, from a signed-in session only (a token cannot mint tokens). `read-only`
 * tokens may only GET; `expiresInDays` omitted means the token lives until revoked.
 */
export const createApiTokenSchema = z.strictObject({
  name: nameSchema('Give the token a name'),
  scope: apiTokenScopeSchema.default('read-write'),
  expiresInDays: z.number().int('Use a whole number of days').min(1, 'Use at least 1 day').max(API_TOKEN_MAX_DAYS, `Use at most ${API_TOKEN_MAX_DAYS} days`).optional(),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;

/** One entry of `GET /api/tokens`: never the secret. */
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: apiTokenScopeSchema,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** Null: until revoked. */
  expiresAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** `GET /api/tokens` and `GET /api/users/:id/tokens`: live tokens, newest first. */
export const apiTokenListSchema = z.array(apiTokenSchema);

/** `POST /api/tokens` answer: the only time `token` is ever shown. */
export const createdApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string().startsWith(API_TOKEN_PREFIX),
  scope: apiTokenScopeSchema,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

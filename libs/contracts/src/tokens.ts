import { z } from 'zod';

/** Personal access tokens start with this, so leaked ones are easy to recognise and scan for. */
export const API_TOKEN_PREFIX = 'fo_pat_';

/** `POST /api/tokens` */
export const createApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1, 'Give the token a name').max(100, 'Use at most 100 characters'),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;

/** One entry of `GET /api/tokens`: never the secret. */
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** `POST /api/tokens` answer: the only time `token` is ever shown. */
export const createdApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string().startsWith(API_TOKEN_PREFIX),
  createdAt: z.string(),
});
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;
